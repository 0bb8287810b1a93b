/**
 * The story, replayed against the running local cloud through its public
 * interfaces only — the store API (SigV4-signed, as a store system calls it),
 * the decision link (as a tandem partner answers from a phone) and the SNS
 * outbox (what the partners' phones and mailboxes receive):
 *
 * 1. "Zehn Gänse für morgen": Restaurant Rheinblick in Düsseldorf needs ten
 *    geese tomorrow; the home store (Reisholz) has two, the Düsseldorf store
 *    five kilometres away has them; reserved there, both partners told.
 * 2. "Hähnchenschenkel für die Eröffnung": deboned chicken thighs nobody near
 *    has; the inside manager gets the decision task, stock turns up in a
 *    store further away, the holder is told, and answers "sourced there" by the link.
 *
 * Each scenario prints the request's timeline with timings from GET /requests/{id}.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { OutboxRecord } from '../runtime/contracts';
import type { LocalCloud } from '../runtime/local-cloud';
import { signedFetch } from '../runtime/http/signed-fetch';
import { key } from '../../functions/repository/table-layout';
import type { Tandem } from '../../functions/domain/model';
import { awaitTandemsProvisioned } from './tandem-provisioning';

/** The story's cast and places (functions/seed/generate.ts). */
const STORY = {
  customerId: 'C000475',
  territoryId: 'T159',
  homeStore: 'S002',
  nearbyStore: 'S001',
  /** 23.5 km away: outside the six stores checked first. */
  farStore: 'S004',
  goose: 'GEF-0001',
  thighs: 'GEF-0002',
} as const;

const POLL_MS = 100;
const SCENARIO_TIMEOUT_MS = 60_000;

interface RequestView {
  request: { requestId: string; status: string; storeId?: string; reason?: string };
  reservations: { hold: string; storeId: string; lines: { sku: string; quantity: number }[]; expiresAt: string }[];
  notifications: { kind: string; personId: string; channel: string; status: string; sentAt?: string; heldUntil?: string }[];
  timeline: { step: string; at: string; detail: Record<string, unknown> }[];
}

export interface StoryOutcome {
  readonly requestId: string;
  readonly status: string;
}

