/** Where the handlers' console output goes: the runtime's stderr by default, or an injected sink. */
import type { LogLevel } from './protocol';

export interface LambdaLogLine {
  readonly functionName: string;
  /** The invocation that logged the line; absent for output written outside an invocation (module load, raw stdout). */
  readonly requestId?: string;
  readonly level: LogLevel;
  readonly message: string;
}

export type LambdaLogSink = (line: LambdaLogLine) => void;

/** `[functionName] <requestId> LEVEL message`, every line of a multi-line message prefixed, so grep finds them. */
export const stderrLogSink: LambdaLogSink = (line) => {
  const prefix = `[${line.functionName}]${line.requestId === undefined ? '' : ` ${line.requestId}`} ${line.level} `;
  process.stderr.write(`${line.message.split('\n').map((text) => prefix + text).join('\n')}\n`);
};
