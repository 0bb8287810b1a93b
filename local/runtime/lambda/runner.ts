/**
 * The local Lambda service: invokes the template's functions from their
 * bundled code in cdk.out, each in an execution environment of its own (a
 * worker thread), with the environment variables the template gives it.
 *
 * Why worker threads: handlers read process.env at module load and keep SDK
 * clients at module scope. In-process handlers with different environments
 * would leak into each other; a worker has its own process.env and module
 * cache, like a Lambda execution environment.
 *
 * Environments per function are created on demand (each a cold start) and
 * reused afterwards: an invoke takes an idle environment, or starts a new one
 * while the function has fewer than `maxEnvironmentsPerFunction`; beyond that,
 * concurrent invocations share the least busy one (Node is asynchronous) where
 * Lambda would start more, so module-scope state may be shared between
 * concurrent invocations here. After a timeout, a crash or an init failure the
 * environment is discarded and the next invoke starts a new one, as Lambda does.
 */
import { randomUUID } from 'node:crypto';
import { AwsServiceError, LOCAL_AWS, type LambdaInvokeResult, type LambdaInvoker, type LocalFunctionSpec } from '../contracts';
import { DEFAULT_RUNTIME_MODULES_DIR, FUNCTION_VERSION, lambdaEnvironment, logGroupName, newLogStreamName, nodeMajor } from './environment';
import { ExecutionEnvironment, type InvocationOutcome } from './execution-environment';
import { stderrLogSink, type LambdaLogSink } from './logging';
import type { LambdaErrorPayload } from './protocol';

/** Invoke request payload limit (RequestResponse), bytes. */
export const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
/** Invoke response payload limit, bytes (AWS's figure: 100 bytes over 6 MiB). */
export const MAX_RESPONSE_BYTES = 6_291_556;

export interface LocalLambdaRunnerOptions {
  /** Variables every function sees: endpoints (AWS_ENDPOINT_URL_*), AWS_REGION, credentials, … */
  readonly baseEnvironment: Readonly<Record<string, string>>;
  /** Receives the handlers' console output; default: stderr, each line prefixed `[functionName]`. */
  readonly log?: LambdaLogSink;
  /** Put on NODE_PATH, as Lambda provides the AWS SDK to bundles that mark it external; default: the project's node_modules. */
  readonly runtimeModulesDir?: string;
  /**
   * Injected faults (local/runtime/faults): an invocation it picks runs to completion — its writes
   * happen — but its caller gets Lambda's timeout error instead of the result, as when a handler
   * times out after its last write.
   */
  readonly lostResponse?: (functionName: string) => boolean;
  /**
   * The credentials of a function's execution role session, as Lambda puts them in its environment;
   * by default every function gets baseEnvironment's (the local administrator's).
   */
  readonly credentials?: (spec: LocalFunctionSpec) => { accessKeyId: string; secretAccessKey: string; sessionToken: string } | undefined;
  /**
   * How many environments one function may run at once (Lambda scales out per concurrent invocation; a worker
   * thread per invocation would only add cold starts on a small machine). Default 1.
   */
  readonly maxEnvironmentsPerFunction?: number;
  /** Told of every finished invocation with its duration (local/runtime/metering bills it). */
  readonly onInvoked?: (record: { readonly functionName: string; readonly memoryMb: number; readonly durationMs: number }) => void;
}

export interface LambdaFunctionStats {
  readonly coldStarts: number;
  readonly invocations: number;
  /** Invocations answered with `functionError` (thrown errors, timeouts, crashes, oversized responses). */
  readonly functionErrors: number;
  readonly timeouts: number;
  /** Wall time of its invocations, summed (cold starts included; concurrent invocations overlap). */
  readonly totalMs: number;
  /** Execution environments (worker threads) alive now. */
  readonly liveEnvironments: number;
}

interface FunctionState {
  readonly spec: LocalFunctionSpec;
  /** The environments invocations may take, with their invocations in flight. */
  readonly pool: Map<ExecutionEnvironment, number>;
  /** Every environment not yet terminated, including retired ones still finishing. */
  readonly live: Set<ExecutionEnvironment>;
  coldStarts: number;
  invocations: number;
  functionErrors: number;
  timeouts: number;
  totalMs: number;
}

