/**
 * What the CustomerRequest workflow tests share: the product stack in the local
 * cloud with the seed's reference data (territories, tandems, customers,
 * stores, neighbours, catalogue — no stock, each test sets the stock it needs on
 * products of its own), email subscriptions for the tandems a test watches,
 * and helpers to submit, decide and read requests through the store API.
 */
import type { Tandem } from '../../functions/domain/model';
import { batchPutAll, type TableContext } from '../../functions/repository/document-client';
import { loadDataSet } from '../../functions/repository/seed-loader';
import { stockItem } from '../../functions/repository/table-layout';
import { generateSeed, type SeedData } from '../../functions/seed/generate';
import type { OutboxRecord } from '../../local/runtime/contracts';
import { awaitTandemsProvisioned } from '../../local/demo/tandem-provisioning';
import { startProductCloud, type ProductCloud, type ProductCloudOptions } from './product-cloud';
import { signedFetch } from './signed-fetch';
import { eventually } from './eventually';

export interface World {
  readonly product: ProductCloud;
  readonly ctx: TableContext;
  readonly seed: SeedData;
  readonly opsTopicArn: string;
  stop(): Promise<void>;
}

export async function startWorld(options: { timeScale: number } & Pick<ProductCloudOptions, 'dynamoDbEndpoint' | 'faults' | 'faultsPaused'>): Promise<World> {
  const seed = awayFromQuietHours(generateSeed());
  const product = await startProductCloud(options);
  const ctx = product.cloud.tableContext('Data');
  await loadDataSet(ctx, { ...seed, stock: [] });
  const topicArn = (prefix: string) => {
    const topic = product.cloud.model.topics.find((t) => t.logicalId.startsWith(prefix));
    if (!topic) throw new Error(`no topic ${prefix}`);
    return topic.arn;
  };
  return { product, ctx, seed, opsTopicArn: topicArn('NotificationsOpsAlerts'), stop: () => product.stop() };
}

/**
 * The seed's people have the default quiet hours (20:00–07:00 Berlin), so an
 * informational SMS would be held when the suite runs at night. The tests'
 * tandems get quiet hours that start eight hours from now instead: the
 * outcome of a test no longer depends on the time of day it runs at. Quiet
 * hours themselves are tested with windows set around the present
 * (tandem-notifications.test.ts).
 */
export function awayFromQuietHours(seed: SeedData): SeedData {
  const clock = (hours: number) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + hours * 3_600_000));
  const quietHours = { from: clock(8), to: clock(9), timeZone: 'Europe/Berlin' };
  return {
    ...seed,
    tandems: seed.tandems.map((t) => ({ ...t, fieldManager: { ...t.fieldManager, quietHours }, insideManager: { ...t.insideManager, quietHours } })),
  };
}

/** Sets free stock (nothing reserved) of SKUs at stores; counted a day ago. */
export async function setStock(world: World, levels: readonly { storeId: string; sku: string; available: number }[]): Promise<void> {
  const countedAt = new Date(Date.now() - 86_400_000).toISOString();
  await batchPutAll(world.ctx, levels.map((l) => stockItem({ ...l, reserved: 0, countedAt })));
}

/** Each partner's email reaches them through their tandem topic's filtered subscription, which the seeded directory's stream provisions. */
export async function awaitEmailProvisioned(world: World, tandem: Tandem): Promise<void> {
  await awaitTandemsProvisioned(world.product.cloud, [tandem.territoryId]);
}

export function tandemOf(world: World, territoryId: string): Tandem {
  const tandem = world.seed.tandems.find((t) => t.territoryId === territoryId);
  if (!tandem) throw new Error(`no tandem for ${territoryId}`);
  return tandem;
}

export async function submit(world: World, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}/requests`), { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface RequestView {
  request: { requestId: string; status: string; storeId?: string; territoryId?: string; customerId?: string; reason?: string };
  reservations: { hold: string; storeId: string; status: string; lines: { sku: string; quantity: number }[]; expiresAt: string; releaseReason?: string }[];
  notifications: { kind: string; personId: string; role: string; channel: string; status: string; sentAt?: string }[];
  decisions: { outcome: string; decidedBy: string; storeId?: string; reason?: string }[];
  timeline: { step: string; at: string; detail: Record<string, unknown> }[];
}

export async function getRequest(world: World, requestId: string): Promise<{ status: number; view: RequestView }> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}/requests/${requestId}`), { method: 'GET' });
  return { status: response.status, view: (await response.json()) as RequestView };
}

