/**
 * Story cases 3 and 4, replayed against the running local cloud through its
 * public interfaces only — the store API (SigV4-signed, as the partners' apps
 * and store systems call it), the decision links (as a partner answers from a
 * phone) and the SNS outbox:
 *
 * 3. "10–12 kg Thunfisch die Woche, geht da was am Preis?": the field manager
 *    asks for a special price; the inside manager gets the decision link and
 *    approves; the price is recorded for the customer with its validity.
 * 4. A newly won restaurant: the field manager registers it, both partners
 *    are welcomed, and after the first joint visit the field manager hands it
 *    over early by the onboarding link; the inside manager owns it from then.
 *
 * Each prints the customer's timeline from GET /customers/{id}.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Tandem, Territory } from '../../functions/domain/model';
import { key } from '../../functions/repository/table-layout';
import type { OutboxRecord } from '../runtime/contracts';
import { signedFetch } from '../runtime/http/signed-fetch';
import type { LocalCloud } from '../runtime/local-cloud';

/** The story's restaurant and its tandem (functions/seed/generate.ts), and the tuna of case 3. */
const STORY = { customerId: 'C000475', territoryId: 'T159', tuna: 'FIS-0002' } as const;
const POLL_MS = 100;
const SCENARIO_TIMEOUT_MS = 60_000;

interface CustomerView {
  customer: { customerId: string; name: string; lifecycle: string; owner: string };
  owner: { role: string; personId?: string; name?: string };
  status: string;
  prices: { sku: string; price: number; unit?: string; validFrom: string; validUntil: string; valid: boolean }[];
  priceRequests: { priceRequestId?: string; status?: string }[];
  timeline: { step: string; at: string; caseId?: string; detail: Record<string, unknown> }[];
}

export interface LifecycleOutcome {
  readonly customerId: string;
  readonly outcome: string;
}

