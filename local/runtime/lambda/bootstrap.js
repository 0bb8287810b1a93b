// @ts-check
/**
 * The inside of one local Lambda execution environment: runs in a worker
 * thread, loads the handler module once (the init phase), then answers
 * `invoke` messages. It follows the behaviour of AWS's Node.js runtime
 * interface client (aws-lambda-nodejs-runtime-interface-client): how the
 * handler string is resolved, the `Runtime.*` init errors, the error payload,
 * and console lines tagged with the request id.
 *
 * Plain JavaScript on purpose: a worker thread starts without the TypeScript
 * loader the rest of the project runs under. Message types: ./protocol.ts.
 */
'use strict';

const { parentPort, workerData } = require('node:worker_threads');
const { AsyncLocalStorage } = require('node:async_hooks');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const util = require('node:util');

/** @typedef {import('./protocol').EnvironmentInit} EnvironmentInit */
/** @typedef {import('./protocol').InvokeMessage} InvokeMessage */
/** @typedef {import('./protocol').EnvironmentMessage} EnvironmentMessage */
/** @typedef {import('./protocol').LambdaErrorPayload} LambdaErrorPayload */
/** @typedef {(event: unknown, context: object, callback: (error?: unknown, result?: unknown) => void) => unknown} Handler */

const CALLBACK_HANDLER_REMOVED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. ' +
  'You need to modify this function to use a supported handler signature to use Node.js 24 or later. ' +
  'For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/** @type {EnvironmentInit} */
const init = workerData;
const port = parentPort;
if (!port) throw new Error('bootstrap.js runs only inside a worker thread');

/** @param {EnvironmentMessage} message */
const send = (message) => port.postMessage(message);

// Which invocation a console line belongs to, when several share this environment.
/** @type {AsyncLocalStorage<string>} */
const currentRequest = new AsyncLocalStorage();

/**
 * Several invocations share this environment (runner.ts), as in Lambda's
 * multi-concurrency mode. Like Lambda's runtime in that mode, it announces
 * AWS_LAMBDA_MAX_CONCURRENCY and offers per-invocation state through
 * `globalThis.awslambda.InvokeStore` (the protocol of @aws/lambda-invoke-store),
 * which libraries such as Powertools Logger use to keep one invocation's keys
 * (e.g. its correlation id) out of another's log lines.
 */
const PROTECTED_KEYS = {
  REQUEST_ID: Symbol.for('_AWS_LAMBDA_REQUEST_ID'),
  X_RAY_TRACE_ID: Symbol.for('_AWS_LAMBDA_X_RAY_TRACE_ID'),
  TENANT_ID: Symbol.for('_AWS_LAMBDA_TENANT_ID'),
  TRACEPARENT: Symbol.for('_AWS_LAMBDA_TRACEPARENT'),
  TRACESTATE: Symbol.for('_AWS_LAMBDA_TRACESTATE'),
  BAGGAGE: Symbol.for('_AWS_LAMBDA_BAGGAGE'),
};
/** @type {AsyncLocalStorage<Record<string | symbol, unknown>>} */
const invocationState = new AsyncLocalStorage();
const invokeStore = {
  PROTECTED_KEYS,
  isProtectedKey: (/** @type {string | symbol} */ key) => Object.values(PROTECTED_KEYS).includes(/** @type {symbol} */ (key)),
  getContext: () => invocationState.getStore(),
  hasContext: () => invocationState.getStore() !== undefined,
  get: (/** @type {string | symbol} */ key) => invocationState.getStore()?.[key],
  set: (/** @type {string | symbol} */ key, /** @type {unknown} */ value) => {
    if (invokeStore.isProtectedKey(key)) throw new Error(`Cannot modify protected Lambda context field: ${String(key)}`);
    const store = invocationState.getStore();
    if (!store) throw new Error('No context available');
    store[key] = value;
  },
  run: (/** @type {Record<string | symbol, unknown>} */ context, /** @type {() => unknown} */ fn) => invocationState.run(context, fn),
  getRequestId: () => invocationState.getStore()?.[PROTECTED_KEYS.REQUEST_ID] ?? '-',
  getXRayTraceId: () => invocationState.getStore()?.[PROTECTED_KEYS.X_RAY_TRACE_ID],
  getTenantId: () => invocationState.getStore()?.[PROTECTED_KEYS.TENANT_ID],
  getTraceparent: () => invocationState.getStore()?.[PROTECTED_KEYS.TRACEPARENT],
  getTracestate: () => invocationState.getStore()?.[PROTECTED_KEYS.TRACESTATE],
  getBaggage: () => invocationState.getStore()?.[PROTECTED_KEYS.BAGGAGE],
};
/** @type {{ awslambda?: { InvokeStore?: unknown } }} */ (globalThis).awslambda = { .../** @type {{ awslambda?: object }} */ (globalThis).awslambda, InvokeStore: invokeStore };
process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '64';

