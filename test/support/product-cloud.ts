/**
 * The product stack (lib/) synthesized and running in the local cloud, for
 * integration tests of the product's own routes and workflows.
 */
import { rmSync } from 'node:fs';
import { buildApp } from '../../lib/app';
import { startLocalCloud, type LocalCloud } from '../../local/runtime/local-cloud';
import { projectTempDir } from './project-temp-dir';
import { testEnv } from './test-env';

export interface ProductCloud {
  readonly cloud: LocalCloud;
  /** `<apiEndpoint>/<stage>` of the store API. */
  readonly storeApiUrl: string;
  stop(): Promise<void>;
}

/** `dynamoDbEndpoint` defaults to the integration project's DynamoDB Local (e.g. a fault-injecting proxy in front of it). */
export async function startProductCloud(options: { timeScale?: number; dynamoDbEndpoint?: string } = {}): Promise<ProductCloud> {
  const outdir = projectTempDir('product-cloud');
  const { app, stack } = buildApp({ outdir });
  app.synth();
  const cloud = await startLocalCloud({
    outdir,
    stackName: stack.stackName,
    dynamoDbEndpoint: options.dynamoDbEndpoint ?? testEnv('dynamoDbEndpoint'),
    timeScale: options.timeScale ?? 0.0001,
    lambdaLog: () => undefined,
  });
  const api = cloud.model.apis[0];
  if (!api) throw new Error('the product stack declares no REST API');
  return {
    cloud,
    storeApiUrl: `${cloud.apiEndpoint}/${api.stageName}`,
    stop: async () => {
      await cloud.stop();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}