/** Waits until the request reaches one of the statuses (and its timeline has `step`, if given); on timeout says where it stood. */
export async function awaitRequest(world: World, requestId: string, statuses: readonly string[], step?: string, timeoutMs = 60_000): Promise<RequestView> {
  let last: RequestView | undefined;
  try {
    await eventually(
      async () => {
        const { status, view } = await getRequest(world, requestId);
        if (status === 200) last = view;
        return status === 200 && statuses.includes(view.request.status) && (!step || view.timeline.some((e) => e.step === step)) ? view : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
    // GET reads holds, notifications and timeline with parallel queries, so one answer may show the
    // step's audit event but not yet an effect the step wrote just before it. The next read shows both.
    return (await getRequest(world, requestId)).view;
  } catch (error) {
    throw new Error(`${(error as Error).message}\nrequest: ${JSON.stringify(last?.request)}\ntimeline: ${last?.timeline.map((e) => e.step).join(' → ')}\nexecution: ${executionSummary(world, requestId)}`, { cause: error });
  }
}

/** A state machine of the product stack by its construct path, e.g. `CustomerRequestsWorkflow` or `CustomerLifecyclePriceRequests`. */
export function stateMachineOf(world: World, logicalIdPrefix = 'CustomerRequestsWorkflow') {
  const machine = world.product.cloud.model.stateMachines.find((m) => m.logicalId.startsWith(logicalIdPrefix));
  if (!machine) throw new Error(`no state machine ${logicalIdPrefix}* in ${world.product.cloud.model.stateMachines.map((m) => m.logicalId).join(', ')}`);
  return machine;
}

/** Status, error and the last events of the request's execution, for failure messages. */
export function executionSummary(world: World, requestId: string): string {
  const engine = world.product.cloud.stepFunctions;
  const machine = stateMachineOf(world);
  const item = engine.listExecutions(machine.arn).executions?.find((e) => e.name === `req-${requestId}`);
  if (!item?.executionArn) return 'not started';
  const described = engine.describeExecution(item.executionArn);
  const events = (engine.getExecutionHistory(item.executionArn).events ?? []).slice(-6).map((e) => `${e.type}${JSON.stringify(e.taskFailedEventDetails ?? e.executionFailedEventDetails ?? e.stateEnteredEventDetails?.name ?? '')}`);
  return `${described.status} ${described.error ?? ''} ${described.cause ?? ''}\n  ${events.join('\n  ')}`;
}

export async function decide(world: World, ref: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${world.product.storeApiUrl}/tasks/${ref}/decision`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The messages delivered to one person (SMS to their mobile, email to their address; not subscription confirmations). */
export function deliveriesTo(world: World, person: { mobile: string; email: string }): OutboxRecord[] {
  return world.product.cloud.sns
    .outbox()
    .filter((r) => r.endpoint === person.mobile || (r.endpoint === person.email && r.messageAttributes.kind !== undefined));
}

/** The decision reference in the newest SMS to a person. */
export function latestDecisionRef(world: World, person: { mobile: string }): string | undefined {
  const sms = world.product.cloud.sns.outbox({ channel: 'sms', endpoint: person.mobile });
  for (const record of [...sms].reverse()) {
    const match = /\/tasks\/([A-Za-z0-9_-]{22})/.exec(record.body);
    if (match) return match[1];
  }
  return undefined;
}

/** A needed-by `hours` from now. */
export const hoursFromNow = (hours: number): string => new Date(Date.now() + hours * 3_600_000).toISOString();

/**
 * The n-th customer whose territory is its own: test files share DynamoDB Local
 * and the outbox, so each takes a range of n no other file takes (workflow 0–19,
 * deadlines 20–29, failures 30–39), and its tandem's email is subscribed.
 */
export async function customerOfOwnTerritory(world: World, n: number) {
  const seen = new Set(['T159']);
  const distinct = world.seed.customers.filter((c) => !seen.has(c.territoryId) && seen.add(c.territoryId));
  const customer = distinct[n];
  if (!customer) throw new Error(`no customer ${n}`);
  await awaitEmailProvisioned(world, tandemOf(world, customer.territoryId));
  return customer;
}

/** The n-th product of the test range (same split as customers: workflow 0–19, deadlines 20–29, failures 30–39). */
export function testProduct(world: World, n: number): { sku: string; line: (quantity: number) => { sku: string; quantity: number; unit: string } } {
  const product = world.seed.products[190 + n];
  if (!product) throw new Error(`no product ${n}`);
  return { sku: product.sku, line: (quantity) => ({ sku: product.sku, quantity, unit: product.unit }) };
}
