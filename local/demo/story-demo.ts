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
 * The steps themselves (stock counts, requests, waiting, the decision link) are
 * ops/story-scenario.ts, which the smoke test replays against any stage.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS, type OutboxRecord } from '../runtime/contracts';
import type { LocalCloud } from '../runtime/local-cloud';
import { key } from '../../functions/repository/table-layout';
import type { Tandem } from '../../functions/domain/model';
import { StoreApi } from '../../ops/store-api';
import { findCast, hasStep, StoryScenario, type RequestView } from '../../ops/story-scenario';
import { awaitTandemsProvisioned } from './tandem-provisioning';

const SCENARIO_TIMEOUT_MS = 60_000;

export interface StoryOutcome {
  readonly requestId: string;
  readonly status: string;
}

/** The story's scenario against the local cloud, signed with the local credentials as a store system signs. */
async function localStoryScenario(cloud: LocalCloud): Promise<StoryScenario> {
  const api = cloud.model.apis[0];
  if (!api) throw new Error('the stack has no REST API');
  const credentials = LOCAL_AWS.credentials;
  const storeApi = new StoreApi({ apiUrl: `${cloud.apiEndpoint}/${api.stageName}`, region: LOCAL_AWS.region, credentials: () => Promise.resolve(credentials) });
  const table = cloud.tableContext();
  return new StoryScenario(storeApi, table, await findCast(table));
}

export async function replayStory(cloud: LocalCloud, print: (line: string) => void): Promise<StoryOutcome[]> {
  const story = await localStoryScenario(cloud);
  const { cast } = story;
  const base = `${cloud.apiEndpoint}/${cloud.model.apis[0]!.stageName}`;
  const tandem = await storyTandem(cloud, cast.territoryId);
  // The partners' email subscriptions come from the directory's provisioning (the stream of the seeded tandems).
  await awaitTandemsProvisioned(cloud, [tandem.territoryId]);
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const outcomes: StoryOutcome[] = [];

  // ------------------------------------------------------------ 1: geese
  print('\n━━ Story 1: ten geese for tomorrow ━━');
  await story.setFreeStock(cast.homeStore, cast.reserveSku, 2);
  await story.setFreeStock(cast.nearbyStore, cast.reserveSku, 25);
  print('Morning counts: Reisholz (home store) has 2 free geese, Düsseldorf 25.');
  const geese = `demo-${stamp}-geese`;
  const outboxBefore = cloud.sns.outbox().length;
  const submitted = await story.submit(story.reserveRequest(geese, { quantity: 10, neededBy: tomorrowAt8(), note: 'Gänse für die Weihnachtsfeier' }));
  print(`POST /requests ${geese} → ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const first = await story.until(geese, (v) => v.request.status === 'RESERVED' && hasStep(v, 'NotifyTandem'), SCENARIO_TIMEOUT_MS);
  printOutcome(first, print);
  printMessages(cloud.sns.outbox().slice(outboxBefore), tandem, print, first);
  outcomes.push({ requestId: geese, status: first.request.status });

  // ------------------------------------------------------------ 2: escalation
  print('\n━━ Story 2: deboned chicken thighs for a restaurant about to open ━━');
  for (const storeId of cast.candidates) await story.setFreeStock(storeId, cast.escalateSku, 0);
  print('Morning counts: none of the six nearest stores has deboned chicken thighs free.');
  const thighs = `demo-${stamp}-thighs`;
  const escalationBefore = cloud.sns.outbox().length;
  const second = await story.submit(story.escalateRequest(thighs, { quantity: 12, neededBy: inDays(3), note: 'Für die Eröffnung am Samstag' }));
  print(`POST /requests ${thighs} → ${second.status}`);
  await story.until(thighs, (v) => v.request.status === 'ESCALATED' && hasStep(v, 'AskDecision'), SCENARIO_TIMEOUT_MS);
  const decisionSms = cloud.sns.outbox({ channel: 'sms', endpoint: tandem.insideManager.mobile }).slice(-1)[0];
  print(`${tandem.insideManager.name} (inside manager) gets the decision task by SMS:\n    ${decisionSms?.body ?? '(none)'}`);
  const link = /(https?:\/\/\S+\/tasks\/[A-Za-z0-9_-]{22})/.exec(decisionSms?.body ?? '')?.[1];
  if (!link) throw new Error('the decision SMS carries no link');

  const arrival = await story.setFreeStock(cast.farStore, cast.escalateSku, 15);
  const arrivalSms = cloud.sns.outbox({ channel: 'sms', endpoint: tandem.insideManager.mobile }).slice(-1)[0];
  print(`POST /stores/${cast.farStore}/stock (15 kg arrive) → ${arrival.status}; the decision holder is told:\n    ${arrivalSms?.body ?? '(none)'}`);

  const answer = await story.api.decide(link, { outcome: 'sourced', storeId: cast.farStore });
  print(`The inside manager answers from the phone: POST …/tasks/<ref>/decision {"outcome":"sourced","storeId":"${cast.farStore}"} → ${answer.status}`);
  const reused = await story.api.decideExpectingRefusal(link, { outcome: 'declined', reason: 'second try' });
  print(`The same link again → ${reused.status} (${(reused.body as { message?: string } | undefined)?.message ?? ''})`);
  const sourced = await story.until(thighs, (v) => v.request.status === 'SOURCED' && hasStep(v, 'NotifyTandem'), SCENARIO_TIMEOUT_MS);
  printOutcome(sourced, print);
  printMessages(cloud.sns.outbox().slice(escalationBefore), tandem, print, sourced);
  outcomes.push({ requestId: thighs, status: sourced.request.status });
  print(`\nFollow them: GET ${base}/requests/${geese} and …/${thighs} (SigV4-signed, as the store systems call it).`);
  return outcomes;
}

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

async function storyTandem(cloud: LocalCloud, territoryId: string): Promise<Tandem> {
  const { doc, tableName } = cloud.tableContext();
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: key.tandem(territoryId) }));
  if (!out.Item) throw new Error(`the story's tandem ${territoryId} is not in the table; is the seed loaded?`);
  return out.Item as unknown as Tandem;
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
