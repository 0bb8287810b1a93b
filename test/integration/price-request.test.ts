/**
 * The PriceRequest workflow in the local runtime, real handlers, DynamoDB
 * Local (story case 3: "10–12 kg tuna a week, can we do something on
 * price?"): POST /price-requests records the request with its volume-tier
 * suggestion, the inside manager approves, counters or rejects through the
 * decision link, a counter-offer goes to the field manager, and nobody
 * answering escalates and ends EXPIRED. Bad input changes nothing.
 *
 * Customers of this file: customerOfOwnTerritory 60–69 (test files share the table).
 */
import { priceExecutionName } from '../../functions/customer-lifecycle/price-request/price-request-identity';
import { STORY_SKUS } from '../../functions/seed/products';
import { awaitCustomer, callApi, getCustomer, type CustomerView } from '../support/customer-lifecycle-world';
import { customerOfOwnTerritory, decide, deliveriesTo, startWorld, stateMachineOf, tandemOf, type World } from '../support/customer-request-world';
import { eventually } from '../support/eventually';

let world: World;

// 1/20000: the inside manager's ask and reminder last 24 h each (4.3 s here), so an answer given as soon as the
// message is out (under 2 s, measured on a busy machine) lands well before the hand-over; the whole unanswered
// path (72 h) takes about 13 s.
beforeAll(async () => {
  world = await startWorld({ timeScale: 1 / 20000 });
});

afterAll(async () => {
  await world?.stop();
});

/** The story: 10–12 kg tuna a week (list 42.90 EUR/kg → T1 at 41.61, floor 36.47), asked for at 39.50. */
const tunaRequest = (priceRequestId: string, customerId: string, requestedBy: string, changes: Record<string, unknown> = {}) => ({
  priceRequestId,
  customerId,
  sku: STORY_SKUS.tuna,
  weeklyVolume: { min: 10, max: 12 },
  unit: 'kg',
  proposedPrice: 39.5,
  note: 'Neue Sushi-Karte ab Januar',
  requestedBy,
  ...changes,
});

const berlinToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The decision link in the newest message (SMS or email: some people have only one) to a person, once there is one other than `not`. */
const awaitLink = (person: { mobile: string; email: string }, not?: string) =>
  eventually(() => {
    const ref = linksTo(person).at(-1);
    return ref !== undefined && ref !== not ? ref : undefined;
  });
const linksTo = (person: { mobile: string; email: string }) =>
  deliveriesTo(world, person).flatMap((d) => {
    const match = /\/tasks\/([A-Za-z0-9_-]{22})/.exec(d.body);
    return match?.[1] ? [match[1]] : [];
  });

/** The customer once the request has reached `status` and both partners were told. */
const awaitOutcome = (customerId: string, priceRequestId: string, status: string) =>
  awaitCustomer(world, customerId, (v) => requestIn(v, priceRequestId)?.status === status && v.timeline.some((e) => e.step === 'PriceOutcomeNotified' && e.caseId === priceRequestId));

const requestIn = (view: CustomerView, priceRequestId: string) => view.priceRequests.find((r) => r.priceRequestId === priceRequestId);
const stepsOf = (view: CustomerView, priceRequestId: string) => view.timeline.filter((e) => e.caseId === priceRequestId).map((e) => e.step);
/** `personId:kind` of every notification of the case, sorted (each person once per kind, whatever their channels). */
const notified = (view: CustomerView, priceRequestId: string) =>
  [...new Set(view.notifications.filter((n) => (n as { caseId?: string }).caseId === priceRequestId).map((n) => `${n.personId}:${n.kind}`))].sort();

/** The executions of the PriceRequest state machine started for an id. */
const executionsOf = (priceRequestId: string) =>
  (world.product.cloud.stepFunctions.listExecutions(stateMachineOf(world, 'CustomerLifecyclePriceRequests').arn).executions ?? []).filter((e) => e.name === priceExecutionName(priceRequestId));

