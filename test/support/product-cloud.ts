/**
 * The product stack (lib/) synthesized and running in the local cloud, for
 * integration tests of the product's own routes and workflows.
 */
import { startLocalCloud, type LocalCloud } from '../../local/runtime/local-cloud';
import { testEnv } from './test-env';

export interface ProductCloud {
  readonly cloud: LocalCloud;
  /** `<apiEndpoint>/<stage>` of the store API. */
  readonly storeApiUrl: string;
  stop(): Promise<void>;
}

/** `dynamoDbEndpoint` defaults to the integration project's DynamoDB Local (e.g. a fault-injecting proxy in front of it). */
export async function startProductCloud(options: { timeScale?: number; dynamoDbEndpoint?: string } = {}): Promise<ProductCloud> {
  // The cloud assembly the integration project's global setup synthesized once: read-only, shared by every file.
  const cloud = await startLocalCloud({
    outdir: testEnv('cdkOut'),
    stackName: testEnv('stackName'),
    dynamoDbEndpoint: options.dynamoDbEndpoint ?? testEnv('dynamoDbEndpoint'),
    timeScale: options.timeScale ?? 0.0001,
    lambdaLog: () => undefined,
  });
  const api = cloud.model.apis[0];
  if (!api) throw new Error('the product stack declares no REST API');
  return {
    cloud,
    storeApiUrl: `${cloud.apiEndpoint}/${api.stageName}`,
    stop: () => cloud.stop(),
  };
}
