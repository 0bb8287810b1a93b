/**
 * The messages between the runner and one execution environment (a worker
 * thread running `bootstrap.js`). The bootstrap is plain JavaScript, because a
 * worker thread has no TypeScript loader; it refers to these types in JSDoc.
 */

/** `workerData` of an execution environment: what Lambda's runtime reads from its environment at start. */
export interface EnvironmentInit {
  readonly codeDir: string;
  /** `file.export`, possibly with a folder prefix and a nested export path (`dir/file.obj.fn`). */
  readonly handler: string;
  readonly functionName: string;
  readonly functionVersion: string;
  readonly memoryLimitInMB: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  /** Node.js 24 removed `(event, context, callback)` handlers; older runtimes still call them. */
  readonly allowCallbackHandlers: boolean;
}

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly id: number;
  readonly requestId: string;
  readonly invokedFunctionArn: string;
  /** Epoch milliseconds when the invocation times out, for `context.getRemainingTimeInMillis()`. */
  readonly deadlineMs: number;
  /** The event as JSON text: payloads cross the boundary serialized, as in Lambda. */
  readonly event: string;
}

/** The error shape of Lambda's Invoke API (`errorType`, `errorMessage`, `trace`). */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export type EnvironmentMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: LambdaErrorPayload }
  /** `payload` is the handler's result as JSON text (`null` for undefined). */
  | { readonly type: 'result'; readonly id: number; readonly payload: string }
  | { readonly type: 'error'; readonly id: number; readonly error: LambdaErrorPayload }
  | { readonly type: 'log'; readonly level: LogLevel; readonly requestId?: string; readonly message: string };
