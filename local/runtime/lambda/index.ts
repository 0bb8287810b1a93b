export { LocalLambdaRunner, MAX_REQUEST_BYTES, MAX_RESPONSE_BYTES, type LambdaFunctionStats, type LocalLambdaRunnerOptions } from './runner';
export { stderrLogSink, type LambdaLogLine, type LambdaLogSink } from './logging';
