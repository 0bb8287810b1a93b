/**
 * The product stack (lib/) synthesized and running in the local cloud, for
 * integration tests of the product's own routes and workflows.
 */
import type { AuthorizationMode } from '../../local/runtime/iam/stack-iam';
import type { FaultPlan } from '../../local/runtime/faults/fault-plan';
import type { LambdaLogSink } from '../../local/runtime/lambda';
import { startLocalCloud, type LocalCloud } from '../../local/runtime/local-cloud';
import { testEnv } from './test-env';

export interface ProductCloud {
  readonly cloud: LocalCloud;
  /** `<apiEndpoint>/<stage>` of the store API. */
  readonly storeApiUrl: string;
  stop(): Promise<void>;
}

export interface ProductCloudOptions {
  readonly timeScale?: number;
  /** Defaults to the integration project's DynamoDB Local (e.g. a fault-injecting proxy in front of it). */
  readonly dynamoDbEndpoint?: string;
  /** Where the handlers' log lines go; by default nowhere (a test that reads them passes a sink). */
  readonly lambdaLog?: LambdaLogSink;
  /** Faults injected into the stack's own traffic (local/runtime/faults); `faultsPaused` until `cloud.faults.resume()`. */
  readonly faults?: FaultPlan;
  readonly faultsPaused?: boolean;
  /** IAM for the stack's functions (docs/least-privilege.md); the local cloud enforces it by default. */
  readonly iam?: AuthorizationMode;
}

export async function startProductCloud(options: ProductCloudOptions = {}): Promise<ProductCloud> {
  // The cloud assembly the integration project's global setup synthesized once: read-only, shared by every file.
  const cloud = await startLocalCloud({
    outdir: testEnv('cdkOut'),
    stackName: testEnv('stackName'),
    dynamoDbEndpoint: options.dynamoDbEndpoint ?? testEnv('dynamoDbEndpoint'),
    timeScale: options.timeScale ?? 0.0001,
    lambdaLog: options.lambdaLog ?? (() => undefined),
    ...(options.faults && { faults: options.faults, faultsPaused: options.faultsPaused ?? false }),
    ...(options.iam && { iam: options.iam }),
  });
  const api = cloud.model.apis[0];
  if (!api) throw new Error('the product stack declares no REST API');
  return {
    cloud,
    storeApiUrl: `${cloud.apiEndpoint}/${api.stageName}`,
    stop: () => cloud.stop(),
  };
}