export async function replayLifecycle(cloud: LocalCloud, print: (line: string) => void): Promise<LifecycleOutcome[]> {
  const api = cloud.model.apis[0];
  if (!api) throw new Error('the stack has no REST API');
  const base = `${cloud.apiEndpoint}/${api.stageName}`;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await signedFetch(new URL(`${base}${path}`), { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const parsed = (await response.json()) as Record<string, unknown>;
    if (response.status >= 400) throw new Error(`${method} ${path} → ${response.status}: ${JSON.stringify(parsed)}`);
    return { status: response.status, body: parsed };
  };
  const until = async (customerId: string, done: (view: CustomerView) => boolean): Promise<CustomerView> => {
    const deadline = Date.now() + SCENARIO_TIMEOUT_MS;
    let last: CustomerView | undefined;
    while (Date.now() < deadline) {
      last = (await call('GET', `/customers/${customerId}`)).body as unknown as CustomerView;
      if (done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new Error(`customer ${customerId} did not get there in time; its timeline: ${last?.timeline.map((e) => e.step).join(' → ') ?? 'nothing'}`);
  };
  const { tandem, territory } = await storyTerritory(cloud);
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const outcomes: LifecycleOutcome[] = [];

  // ------------------------------------------------------------ 3: special price
  print('\n━━ Story 3: "10–12 kg tuna a week, can we do something on the price?" ━━');
  const product = await catalogueProduct(cloud, STORY.tuna);
  const priceRequestId = `demo-${stamp}-tuna`;
  const proposedPrice = Math.round(product.listPrice * 88) / 100;
  const priceBefore = cloud.sns.outbox().length;
  const asked = await call('POST', '/price-requests', {
    priceRequestId,
    customerId: STORY.customerId,
    sku: STORY.tuna,
    weeklyVolume: { min: 10, max: 12 },
    unit: product.unit,
    proposedPrice,
    requestedBy: tandem.fieldManager.personId,
  });
  print(`${tandem.fieldManager.name} (field manager) asks: POST /price-requests ${priceRequestId} → ${asked.status}`);
  const suggestion = asked.body.suggestion as { suggestedPrice?: number; tier?: string } | undefined;
  print(`  list price ${product.listPrice.toFixed(2)} €/kg, proposed ${proposedPrice.toFixed(2)} €/kg; the volume tier (${suggestion?.tier ?? '?'}) suggests ${suggestion?.suggestedPrice?.toFixed(2) ?? '?'} €/kg`);
  const priceLink = await linkIn(cloud, tandem.insideManager, priceBefore);
  const approve = await fetch(`${priceLink.url}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'approve' }) });
  print(`${tandem.insideManager.name} (inside manager) reads:\n    ${priceLink.text}\n  and approves by the link: POST …/tasks/<ref>/decision {"outcome":"approve"} → ${approve.status}`);
  const priced = await until(STORY.customerId, (v) => v.prices.some((p) => p.sku === STORY.tuna && p.price === proposedPrice) && hasStep(v, 'PriceOutcomeNotified'));
  const price = priced.prices.find((p) => p.sku === STORY.tuna)!;
  print(`Recorded for the customer: ${price.sku} at ${price.price.toFixed(2)} € from ${price.validFrom} until ${price.validUntil}`);
  printTimeline(priced, print, (e) => e.caseId === priceRequestId);
  printMessages(cloud.sns.outbox().slice(priceBefore), tandem, print);
  outcomes.push({ customerId: STORY.customerId, outcome: `price ${price.price.toFixed(2)}` });

  // ------------------------------------------------------------ 4: onboarding and handover
  print('\n━━ Story 4: a newly won restaurant, handed over to the inside manager ━━');
  const postcode = territory.postcodes[0]!.from;
  const onboardingBefore = cloud.sns.outbox().length;
  const registered = await call('POST', '/customers', {
    registrationId: `demo-${stamp}-marco`,
    business: 'Trattoria Da Marco',
    address: { street: 'Kaiserstraße 12', postcode, city: territory.name },
    contact: { name: 'Marco Rossi', phone: '+4921155501234', email: 'marco.rossi@example.com' },
    menuFocus: ['italienisch', 'Fisch'],
    expectedWeeklyVolumeEur: 1800,
    registeredBy: tandem.fieldManager.personId,
  });
  const customerId = String(registered.body.customerId);
  print(`${tandem.fieldManager.name} registers the new customer: POST /customers → ${registered.status} ${JSON.stringify(registered.body)}`);
  await until(customerId, (v) => hasStep(v, 'TaskOffered'));
  // The welcome is informational: at night its SMS waits for the morning, so the link is taken from the email.
  const handoverLink = await linkIn(cloud, tandem.fieldManager, onboardingBefore);
  const early = await fetch(`${handoverLink.url}/decision`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'handover-now' }) });
  print(`After the first joint visit the field manager hands over early by the onboarding link: {"action":"handover-now"} → ${early.status}`);
  const handedOver = await until(customerId, (v) => v.status === 'handed-over' && v.customer.owner === 'inside' && hasStep(v, 'HandedOver'));
  print(`Customer ${customerId}: status ${handedOver.status}, owner ${handedOver.owner.role} (${handedOver.owner.name ?? handedOver.owner.personId ?? '?'})`);
  printTimeline(handedOver, print);
  printMessages(cloud.sns.outbox().slice(onboardingBefore), tandem, print);
  outcomes.push({ customerId, outcome: handedOver.status });
  print(`\nFollow them: GET ${base}/customers/${STORY.customerId} and …/customers/${customerId} (SigV4-signed).`);
  return outcomes;
}

const hasStep = (view: CustomerView, ...steps: string[]): boolean => view.timeline.some((e) => steps.includes(e.step));

/** The newest decision link sent to a person after `since`, by SMS or email. */
async function linkIn(cloud: LocalCloud, person: { mobile: string; email: string }, since: number): Promise<{ url: string; text: string }> {
  const deadline = Date.now() + SCENARIO_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const records = cloud.sns.outbox().slice(since).filter((r) => r.endpoint === person.mobile || r.endpoint === person.email);
    for (const record of [...records].reverse()) {
      const url = /(https?:\/\/\S+\/tasks\/[A-Za-z0-9_-]{22})/.exec(record.body)?.[1];
      if (url) return { url, text: record.channel === 'sms' ? record.body : `(email) ${record.subject ?? ''}` };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error('no decision link reached the person');
}

function printTimeline(view: CustomerView, print: (line: string) => void, only: (event: CustomerView['timeline'][number]) => boolean = () => true): void {
  const events = view.timeline.filter(only);
  const start = Date.parse(events[0]?.at ?? new Date().toISOString());
  print('Timeline (GET /customers/{id}):');
  for (const event of events) {
    const detail = JSON.stringify(event.detail);
    print(`  +${((Date.parse(event.at) - start) / 1000).toFixed(3).padStart(7)} s  ${event.step.padEnd(22)} ${detail.length > 100 ? `${detail.slice(0, 97)}…` : detail}`);
  }
}

function printMessages(records: readonly OutboxRecord[], tandem: Tandem, print: (line: string) => void): void {
  const people = [tandem.insideManager, tandem.fieldManager];
  const who = (endpoint: string) => people.find((p) => p.mobile === endpoint || p.email === endpoint)?.name ?? endpoint;
  print('Outbox (what the partners received):');
  for (const record of records.filter((r) => r.channel === 'sms' || r.messageAttributes.kind !== undefined)) {
    if (record.channel === 'sms') print(`  SMS   → ${who(record.endpoint)}: ${record.body}`);
    else print(`  email → ${who(record.endpoint)} <${record.endpoint}>: "${record.subject ?? ''}"`);
  }
}

async function storyTerritory(cloud: LocalCloud): Promise<{ tandem: Tandem; territory: Territory }> {
  const { doc, tableName } = cloud.tableContext();
  const [tandem, territory] = await Promise.all([
    doc.send(new GetCommand({ TableName: tableName, Key: key.tandem(STORY.territoryId) })),
    doc.send(new GetCommand({ TableName: tableName, Key: key.territory(STORY.territoryId) })),
  ]);
  if (!tandem.Item || !territory.Item) throw new Error(`the story's territory ${STORY.territoryId} is not in the table; is the seed loaded?`);
  return { tandem: tandem.Item as unknown as Tandem, territory: territory.Item as unknown as Territory };
}

async function catalogueProduct(cloud: LocalCloud, sku: string): Promise<{ unit: string; listPrice: number }> {
  const { doc, tableName } = cloud.tableContext();
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: key.product(sku) }));
  if (!out.Item) throw new Error(`product ${sku} is not in the catalogue`);
  return { unit: String(out.Item.unit), listPrice: Number(out.Item.listPrice) };
}
