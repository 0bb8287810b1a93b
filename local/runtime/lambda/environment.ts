/**
 * The process environment of one local execution environment, built the way
 * Lambda builds it: runtime defaults, then the function's configuration, then
 * the reserved variables, which a function's configuration cannot override.
 * Nothing leaks in from the host's own environment except PATH.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LOCAL_AWS, type LocalFunctionSpec } from '../contracts';

/** The project's node_modules: Lambda's Node.js runtimes put the AWS SDK on NODE_PATH, and bundles mark it external. */
export const DEFAULT_RUNTIME_MODULES_DIR = join(__dirname, '..', '..', '..', 'node_modules');

export const FUNCTION_VERSION = '$LATEST';

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `2024/01/31/[$LATEST]<32 hex>`: one stream per execution environment, as in CloudWatch. */
export function newLogStreamName(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[${FUNCTION_VERSION}]${randomBytes(16).toString('hex')}`;
}

export interface EnvironmentOptions {
  /** From the runtime: endpoints (AWS_ENDPOINT_URL_*), region, credentials, … */
  readonly baseEnvironment: Readonly<Record<string, string>>;
  readonly logStreamName: string;
  readonly runtimeModulesDir: string;
}

export function lambdaEnvironment(fn: LocalFunctionSpec, options: EnvironmentOptions): Record<string, string> {
  const base = options.baseEnvironment;
  const region = base.AWS_REGION ?? LOCAL_AWS.region;
  const sessionToken = base.AWS_SESSION_TOKEN;
  return {
    // Unreserved defaults a function may override.
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    // Informational only: a worker thread shares the host process's time zone (run the runtime with TZ=UTC).
    TZ: ':UTC',
    NODE_PATH: options.runtimeModulesDir,
    ...base,
    ...fn.environment,
    // Reserved.
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: options.logStreamName,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: base.AWS_ACCESS_KEY_ID ?? LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: base.AWS_SECRET_ACCESS_KEY ?? LOCAL_AWS.credentials.secretAccessKey,
    ...(sessionToken !== undefined && { AWS_SESSION_TOKEN: sessionToken }),
    LAMBDA_TASK_ROOT: fn.codeDir,
  };
}

/** The Node.js major version of a runtime identifier (`nodejs24.x` → 24), or undefined for other languages. */
export function nodeMajor(runtime: string): number | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
