/**
 * One execution environment of one function: a worker thread with its own
 * process.env and module cache, like a Lambda sandbox. It loads the handler
 * once (init), then runs invocations until it is retired.
 *
 * Several invocations may run in it at once (Node is asynchronous), where
 * Lambda would give each its own environment. So a timeout does not kill the
 * environment at once: it is retired (no new invocations) and terminated when
 * its other invocations have settled or timed out themselves.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { LambdaLogSink } from './logging';
import type { EnvironmentInit, EnvironmentMessage, InvokeMessage, LambdaErrorPayload, LogLevel } from './protocol';

const BOOTSTRAP = join(__dirname, 'bootstrap.js');

/** Lambda gives a function's init phase 10 seconds. */
export const INIT_TIMEOUT_MS = 10_000;

export type InvocationOutcome =
  | { readonly kind: 'result'; readonly payload: string }
  | { readonly kind: 'error'; readonly error: LambdaErrorPayload }
  | { readonly kind: 'timeout' }
  /** The environment was terminated from outside (the runner closed). */
  | { readonly kind: 'aborted' };

interface Invocation {
  readonly requestId: string;
  readonly resolve: (outcome: InvocationOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ExecutionEnvironmentOptions {
  readonly init: EnvironmentInit;
  readonly env: Record<string, string>;
  readonly memoryMb: number;
  readonly log: LambdaLogSink;
}

export class ExecutionEnvironment {
  private readonly worker: Worker;
  private readonly invocations = new Map<number, Invocation>();
  /** Undefined once the handler is loaded; otherwise what every waiting invocation gets. */
  private readonly ready: Promise<InvocationOutcome | undefined>;
  private settleInit: (failure: InvocationOutcome | undefined) => void = () => undefined;
  private state: 'starting' | 'ready' | 'retired' | 'dead' = 'starting';
  /** Once dead: what an invocation still arriving gets. */
  private deathOutcome: (requestId: string) => InvocationOutcome = () => ({ kind: 'aborted' });
  private nextId = 1;
  /** Settles when the worker thread has exited. */
  readonly terminated: Promise<void>;

  constructor(private readonly options: ExecutionEnvironmentOptions) {
    this.ready = new Promise((resolve) => {
      const initTimer = setTimeout(() => this.failInit({ kind: 'timeout' }), INIT_TIMEOUT_MS);
      this.settleInit = (failure) => {
        clearTimeout(initTimer);
        resolve(failure);
      };
    });
    this.worker = new Worker(BOOTSTRAP, {
      workerData: options.init,
      env: options.env,
      // A clean Node.js, as in Lambda: not the host's flags (e.g. tsx's loader, which would transpile the bundles).
      execArgv: [],
      stdout: true,
      stderr: true,
      // The function's memory size bounds its heap; exceeding it ends the environment as Runtime.OutOfMemory.
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb },
    });
    this.forwardRawOutput(this.worker.stdout, 'INFO');
    this.forwardRawOutput(this.worker.stderr, 'ERROR');
    this.worker.on('message', (message: EnvironmentMessage) => this.onMessage(message));
    this.worker.on('error', (error: Error) => this.onCrash((requestId) => crashPayload(error, requestId)));
    this.terminated = new Promise((resolve) => {
      this.worker.once('exit', (code: number) => {
        this.onCrash((requestId) => exitPayload(code, requestId));
        resolve();
      });
    });
  }

  /** Accepts new invocations (not retired after a timeout, not crashed). */
  get usable(): boolean {
    return this.state === 'starting' || this.state === 'ready';
  }

  async invoke(requestId: string, invokedFunctionArn: string, event: string, timeoutMs: number): Promise<InvocationOutcome> {
    const initFailure = await this.ready;
    if (initFailure) return initFailure;
    if (this.state === 'dead') return this.deathOutcome(requestId);
    const id = this.nextId++;
    const message: InvokeMessage = { type: 'invoke', id, requestId, invokedFunctionArn, deadlineMs: Date.now() + timeoutMs, event };
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.onTimeout(id), timeoutMs);
      this.invocations.set(id, { requestId, resolve, timer });
      this.worker.ref(); // an invocation in flight keeps the host process alive
      this.worker.postMessage(message);
    });
  }

  /** Ends the environment now; invocations still running get `aborted`. */
  async terminate(): Promise<void> {
    if (this.state !== 'dead') {
      this.state = 'dead';
      this.settleInit({ kind: 'aborted' });
      for (const id of [...this.invocations.keys()]) this.settle(id, { kind: 'aborted' });
      await this.worker.terminate();
    }
    await this.terminated;
  }

  private onMessage(message: EnvironmentMessage): void {
    switch (message.type) {
      case 'ready':
        if (this.state === 'starting') this.state = 'ready';
        this.settleInit(undefined);
        this.idleUnref();
        return;
      case 'init-error':
        this.failInit({ kind: 'error', error: message.error });
        return;
      case 'result':
        this.settle(message.id, { kind: 'result', payload: message.payload });
        return;
      case 'error':
        this.settle(message.id, { kind: 'error', error: message.error });
        return;
      case 'log':
        this.options.log({ functionName: this.options.init.functionName, level: message.level, message: message.message, ...(message.requestId !== undefined && { requestId: message.requestId }) });
        return;
    }
  }

  /** Like Lambda after a failed init, the environment is discarded; the next invoke starts a new one. */
  private failInit(failure: InvocationOutcome): void {
    this.settleInit(failure);
    void this.terminate();
  }

  private onTimeout(id: number): void {
    // Like Lambda, a timed-out environment is not reused: its handler may still be running.
    if (this.state !== 'dead') this.state = 'retired';
    this.settle(id, { kind: 'timeout' });
  }

  /** The worker died (uncaught exception, out of memory, process.exit): every invocation in it fails. */
  private onCrash(payloadFor: (requestId?: string) => LambdaErrorPayload): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.deathOutcome = (requestId) => ({ kind: 'error', error: payloadFor(requestId) });
    this.settleInit({ kind: 'error', error: payloadFor() });
    for (const [id, invocation] of [...this.invocations]) this.settle(id, { kind: 'error', error: payloadFor(invocation.requestId) });
  }

  private settle(id: number, outcome: InvocationOutcome): void {
    const invocation = this.invocations.get(id);
    if (!invocation) return; // already timed out: a late answer is dropped, as Lambda drops it
    clearTimeout(invocation.timer);
    this.invocations.delete(id);
    invocation.resolve(outcome);
    if (this.state === 'retired' && this.invocations.size === 0) void this.terminate();
    else this.idleUnref();
  }

  /** An idle environment does not keep the host process alive (like an idle keep-alive socket). */
  private idleUnref(): void {
    if (this.invocations.size === 0) this.worker.unref();
  }

  private forwardRawOutput(stream: Readable, level: LogLevel): void {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (message) => this.options.log({ functionName: this.options.init.functionName, level, message }));
  }
}

function crashPayload(error: Error, requestId: string | undefined): LambdaErrorPayload {
  if ((error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return { errorType: 'Runtime.OutOfMemory', errorMessage: `${requestIdPrefix(requestId)}Error: Runtime exited with error: signal: killed` };
  }
  return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
}

function exitPayload(code: number, requestId: string | undefined): LambdaErrorPayload {
  return { errorType: 'Runtime.ExitError', errorMessage: `${requestIdPrefix(requestId)}Error: Runtime exited with error: exit status ${code}` };
}

function requestIdPrefix(requestId: string | undefined): string {
  return requestId === undefined ? '' : `RequestId: ${requestId} `;
}