patchConsole();
loadHandler().then(
  (handler) => {
    port.on('message', (/** @type {InvokeMessage} */ message) => invoke(handler, message));
    send({ type: 'ready' });
  },
  (error) => send({ type: 'init-error', error: toErrorPayload(error) }),
);

/** @param {Handler} handler @param {InvokeMessage} message */
function invoke(handler, message) {
  let settled = false;
  /** The first outcome wins, whether it comes from the promise, the callback or context.done. */
  const settle = (/** @type {unknown} */ error, /** @type {unknown} */ result) => {
    if (settled) return;
    settled = true;
    if (error !== undefined && error !== null) send({ type: 'error', id: message.id, error: toErrorPayload(error) });
    else sendResult(message.id, result);
  };
  const context = createContext(message, settle);
  invokeStore.run({ [PROTECTED_KEYS.REQUEST_ID]: message.requestId }, () => currentRequest.run(message.requestId, () => {
    try {
      const returned = handler(JSON.parse(message.event), context, settle);
      if (isPromise(returned)) {
        returned.then(
          (result) => settle(null, result),
          (error) => settle(error ?? 'handled', undefined),
        );
      } else if (handler.length < 3) {
        settle(null, returned); // a synchronous handler's return value is its result
      } // else: a callback handler answers through the callback
    } catch (error) {
      settle(error ?? 'handled', undefined);
    }
  }));
}

/** @param {number} id @param {unknown} result */
function sendResult(id, result) {
  let payload;
  try {
    payload = JSON.stringify(result);
  } catch {
    send({ type: 'error', id, error: { errorType: 'Runtime.JSONStringifyError', errorMessage: 'Unable to stringify response body' } });
    return;
  }
  send({ type: 'result', id, payload: payload ?? 'null' });
}

/**
 * The Lambda context object. `done`/`succeed`/`fail` complete the invocation as
 * they did in older runtimes; `callbackWaitsForEmptyEventLoop` is accepted but
 * has no effect (the environment may be shared, so its event loop never empties).
 * @param {InvokeMessage} message @param {(error: unknown, result: unknown) => void} settle
 */
function createContext(message, settle) {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: init.functionName,
    functionVersion: init.functionVersion,
    invokedFunctionArn: message.invokedFunctionArn,
    memoryLimitInMB: init.memoryLimitInMB,
    awsRequestId: message.requestId,
    logGroupName: init.logGroupName,
    logStreamName: init.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - Date.now()),
    done: (/** @type {unknown} */ error, /** @type {unknown} */ result) => settle(error, result),
    succeed: (/** @type {unknown} */ result) => settle(null, result),
    fail: (/** @type {unknown} */ error) => settle(error ?? 'handled', undefined),
  };
}

// ---------------------------------------------------------------- loading the handler