export class LocalLambdaRunner implements LambdaInvoker {
  private readonly functions = new Map<string, FunctionState>();
  private readonly log: LambdaLogSink;
  private readonly runtimeModulesDir: string;
  private closed = false;

  constructor(
    functions: readonly LocalFunctionSpec[],
    private readonly options: LocalLambdaRunnerOptions,
  ) {
    for (const spec of functions) {
      this.functions.set(spec.functionName, { spec, pool: new Map(), live: new Set(), coldStarts: 0, invocations: 0, functionErrors: 0, timeouts: 0, totalMs: 0 });
    }
    this.log = options.log ?? stderrLogSink;
    this.runtimeModulesDir = options.runtimeModulesDir ?? DEFAULT_RUNTIME_MODULES_DIR;
  }

  async invoke(functionNameOrArn: string, payload: unknown): Promise<LambdaInvokeResult> {
    if (this.closed) throw new AwsServiceError('ServiceException', 'The local Lambda runner is closed', 500);
    const { state, qualifier } = this.resolve(functionNameOrArn);
    const event = serializeRequest(payload);
    const environment = this.environmentFor(state);
    const requestId = randomUUID();
    const invokedArn = qualifier === undefined ? state.spec.arn : `${state.spec.arn}:${qualifier}`;
    state.invocations += 1;
    const began = performance.now();
    state.pool.set(environment, (state.pool.get(environment) ?? 0) + 1);
    const ran = await environment.invoke(requestId, invokedArn, event, state.spec.timeoutSeconds * 1000).finally(() => {
      const inFlight = state.pool.get(environment);
      if (inFlight !== undefined) state.pool.set(environment, inFlight - 1);
    });
    const durationMs = performance.now() - began;
    state.totalMs += durationMs;
    this.options.onInvoked?.({ functionName: state.spec.functionName, memoryMb: state.spec.memoryMb, durationMs });
    // The environment stays in use (a real timeout would retire it): a lost answer is the fault, not a stuck handler.
    const outcome: InvocationOutcome = ran.kind === 'result' && this.options.lostResponse?.(state.spec.functionName) ? { kind: 'timeout' } : ran;
    const result = toInvokeResult(outcome, requestId, state.spec);
    if (result.functionError) state.functionErrors += 1;
    if (outcome.kind === 'timeout') state.timeouts += 1;
    return result;
  }

  /** Per function name: cold starts, invocations, errors, live environments (for benchmarks and tests). */
  stats(): Record<string, LambdaFunctionStats> {
    const stats: Record<string, LambdaFunctionStats> = {};
    for (const [name, s] of this.functions) {
      stats[name] = { coldStarts: s.coldStarts, invocations: s.invocations, functionErrors: s.functionErrors, timeouts: s.timeouts, totalMs: s.totalMs, liveEnvironments: s.live.size };
    }
    return stats;
  }

  /** Terminates every execution environment; invocations still running fail with ServiceException. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.functions.values()].flatMap((state) => [...state.live]);
    await Promise.all(all.map((environment) => environment.terminate()));
  }

  private environmentFor(state: FunctionState): ExecutionEnvironment {
    for (const environment of state.pool.keys()) if (!environment.usable) state.pool.delete(environment);
    const byLoad = [...state.pool.entries()].sort((a, b) => a[1] - b[1]);
    const least = byLoad[0];
    if (least && (least[1] === 0 || state.pool.size >= Math.max(1, this.options.maxEnvironmentsPerFunction ?? 1))) return least[0];
    const { spec } = state;
    const major = nodeMajor(spec.runtime);
    if (major === undefined) {
      throw new AwsServiceError('InvalidRuntimeException', `The local Lambda runner runs Node.js functions only; ${spec.functionName} uses ${spec.runtime}`, 502);
    }
    const logStreamName = newLogStreamName();
    const environment = new ExecutionEnvironment({
      init: {
        codeDir: spec.codeDir,
        handler: spec.handler,
        functionName: spec.functionName,
        functionVersion: FUNCTION_VERSION,
        memoryLimitInMB: String(spec.memoryMb),
        logGroupName: logGroupName(spec.functionName),
        logStreamName,
        allowCallbackHandlers: major < 24,
      },
      env: lambdaEnvironment(spec, { baseEnvironment: this.baseEnvironmentOf(spec), logStreamName, runtimeModulesDir: this.runtimeModulesDir }),
      memoryMb: spec.memoryMb,
      log: this.log,
    });
    state.pool.set(environment, 0);
    state.coldStarts += 1;
    state.live.add(environment);
    void environment.terminated.then(() => state.live.delete(environment));
    return environment;
  }

  /** Accepts a name, `name:qualifier`, a full ARN with or without qualifier, or a partial ARN (`account:function:name`). */
  /** The base environment with the function's own role credentials, when the runner was given them. */
  private baseEnvironmentOf(spec: LocalFunctionSpec): Readonly<Record<string, string>> {
    const credentials = this.options.credentials?.(spec);
    if (!credentials) return this.options.baseEnvironment;
    return {
      ...this.options.baseEnvironment,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken,
    };
  }