export async function replayStory(cloud: LocalCloud, print: (line: string) => void): Promise<StoryOutcome[]> {
  const api = cloud.model.apis[0];
  if (!api) throw new Error('the stack has no REST API');
  const base = `${cloud.apiEndpoint}/${api.stageName}`;
  const tandem = await storyTandem(cloud);
  // The partners' email subscriptions come from the directory's provisioning (the stream of the seeded tandems).
  await awaitTandemsProvisioned(cloud, [tandem.territoryId]);
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const client = storeClient(base);
  const outcomes: StoryOutcome[] = [];

  // ------------------------------------------------------------ 1: geese
  print('\n━━ Story 1: ten geese for tomorrow ━━');
  await client.post(`/stores/${STORY.homeStore}/stock`, { countedAt: new Date().toISOString(), levels: [{ sku: STORY.goose, available: 2 + (await reserved(cloud, STORY.homeStore, STORY.goose)) }] });
  await client.post(`/stores/${STORY.nearbyStore}/stock`, { countedAt: new Date().toISOString(), levels: [{ sku: STORY.goose, available: 25 + (await reserved(cloud, STORY.nearbyStore, STORY.goose)) }] });
  print('Morning counts: Reisholz (home store) has 2 free geese, Düsseldorf 25.');
  const geese = `demo-${stamp}-geese`;
  const outboxBefore = cloud.sns.outbox().length;
  const submitted = await client.post('/requests', {
    requestId: geese,
    customerId: STORY.customerId,
    lines: [{ sku: STORY.goose, quantity: 10, unit: 'piece' }],
    neededBy: tomorrowAt8(),
    fulfilment: 'pickup',
    note: 'Gänse für die Weihnachtsfeier',
  });
  print(`POST /requests ${geese} → ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const first = await until(client, geese, (v) => v.request.status === 'RESERVED' && hasStep(v, 'NotifyTandem'));
  printOutcome(first, print);
  printMessages(cloud.sns.outbox().slice(outboxBefore), tandem, print, first);
  outcomes.push({ requestId: geese, status: first.request.status });

  // ------------------------------------------------------------ 2: escalation
  print('\n━━ Story 2: deboned chicken thighs for a restaurant about to open ━━');
  for (const storeId of [STORY.homeStore, STORY.nearbyStore, 'S003', 'S017', 'S016', 'S025']) {
    await client.post(`/stores/${storeId}/stock`, { countedAt: new Date().toISOString(), levels: [{ sku: STORY.thighs, available: await reserved(cloud, storeId, STORY.thighs) }] });
  }
  print('Morning counts: none of the six nearest stores has deboned chicken thighs free.');
  const thighs = `demo-${stamp}-thighs`;
  const escalationBefore = cloud.sns.outbox().length;
  const second = await client.post('/requests', {
    requestId: thighs,
    customerId: STORY.customerId,
    lines: [{ sku: STORY.thighs, quantity: 12, unit: 'kg' }],
    neededBy: inDays(3),
    fulfilment: 'delivery',
    note: 'Für die Eröffnung am Samstag',
  });
  print(`POST /requests ${thighs} → ${second.status}`);
  await until(client, thighs, (v) => v.request.status === 'ESCALATED' && hasStep(v, 'AskDecision'));
  const decisionSms = cloud.sns.outbox({ channel: 'sms', endpoint: tandem.insideManager.mobile }).slice(-1)[0];
  print(`${tandem.insideManager.name} (inside manager) gets the decision task by SMS:\n    ${decisionSms?.body ?? '(none)'}`);
  const link = /(https?:\/\/\S+\/tasks\/[A-Za-z0-9_-]{22})/.exec(decisionSms?.body ?? '')?.[1];
  if (!link) throw new Error('the decision SMS carries no link');

  const arrival = await client.post(`/stores/${STORY.farStore}/stock`, {
    countedAt: new Date().toISOString(),
    levels: [{ sku: STORY.thighs, available: 15 + (await reserved(cloud, STORY.farStore, STORY.thighs)) }],
  });
  const arrivalSms = cloud.sns.outbox({ channel: 'sms', endpoint: tandem.insideManager.mobile }).slice(-1)[0];
  print(`POST /stores/${STORY.farStore}/stock (15 kg arrive) → ${arrival.status}; the decision holder is told:\n    ${arrivalSms?.body ?? '(none)'}`);

  const answer = await fetch(`${link}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'sourced', storeId: STORY.farStore }) });
  print(`The inside manager answers from the phone: POST …/tasks/<ref>/decision {"outcome":"sourced","storeId":"${STORY.farStore}"} → ${answer.status}`);
  const reused = await fetch(`${link}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'declined', reason: 'second try' }) });
  print(`The same link again → ${reused.status} (${((await reused.json()) as { message?: string }).message ?? ''})`);
  const sourced = await until(client, thighs, (v) => v.request.status === 'SOURCED' && hasStep(v, 'NotifyTandem'));
  printOutcome(sourced, print);
  printMessages(cloud.sns.outbox().slice(escalationBefore), tandem, print, sourced);
  outcomes.push({ requestId: thighs, status: sourced.request.status });
  print(`\nFollow them: GET ${base}/requests/${geese} and …/${thighs} (SigV4-signed, as the store systems call it).`);
  return outcomes;
}

function storeClient(base: string) {
  return {
    async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
      const response = await signedFetch(new URL(`${base}${path}`), { method: 'POST', body: JSON.stringify(body) });
      const parsed: unknown = await response.json();
      if (response.status >= 400) throw new Error(`POST ${path} → ${response.status}: ${JSON.stringify(parsed)}`);
      return { status: response.status, body: parsed };
    },
    async view(requestId: string): Promise<RequestView | undefined> {
      const response = await signedFetch(new URL(`${base}/requests/${requestId}`), { method: 'GET' });
      return response.status === 200 ? ((await response.json()) as RequestView) : undefined;
    },
  };
}

async function until(client: ReturnType<typeof storeClient>, requestId: string, done: (view: RequestView) => boolean): Promise<RequestView> {
  const deadline = Date.now() + SCENARIO_TIMEOUT_MS;
  let last: RequestView | undefined;
  while (Date.now() < deadline) {
    last = await client.view(requestId);
    if (last && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`request ${requestId} did not get there in time; it is ${last?.request.status ?? 'unknown'} after ${last?.timeline.map((e) => e.step).join(' → ') ?? 'nothing'}`);
}

const hasStep = (view: RequestView, step: string): boolean => view.timeline.some((e) => e.step === step);

function printOutcome(view: RequestView, print: (line: string) => void): void {
  const start = Date.parse(view.timeline[0]?.at ?? new Date().toISOString());
  print(`Outcome: ${view.request.status}${view.request.storeId ? ` at ${view.request.storeId}` : ''}`);
  for (const hold of view.reservations) {
    print(`  holds ${hold.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')} at ${hold.storeId} until ${hold.expiresAt} (${hold.hold})`);
  }
  print('Timeline (GET /requests/{id}):');
  for (const event of view.timeline) {
    const offset = ((Date.parse(event.at) - start) / 1000).toFixed(3).padStart(7);
    print(`  +${offset} s  ${event.step.padEnd(17)} ${summarise(event.detail)}`);
  }
}