/** @returns {Promise<Handler>} */
async function loadHandler() {
  const fullHandler = init.handler;
  if (fullHandler.includes('..')) {
    throw runtimeError(
      'Runtime.MalformedHandlerName',
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = path.basename(fullHandler);
  const moduleRoot = fullHandler.slice(0, fullHandler.length - base.length);
  const match = /^([^.]*)\.(.*)$/.exec(base);
  if (!match || match[1] === undefined || match[2] === undefined) throw runtimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const [, moduleName, exportPath] = match;

  const userModule = await loadUserModule(moduleRoot, moduleName);
  /** @type {unknown} */
  const handler = exportPath.split('.').reduce((/** @type {any} */ object, key) => object && object[key], userModule);
  if (!handler) throw runtimeError('Runtime.HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${fullHandler} is not a function`);
  if (handler.length >= 3 && !init.allowCallbackHandlers) throw runtimeError('Runtime.CallbackHandlerDeprecated', CALLBACK_HANDLER_REMOVED);
  return /** @type {Handler} */ (handler);
}

/** Tries `<file>`, `<file>.js`, `.mjs`, `.cjs` in Lambda's order, then Node's own resolution. */
async function loadUserModule(/** @type {string} */ moduleRoot, /** @type {string} */ moduleName) {
  const file = path.resolve(init.codeDir, moduleRoot, moduleName);
  try {
    if (existsSync(file)) return require(file);
    const jsIsEsm = existsSync(`${file}.js`) && nearestPackageIsModule(path.dirname(file));
    if (existsSync(`${file}.js`)) return jsIsEsm ? await import(pathToFileURL(`${file}.js`).href) : require(`${file}.js`);
    if (existsSync(`${file}.mjs`)) return await import(pathToFileURL(`${file}.mjs`).href);
    if (existsSync(`${file}.cjs`)) return require(`${file}.cjs`);
    return require(require.resolve(moduleName, { paths: [init.codeDir, path.resolve(init.codeDir, moduleRoot)] }));
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', String(error), error.stack);
    if (isCode(error, 'MODULE_NOT_FOUND') || isCode(error, 'ERR_MODULE_NOT_FOUND')) throw runtimeError('Runtime.ImportModuleError', String(error));
    throw error;
  }
}

/** Whether the nearest package.json above `folder` says `"type": "module"` (then `.js` is an ES module). */
function nearestPackageIsModule(/** @type {string} */ folder) {
  for (let dir = folder; !dir.endsWith(`${path.sep}node_modules`); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
  return false;
}

// ---------------------------------------------------------------- errors and logs

/** Lambda's error payload: an Error's name, message and stack lines; anything else by its type. */
function toErrorPayload(/** @type {unknown} */ error) {
  /** @type {LambdaErrorPayload} */
  let payload;
  try {
    if (error instanceof Error || util.types.isNativeError(error)) {
      const e = /** @type {Error} */ (error);
      payload = { errorType: String(e.name), errorMessage: String(e.message), trace: String(e.stack ?? '').split('\n') };
    } else {
      payload = { errorType: typeof error, errorMessage: String(error), trace: [] };
    }
  } catch {
    payload = { errorType: 'handled', errorMessage: 'the handler failed with a value that cannot be described' };
  }
  return payload;
}

/** @param {string} name @param {string} message @param {string} [stack] */
function runtimeError(name, message, stack) {
  const error = new Error(message);
  error.name = name;
  if (stack) error.stack = stack;
  return error;
}

function isCode(/** @type {unknown} */ error, /** @type {string} */ code) {
  return typeof error === 'object' && error !== null && /** @type {{ code?: unknown }} */ (error).code === code;
}

function isPromise(/** @type {unknown} */ value) {
  return typeof value === 'object' && value !== null && typeof (/** @type {{ then?: unknown }} */ (value).then) === 'function';
}

/** Console lines go to the runner as messages, tagged with the request id, as Lambda's runtime tags them. */
function patchConsole() {
  /** @type {Array<[keyof Console, import('./protocol').LogLevel]>} */
  const methods = [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE']];
  for (const [method, level] of methods) {
    Object.assign(console, {
      [method]: (/** @type {unknown[]} */ ...args) => {
        const requestId = currentRequest.getStore();
        send({ type: 'log', level, message: util.format(...args), ...(requestId !== undefined && { requestId }) });
      },
    });
  }
}
