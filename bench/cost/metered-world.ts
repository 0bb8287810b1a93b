/**
 * The product stack in the local cloud with its meter on, seeded like the
 * integration tests' world (test/support/customer-request-world.ts) so their
 * helpers (submit, decide, setStock, …) work on it.
 */
import { loadDataSet } from '../../functions/repository/seed-loader';
import { generateSeed } from '../../functions/seed/generate';
import type { CloudMeter } from '../../local/runtime/metering/cloud-meter';
import { startLocalCloud } from '../../local/runtime/local-cloud';
import { awayFromQuietHours, type World } from '../../test/support/customer-request-world';

export interface MeteredWorldOptions {
  readonly outdir: string;
  readonly stackName: string;
  readonly dynamoDbEndpoint: string;
  /** Time compression of waits and task timeouts (see local/runtime/stepfunctions/clock.ts). */
  readonly timeScale: number;
}

export interface MeteredWorld extends World {
  readonly meter: CloudMeter;
}

export async function startMeteredWorld(options: MeteredWorldOptions): Promise<MeteredWorld> {
  const seed = awayFromQuietHours(generateSeed());
  const cloud = await startLocalCloud({ ...options, meter: true, lambdaLog: () => undefined });
  try {
    const ctx = cloud.tableContext('Data');
    await loadDataSet(ctx, { ...seed, stock: [] });
    const api = cloud.model.apis[0];
    const opsTopic = cloud.model.topics.find((t) => t.logicalId.startsWith('NotificationsOpsAlerts'));
    if (!api || !opsTopic || !cloud.meter) throw new Error('the stack has no REST API, no ops topic, or the meter is off');
    const stop = () => cloud.stop();
    return { product: { cloud, storeApiUrl: `${cloud.apiEndpoint}/${api.stageName}`, stop }, ctx, seed, opsTopicArn: opsTopic.arn, meter: cloud.meter, stop };
  } catch (error) {
    await cloud.stop();
    throw error;
  }
}