  private resolve(functionNameOrArn: string): { state: FunctionState; qualifier?: string } {
    const parsed = parseFunctionReference(functionNameOrArn);
    const state = this.functions.get(parsed.name) ?? [...this.functions.values()].find((s) => s.spec.arn === functionNameOrArn);
    if (!state) {
      const arn = functionNameOrArn.startsWith('arn:') ? functionNameOrArn : `arn:${LOCAL_AWS.partition}:lambda:${LOCAL_AWS.region}:${LOCAL_AWS.accountId}:function:${parsed.name}`;
      throw new AwsServiceError('ResourceNotFoundException', `Function not found: ${arn}`, 404);
    }
    return parsed.qualifier === undefined ? { state } : { state, qualifier: parsed.qualifier };
  }
}

function parseFunctionReference(reference: string): { name: string; qualifier?: string } {
  const parts = reference.split(':');
  // arn:aws:lambda:region:account:function:name[:qualifier]
  if (parts[0] === 'arn' && parts[5] === 'function') return withQualifier(parts[6] ?? '', parts[7]);
  // account:function:name[:qualifier]
  if (parts[1] === 'function') return withQualifier(parts[2] ?? '', parts[3]);
  return withQualifier(parts[0] ?? '', parts[1]);
}

function withQualifier(name: string, qualifier: string | undefined): { name: string; qualifier?: string } {
  return qualifier === undefined ? { name } : { name, qualifier };
}

function serializeRequest(payload: unknown): string {
  let event: string | undefined;
  try {
    event = JSON.stringify(payload);
  } catch (error) {
    throw new AwsServiceError('InvalidRequestContentException', `Could not serialize the request payload as JSON: ${String(error)}`, 400);
  }
  const text = event ?? 'null';
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_REQUEST_BYTES) {
    throw new AwsServiceError('RequestTooLargeException', `${bytes} byte payload is too large for the RequestResponse invocation type (limit ${MAX_REQUEST_BYTES} bytes)`, 413);
  }
  return text;
}

function toInvokeResult(outcome: InvocationOutcome, requestId: string, spec: LocalFunctionSpec): LambdaInvokeResult {
  switch (outcome.kind) {
    case 'result':
      if (Buffer.byteLength(outcome.payload) > MAX_RESPONSE_BYTES) {
        return failed({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).` });
      }
      return { statusCode: 200, payload: JSON.parse(outcome.payload) as unknown, executedVersion: FUNCTION_VERSION };
    case 'error':
      return failed(outcome.error);
    case 'timeout':
      // What Lambda's Invoke API returns for a timeout (Step Functions sees it as error `Sandbox.Timedout`).
      return failed({ errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${spec.timeoutSeconds.toFixed(2)} seconds` });
    case 'aborted':
      throw new AwsServiceError('ServiceException', `The local Lambda runner closed while ${spec.functionName} was running (request ${requestId})`, 500);
  }
}

function failed(error: LambdaErrorPayload): LambdaInvokeResult {
  return { statusCode: 200, functionError: 'Unhandled', payload: error, executedVersion: FUNCTION_VERSION };
}
