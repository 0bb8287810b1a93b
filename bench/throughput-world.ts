/**
 * What the throughput benches share: DynamoDB Local (in memory) and the local
 * cloud running a synthesized cloud assembly, the seed's reference data with
 * every tandem's SNS provisioned, and a store system that submits customer
 * requests through the store API, signed with its own role's credentials.
 */
import { existsSync, readdirSync } from 'node:fs';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { batchPutAll } from '../functions/repository/document-client';
import { loadDataSet } from '../functions/repository/seed-loader';
import { key, stockItem } from '../functions/repository/table-layout';
import { generateSeed, type SeedData } from '../functions/seed/generate';
import { DEFAULT_OUTDIR } from '../local/cloud-assembly';
import { awaitTandemsProvisioned } from '../local/demo/tandem-provisioning';
import { createDynamoDbClient, startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local';
import { signedFetch, type Credentials } from '../local/runtime/http/signed-fetch';
import { awayFromQuietHours } from '../test/support/customer-request-world';
import { startLocalCloud, type LocalCloud } from '../local/runtime/local-cloud';

export interface BenchWorld {
  readonly cloud: LocalCloud;
  readonly dynamoDb: DynamoDbLocal;
  readonly seed: SeedData;
  /** `<apiEndpoint>/<stage>` of the store API. */
  readonly storeApiUrl: string;
  readonly storeSystem: Credentials;
  stop(): Promise<void>;
}

export interface BenchWorldOptions {
  /** The cloud assembly (default cdk.out); its stack is the one template in it. */
  readonly outdir?: string;
  readonly timeScale: number;
}

/** `--name value` from argv, or the fallback. */
export function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

export async function startBenchWorld(options: BenchWorldOptions): Promise<BenchWorld> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const outdir = options.outdir ?? DEFAULT_OUTDIR;
  const stackName = stackNameIn(outdir);
  const dynamoDb = await startDynamoDbLocal({ mode: 'memory' });
  let cloud: LocalCloud | undefined;
  try {
    cloud = await startLocalCloud({ outdir, stackName, dynamoDbEndpoint: dynamoDb.endpoint, timeScale: options.timeScale, lambdaLog: () => undefined });
    const seed = awayFromQuietHours(generateSeed());
    await loadDataSet(cloud.tableContext('Data'), { ...seed, stock: [] });
    // Every tandem's topic and subscriptions exist before anything is measured: provisioning is start-up work.
    await awaitTandemsProvisioned(cloud, [...new Set(seed.tandems.map((t) => t.territoryId))], 600_000);
    const api = cloud.model.apis[0];
    if (!api) throw new Error('the stack declares no REST API');
    const started = cloud;
    return {
      cloud: started,
      dynamoDb,
      seed,
      storeApiUrl: `${started.apiEndpoint}/${api.stageName}`,
      storeSystem: started.credentialsFor('StoreApiStoreSystemsRole'),
      stop: async () => {
        await started.stop();
        await dynamoDb.stop();
      },
    };
  } catch (error) {
    await cloud?.stop();
    await dynamoDb.stop();
    throw error;
  }
}

/** The one stack template of the assembly. */
function stackNameIn(outdir: string): string {
  const names = existsSync(outdir) ? readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => f.replace(/\.template\.json$/, '')) : [];
  if (names.length !== 1) throw new Error(`expected one stack template in ${outdir}, found ${names.length}: run npx cdk synth --quiet first`);
  return names[0]!;
}

/** Sets free stock (nothing reserved), counted a day ago. */
export async function setStock(world: BenchWorld, levels: readonly { storeId: string; sku: string; available: number }[]): Promise<void> {
  const countedAt = new Date(Date.now() - 86_400_000).toISOString();
  await batchPutAll(world.cloud.tableContext('Data'), levels.map((l) => stockItem({ ...l, reserved: 0, countedAt })));
}

export interface RequestLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unit: string;
}

/** POST /requests as a store system does; resolves with the HTTP status. */
export async function submitRequest(world: BenchWorld, body: { requestId: string; customerId: string; lines: readonly RequestLine[]; neededBy: string }): Promise<number> {
  const response = await signedFetch(new URL(`${world.storeApiUrl}/requests`), {
    method: 'POST',
    body: JSON.stringify({ ...body, fulfilment: 'pickup' }),
    credentials: world.storeSystem,
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Watches requests' statuses cheaply: after each task of a watched request's
 * execution ends (the only moments its status can change), one consistent
 * GetItem of the request item, projected to its status, straight at DynamoDB
 * Local. A request is let go once it reaches a status `until` accepts.
 */
export class StatusWatcher {
  private readonly client;
  private readonly watched = new Map<string, { readonly resolve: (seen: { status: string; at: number }) => void; reading: boolean; again: boolean }>();
  private readonly stopListening: () => void;
  private readonly executionPrefix: string;
  /** GetItems this watcher made: its own load on DynamoDB Local. */
  reads = 0;

  constructor(
    private readonly world: BenchWorld,
    private readonly until: (status: string) => boolean,
  ) {
    this.client = createDynamoDbClient(world.dynamoDb.endpoint);
    const machine = world.cloud.model.stateMachines.find((m) => m.logicalId.startsWith('CustomerRequestsWorkflow'));
    if (!machine) throw new Error('no CustomerRequestsWorkflow state machine in the template');
    this.executionPrefix = `${machine.arn.replace(':stateMachine:', ':execution:')}:req-`;
    this.stopListening = world.cloud.stepFunctions.onEvent((event) => {
      if (!event.executionArn.startsWith(this.executionPrefix)) return;
      const ended = event.kind === 'status' || /^(Task|LambdaFunction)(Succeeded|Failed|TimedOut)$/.test(event.event.type ?? '');
      if (ended) this.check(event.executionArn.slice(this.executionPrefix.length));
    });
  }

  /**
   * Resolves with the first accepted status and when it was seen (performance.now()). Before a
   * submission nothing is there to read; a request watched again later is read at once (`readNow`).
   */
  watch(requestId: string, readNow = false): Promise<{ status: string; at: number }> {
    const seen = new Promise<{ status: string; at: number }>((resolve) => this.watched.set(requestId, { resolve, reading: false, again: false }));
    if (readNow) this.check(requestId);
    return seen;
  }

  /** Stops watching a request (e.g. its submission was refused). */
  forget(requestId: string): void {
    this.watched.delete(requestId);
  }

  stop(): void {
    this.stopListening();
    this.client.destroy();
  }

  private check(requestId: string): void {
    const entry = this.watched.get(requestId);
    if (!entry) return;
    // One read at a time per request; an end seen meanwhile reads again after it.
    if (entry.reading) {
      entry.again = true;
      return;
    }
    entry.reading = true;
    // A failed read (e.g. DynamoDB Local stopping) is retried by the next task's end.
    void this.read(requestId).catch(() => undefined).then((status) => {
      entry.reading = false;
      if (status !== undefined && this.until(status)) {
        this.watched.delete(requestId);
        entry.resolve({ status, at: performance.now() });
      } else if (entry.again) {
        entry.again = false;
        this.check(requestId);
      }
    });
  }

  private async read(requestId: string): Promise<string | undefined> {
    this.reads += 1;
    const { tableName } = this.world.cloud.tableContext('Data');
    const k = key.request(requestId);
    const answer = await this.client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: k.pk }, sk: { S: k.sk } },
        ConsistentRead: true,
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'status' },
      }),
    );
    return answer.Item?.status?.S;
  }
}

/** A needed-by `hours` from now. */
export const hoursFromNow = (hours: number): string => new Date(Date.now() + hours * 3_600_000).toISOString();