function summarise(detail: Record<string, unknown>): string {
  const text = JSON.stringify(detail);
  return text.length > 110 ? `${text.slice(0, 107)}…` : text;
}

function printMessages(records: readonly OutboxRecord[], tandem: Tandem, print: (line: string) => void, view: RequestView): void {
  const people = [tandem.insideManager, tandem.fieldManager];
  const who = (endpoint: string) => people.find((p) => p.mobile === endpoint || p.email === endpoint || p.personId === endpoint)?.name ?? endpoint;
  print('Outbox (what the partners received):');
  for (const record of records.filter((r) => r.channel === 'sms' || r.messageAttributes.kind !== undefined)) {
    if (record.channel === 'sms') print(`  SMS   → ${who(record.endpoint)}: ${record.body}`);
    else print(`  email → ${who(record.endpoint)} <${record.endpoint}>: "${record.subject ?? ''}"`);
  }
  // At night an informational SMS waits for the end of the recipient's quiet hours; the workflow sends it then.
  for (const held of view.notifications.filter((n) => n.status === 'HELD')) {
    print(`  SMS   ⏸ ${who(held.personId)}: ${held.kind}, held for the quiet hours until ${held.heldUntil ?? '?'}`);
  }
}

async function storyTandem(cloud: LocalCloud): Promise<Tandem> {
  const { doc, tableName } = cloud.tableContext();
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: key.tandem(STORY.territoryId) }));
  if (!out.Item) throw new Error(`the story's tandem ${STORY.territoryId} is not in the table; is the seed loaded?`);
  return out.Item as unknown as Tandem;
}

/** Units of a SKU already held at a store, so a morning count can leave the story's free stock. */
async function reserved(cloud: LocalCloud, storeId: string, sku: string): Promise<number> {
  const { doc, tableName } = cloud.tableContext();
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: key.stock(storeId, sku) }));
  return typeof out.Item?.reserved === 'number' ? out.Item.reserved : 0;
}

/** Tomorrow 08:00 in Berlin (07:00 UTC in winter, 06:00 in summer: the offset is read from the zone). */
function tomorrowAt8(): string {
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = tomorrow.toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' });
  const offset = tomorrow.toLocaleString('en-US', { timeZone: 'Europe/Berlin', timeZoneName: 'longOffset' }).split('GMT')[1] || '+00:00';
  return `${day}T08:00:00${offset}`;
}

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString();
}