describe('a special price decided through the decision link', () => {
  test('approve: the price is recorded for the customer with a year of validity, the request is APPROVED and both partners are told; a repeat changes nothing', async () => {
    const customer = await customerOfOwnTerritory(world, 60);
    const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
    const body = tunaRequest('pr-approve-1', customer.customerId, fieldManager.personId);

    const created = await callApi(world, 'POST', '/price-requests', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      priceRequestId: 'pr-approve-1',
      customerId: customer.customerId,
      status: 'PENDING',
      listPrice: 42.9,
      suggestion: { tier: 'T1', discountPercent: 3, suggestedPrice: 41.61, floorPrice: 36.47 },
      judgement: 'within-floor',
    });
    // The same body again: the same answer and no second workflow; another body under the id: 409.
    const repeat = await callApi(world, 'POST', '/price-requests', body);
    expect(repeat).toEqual({ status: 200, body: created.body });
    const changed = await callApi(world, 'POST', '/price-requests', { ...body, proposedPrice: 38 });
    expect(changed.status).toBe(409);
    expect(String(changed.body.message)).toContain('pr-approve-1');
    expect(executionsOf('pr-approve-1')).toHaveLength(1);

    // The inside manager's link: the page shows the suggestion, the answer approves.
    const link = await awaitLink(insideManager);
    const page = await fetch(`${world.product.storeApiUrl}/tasks/${link}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Thunfischloin');
    expect(html).toMatch(/41,61 €\/kg \(T1, −3 %\)|€41\.61\/kg \(T1, −3 %\)/);
    expect((await decide(world, link, { outcome: 'approve' })).status).toBe(200);

    const view = await awaitOutcome(customer.customerId, 'pr-approve-1', 'APPROVED');
    const today = berlinToday();
    expect(view.prices).toEqual([
      expect.objectContaining({ sku: STORY_SKUS.tuna, price: 39.5, unit: 'kg', validFrom: today, validUntil: addDays(today, 364), priceRequestId: 'pr-approve-1', approvedBy: insideManager.personId, valid: true }),
    ]);
    expect(requestIn(view, 'pr-approve-1')).toMatchObject({ status: 'APPROVED', outcome: 'approved', agreedPrice: 39.5, decision: { outcome: 'approve', decidedBy: insideManager.personId } });
    expect(stepsOf(view, 'pr-approve-1')).toEqual(expect.arrayContaining(['PriceRequested', 'PriceDecisionPlanned', 'TaskOffered', 'PriceDecided', 'PriceApproved', 'PriceOutcomeNotified']));
    expect(notified(view, 'pr-approve-1')).toEqual([`${fieldManager.personId}:priceOutcome`, `${insideManager.personId}:priceDecision`, `${insideManager.personId}:priceOutcome`].sort());
    await eventually(() => deliveriesTo(world, fieldManager).some((d) => d.body.includes('Sonderpreis freigegeben') || d.body.includes('Special price approved')));

    // The link decided once; the request, now APPROVED, answers a repeat with its status and starts nothing.
    expect((await decide(world, link, { outcome: 'reject', reason: 'doch nicht' })).status).toBe(410);
    expect(await callApi(world, 'POST', '/price-requests', body)).toMatchObject({ status: 200, body: { status: 'APPROVED' } });
    expect(executionsOf('pr-approve-1')).toHaveLength(1);
  });

  test('counter → accept: the field manager gets the counter-offer, and the counter price becomes the customer price', async () => {
    const customer = await customerOfOwnTerritory(world, 61);
    const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
    expect((await callApi(world, 'POST', '/price-requests', tunaRequest('pr-counter-1', customer.customerId, fieldManager.personId))).status).toBe(201);
    const link = await awaitLink(insideManager);

    // A counter-offer at the proposed price, or below the floor, is refused and the link stays valid.
    const same = await decide(world, link, { outcome: 'counter', price: 39.5 });
    expect(same.status).toBe(400);
    const problemsOf = (answer: { body: Record<string, unknown> }) => (answer.body.problems as { field: string; problem: string }[]).map((p) => `${p.field}: ${p.problem}`);
    expect(problemsOf(same)).toEqual(['price: must differ from the proposed price 39.5; to agree to it, approve']);
    const belowFloor = problemsOf(await decide(world, link, { outcome: 'counter', price: 30 }));
    expect(belowFloor).toHaveLength(1);
    expect(belowFloor[0]).toMatch(/^price: 30 is below the floor of 36.47/);
    expect((await decide(world, link, { outcome: 'counter', price: 40.9, note: 'Ab 15 kg gehen 39,90' })).status).toBe(200);

    const counterLink = await awaitLink(fieldManager);
    await eventually(() => deliveriesTo(world, fieldManager).some((d) => d.body.includes(counterLink) && /Gegenangebot|Counter-offer/.test(d.body)));
    expect((await decide(world, counterLink, { outcome: 'accept' })).status).toBe(200);

    const view = await awaitOutcome(customer.customerId, 'pr-counter-1', 'APPROVED');
    expect(view.prices).toEqual([expect.objectContaining({ sku: STORY_SKUS.tuna, price: 40.9, approvedBy: insideManager.personId, acceptedBy: fieldManager.personId, validUntil: addDays(berlinToday(), 364) })]);
    expect(requestIn(view, 'pr-counter-1')).toMatchObject({ outcome: 'counterAccepted', counterPrice: 40.9, agreedPrice: 40.9, counterAnswer: { outcome: 'accept', decidedBy: fieldManager.personId } });
    expect(stepsOf(view, 'pr-counter-1')).toEqual(expect.arrayContaining(['PriceDecided', 'PriceCountered', 'CounterOfferAnswered', 'CounterOfferAccepted', 'PriceOutcomeNotified']));
    expect(notified(view, 'pr-counter-1')).toEqual(
      [`${insideManager.personId}:priceDecision`, `${fieldManager.personId}:priceCounter`, `${fieldManager.personId}:priceOutcome`, `${insideManager.personId}:priceOutcome`].sort(),
    );
  });

  test('counter → decline: COUNTER_DECLINED with the reason, no customer price, both told', async () => {
    const customer = await customerOfOwnTerritory(world, 62);
    const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
    expect((await callApi(world, 'POST', '/price-requests', tunaRequest('pr-decline-1', customer.customerId, fieldManager.personId))).status).toBe(201);
    expect((await decide(world, await awaitLink(insideManager), { outcome: 'counter', price: 41 })).status).toBe(200);
    expect((await decide(world, await awaitLink(fieldManager), { outcome: 'decline', reason: 'kauft beim Fischhändler' })).status).toBe(200);

    const view = await awaitOutcome(customer.customerId, 'pr-decline-1', 'COUNTER_DECLINED');
    expect(view.prices).toEqual([]);
    expect(requestIn(view, 'pr-decline-1')).toMatchObject({ outcome: 'counterDeclined', counterPrice: 41, reason: 'kauft beim Fischhändler' });
    expect(stepsOf(view, 'pr-decline-1')).toContain('CounterOfferDeclined');
    expect(notified(view, 'pr-decline-1')).toEqual(expect.arrayContaining([`${fieldManager.personId}:priceOutcome`, `${insideManager.personId}:priceOutcome`]));
  });

  test('reject: REJECTED with the reason recorded, no customer price, both told', async () => {
    const customer = await customerOfOwnTerritory(world, 63);
    const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
    expect((await callApi(world, 'POST', '/price-requests', tunaRequest('pr-reject-1', customer.customerId, fieldManager.personId))).status).toBe(201);
    expect((await decide(world, await awaitLink(insideManager), { outcome: 'reject', reason: 'Thunfisch ist diese Saison knapp' })).status).toBe(200);

    const view = await awaitOutcome(customer.customerId, 'pr-reject-1', 'REJECTED');
    expect(view.prices).toEqual([]);
    expect(requestIn(view, 'pr-reject-1')).toMatchObject({ outcome: 'rejected', reason: 'Thunfisch ist diese Saison knapp', decision: { outcome: 'reject', decidedBy: insideManager.personId } });
    expect(view.timeline.find((e) => e.step === 'PriceRejected')?.detail).toMatchObject({ decidedBy: insideManager.personId, reason: 'Thunfisch ist diese Saison knapp' });
    expect(notified(view, 'pr-reject-1')).toEqual(expect.arrayContaining([`${fieldManager.personId}:priceOutcome`, `${insideManager.personId}:priceOutcome`]));
    await eventually(() => deliveriesTo(world, fieldManager).some((d) => d.body.includes('Thunfisch ist diese Saison knapp')));
  });
});

describe('a special price nobody decides', () => {
  test("no answer: a reminder on the same link, the hand-over to the field manager with a new one — the inside manager's link is refused with 410 — then EXPIRED, no price, both told", async () => {
    const customer = await customerOfOwnTerritory(world, 64);
    const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
    expect((await callApi(world, 'POST', '/price-requests', tunaRequest('pr-silent-1', customer.customerId, fieldManager.personId))).status).toBe(201);
    const insideLink = await awaitLink(insideManager);

    const handedOver = await awaitCustomer(world, customer.customerId, (v) =>
      v.timeline.some((e) => e.caseId === 'pr-silent-1' && e.step === 'TaskOffered' && e.detail.phase === 'handedToPartner'),
    );
    const offers = handedOver.timeline.filter((e) => e.caseId === 'pr-silent-1' && e.step === 'TaskOffered').map((e) => `${String(e.detail.phase)}:${String(e.detail.holderId)}`);
    expect(offers).toEqual([`decisionNeeded:${insideManager.personId}`, `reminder:${insideManager.personId}`, `handedToPartner:${fieldManager.personId}`]);
    // The reminder came with the same link (on each of the person's channels); the field manager's is another one.
    await eventually(() => linksTo(insideManager).length === 2 * insideManager.channels.length);
    expect(new Set(linksTo(insideManager))).toEqual(new Set([insideLink]));
    const fieldLink = await awaitLink(fieldManager);
    expect(fieldLink).not.toBe(insideLink);
    const late = await decide(world, insideLink, { outcome: 'approve' });
    expect(late.status).toBe(410);
    expect(String(late.body.message)).toContain('passed to another person');

    const view = await awaitOutcome(customer.customerId, 'pr-silent-1', 'EXPIRED');
    expect(view.prices).toEqual([]);
    expect(requestIn(view, 'pr-silent-1')).toMatchObject({ outcome: 'expired' });
    expect(requestIn(view, 'pr-silent-1')?.decision).toBeUndefined();
    expect(stepsOf(view, 'pr-silent-1')).toEqual(expect.arrayContaining(['TaskExpired', 'PriceRequestExpired', 'PriceOutcomeNotified']));
    expect(view.tasks.find((t) => t.taskId === 'price-decision-pr-silent-1')).toMatchObject({ status: 'EXPIRED', holderId: fieldManager.personId, phase: 'handedToPartner' });
    expect(notified(view, 'pr-silent-1')).toEqual(expect.arrayContaining([`${fieldManager.personId}:priceOutcome`, `${insideManager.personId}:priceOutcome`]));
    expect((await decide(world, fieldLink, { outcome: 'approve' })).status).toBe(410);
  });
});

describe('bad price requests', () => {
  test('unknown customer or product, volume ≤ 0 or absurd, a price ≤ 0, the wrong unit, someone outside the tandem: 400 naming the field, nothing written, no workflow', async () => {
    const customer = await customerOfOwnTerritory(world, 65);
    const { fieldManager } = tandemOf(world, customer.territoryId);
    const other = tandemOf(world, (await customerOfOwnTerritory(world, 66)).territoryId);
    const cases: [string, Record<string, unknown>, string][] = [
      ['unknown customer', { customerId: 'C999999' }, 'customerId'],
      ['unknown product', { sku: 'XXX-9999' }, 'sku'],
      ['no volume', { weeklyVolume: { min: 0, max: 12 } }, 'weeklyVolume.min'],
      ['negative volume', { weeklyVolume: { min: -10, max: 12 } }, 'weeklyVolume.min'],
      ['absurd volume', { weeklyVolume: { min: 10, max: 6000 } }, 'weeklyVolume.max'],
      ['free', { proposedPrice: 0 }, 'proposedPrice'],
      ['negative price', { proposedPrice: -39.5 }, 'proposedPrice'],
      ['wrong unit', { unit: 'piece' }, 'unit'],
      ['another tandem asks', { requestedBy: other.fieldManager.personId }, 'requestedBy'],
    ];
    for (const [what, change, field] of cases) {
      const answer = await callApi(world, 'POST', '/price-requests', tunaRequest(`pr-bad-${what.replace(/\W+/g, '-')}`, customer.customerId, fieldManager.personId, change));
      expect([what, answer.status]).toEqual([what, 400]);
      expect([what, (answer.body.problems as { field: string }[]).map((p) => p.field)]).toEqual([what, [field]]);
    }
    const wrongUnit = await callApi(world, 'POST', '/price-requests', tunaRequest('pr-bad-unit-2', customer.customerId, fieldManager.personId, { unit: 'case' }));
    expect(wrongUnit.body.problems).toEqual([{ field: 'unit', problem: `must be kg, the unit ${STORY_SKUS.tuna} is sold in (got case)` }]);

    const view = (await getCustomer(world, customer.customerId)).view;
    expect(view.priceRequests).toEqual([]);
    expect(view.timeline.filter((e) => e.step === 'PriceRequested')).toEqual([]);
    for (const [what] of cases) expect([what, executionsOf(`pr-bad-${what.replace(/\W+/g, '-')}`)]).toEqual([what, []]);
  });

  test("another customer's priceRequestId is a 409 and writes nothing for this customer", async () => {
    const first = await customerOfOwnTerritory(world, 67);
    const second = await customerOfOwnTerritory(world, 68);
    const body = (customerId: string, territoryId: string) => tunaRequest('pr-shared-id', customerId, tandemOf(world, territoryId).fieldManager.personId);
    expect((await callApi(world, 'POST', '/price-requests', body(first.customerId, first.territoryId))).status).toBe(201);

    const taken = await callApi(world, 'POST', '/price-requests', body(second.customerId, second.territoryId));
    expect(taken.status).toBe(409);
    expect(String(taken.body.message)).toContain("already used by another customer's price request");
    const view = (await getCustomer(world, second.customerId)).view;
    expect(view.priceRequests).toEqual([]);
    expect(view.timeline.filter((e) => e.step === 'PriceRequested')).toEqual([]);
    expect(executionsOf('pr-shared-id')).toHaveLength(1);
  });
});
