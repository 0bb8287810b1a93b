/**
 * The CustomerRequest workflow end to end in the local cloud: POST /requests
 * through the store API, the synthesized state machine, the bundled step
 * functions, DynamoDB Local and the SNS outbox; outcomes read back through
 * GET /requests/{id}. Each test uses customers of its own territory and
 * products of its own, so tests never share stock or a tandem's messages.
 * Time runs at 1/100: a 30-minute decision window lasts 18 s.
 */
import { decisionAcceptedSchema, requestStatusViewSchema } from '../../functions/customer-request/domain/openapi';
import { STORY_CUSTOMER_ID, STORY_STORES } from '../../functions/seed/generate';
import { STORY_SKUS } from '../../functions/seed/products';
import { signedFetch } from '../support/signed-fetch';
import {
  awaitRequest,
  customerOfOwnTerritory as customerOf,
  decide,
  deliveriesTo,
  getRequest,
  hoursFromNow,
  latestDecisionRef,
  setStock,
  startWorld,
  submit,
  awaitEmailProvisioned,
  stateMachineOf,
  tandemOf,
  testProduct,
  type World,
} from '../support/customer-request-world';
import { eventually } from '../support/eventually';

let world: World;

beforeAll(async () => {
  world = await startWorld({ timeScale: 0.01 });
  await awaitEmailProvisioned(world, tandemOf(world, 'T159'));
});

afterAll(async () => {
  await world?.stop();
});

const customerOfOwnTerritory = (n: number) => customerOf(world, n);
const sku = (n: number): string => testProduct(world, n).sku;
const line = (code: string, quantity: number) => ({ sku: code, quantity, unit: world.seed.products.find((p) => p.sku === code)!.unit });
const nearestOf = (storeId: string, n: number) => world.seed.neighbours.filter((x) => x.storeId === storeId).sort((a, b) => a.distanceKm - b.distanceKm)[n]!.neighbourId;
const farFrom = (storeId: string) => world.seed.neighbours.filter((x) => x.storeId === storeId).sort((a, b) => b.distanceKm - a.distanceKm)[0]!.neighbourId;

describe('story case 1: ten geese for tomorrow', () => {
  test('the home store is short, a nearby store has them: reserved there, both partners told by SMS and email, outcome recorded', async () => {
    await setStock(world, [
      { storeId: STORY_STORES.home, sku: STORY_SKUS.goose, available: 2 },
      { storeId: STORY_STORES.nearby, sku: STORY_SKUS.goose, available: 25 },
    ]);
    const answer = await submit(world, {
      requestId: 'wf-story-1',
      customerId: STORY_CUSTOMER_ID,
      lines: [{ sku: STORY_SKUS.goose, quantity: 10, unit: 'piece' }],
      neededBy: hoursFromNow(24),
      fulfilment: 'pickup',
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ requestId: 'wf-story-1', status: 'RECEIVED', statusUrl: `${world.product.storeApiUrl}/requests/wf-story-1` });

    const view = await awaitRequest(world, 'wf-story-1', ['RESERVED'], 'NotifyTandem');
    // The answer is what the published OpenAPI document promises.
    expect(requestStatusViewSchema.safeParse(view).error).toBeUndefined();
    expect(view.request).toMatchObject({ status: 'RESERVED', storeId: STORY_STORES.nearby, territoryId: 'T159' });
    expect(view.reservations).toEqual([expect.objectContaining({ hold: 'initial', storeId: STORY_STORES.nearby, status: 'HELD', lines: [{ sku: STORY_SKUS.goose, quantity: 10 }] })]);
    expect(view.timeline.map((e) => e.step)).toEqual(['Received', 'Route', 'CheckStock', 'ReserveStock', 'Outcome', 'NotifyTandem']);
    const tandem = tandemOf(world, 'T159');
    for (const person of [tandem.insideManager, tandem.fieldManager]) {
      const delivered = deliveriesTo(world, person);
      expect(delivered.map((d) => d.channel).sort()).toEqual(['email', 'sms']);
      expect(delivered.find((d) => d.channel === 'sms')!.body).toMatch(/^Reserviert: 10 Stk .* für Restaurant Rheinblick in Großmarkt Düsseldorf/);
    }
    expect(view.notifications.map((n) => `${n.kind}:${n.role}:${n.channel}:${n.status}`).sort()).toEqual([
      'reserved:field:email:SENT', 'reserved:field:sms:SENT', 'reserved:inside:email:SENT', 'reserved:inside:sms:SENT',
    ]);
  });
});

describe('escalation', () => {
  test('partial stock: the part is held, the rest escalated; stock arriving elsewhere is announced to the decider, who sources it there', async () => {
    const customer = await customerOfOwnTerritory(0);
    const tandem = tandemOf(world, customer.territoryId);
    const product = sku(0);
    const elsewhere = farFrom(customer.homeStoreId);
    await setStock(world, [{ storeId: customer.homeStoreId, sku: product, available: 4 }]);
    expect((await submit(world, { requestId: 'wf-partial-1', customerId: customer.customerId, lines: [line(product, 10)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);

    const escalated = await awaitRequest(world, 'wf-partial-1', ['ESCALATED'], 'AskDecision');
    expect(escalated.reservations).toEqual([expect.objectContaining({ hold: 'initial', storeId: customer.homeStoreId, lines: [{ sku: product, quantity: 4 }] })]);
    expect(escalated.timeline.find((e) => e.step === 'Escalate')!.detail).toMatchObject({ holderId: tandem.insideManager.personId, missing: [{ sku: product, quantity: 6 }] });
    const ref = latestDecisionRef(world, tandem.insideManager);
    expect(ref).toBeDefined();

    // Six arrive at a far store: the inside manager, who holds the decision, is told where.
    const feed = await signedFetch(new URL(`${world.product.storeApiUrl}/stores/${elsewhere}/stock`), {
      method: 'POST',
      body: JSON.stringify({ countedAt: new Date().toISOString(), levels: [{ sku: product, available: 6 }] }),
    });
    expect(feed.status).toBe(200);
    expect(await feed.json()).toMatchObject({ decisionHoldersTold: 1 });
    const arrival = deliveriesTo(world, tandem.insideManager).find((d) => d.channel === 'sms' && d.body.startsWith('Eingetroffen'));
    expect(arrival?.body).toContain(`/tasks/${ref}`);

    const decided = await decide(world, ref!, { outcome: 'sourced', storeId: elsewhere });
    expect(decisionAcceptedSchema.safeParse(decided.body).error).toBeUndefined();
    expect(decided).toEqual({ status: 200, body: { requestId: 'wf-partial-1', outcome: 'sourced', decidedBy: tandem.insideManager.personId, accepted: true } });
    const view = await awaitRequest(world, 'wf-partial-1', ['SOURCED'], 'NotifyTandem');
    expect(requestStatusViewSchema.safeParse(view).error).toBeUndefined();
    expect(view.request.storeId).toBe(elsewhere);
    expect(view.reservations.map((r) => `${r.hold}:${r.storeId}:${r.lines[0]!.quantity}:${r.status}`)).toEqual([
      `initial:${customer.homeStoreId}:4:HELD`,
      `decided:${elsewhere}:6:HELD`,
    ]);
    expect(view.decisions).toEqual([expect.objectContaining({ outcome: 'sourced', storeId: elsewhere, decidedBy: tandem.insideManager.personId })]);
    expect(view.timeline.map((e) => e.step)).toEqual(
      expect.arrayContaining(['Route', 'CheckStock', 'ReserveStock', 'Escalate', 'AskDecision', 'Decided', 'Outcome', 'NotifyTandem']),
    );
    // A used link is gone; it changes nothing.
    expect((await decide(world, ref!, { outcome: 'declined', reason: 'too late' })).status).toBe(410);
  });

  test('no stock anywhere: the inside manager declines through the link; UNFULFILLED with the reason, both told', async () => {
    const customer = await customerOfOwnTerritory(1);
    const tandem = tandemOf(world, customer.territoryId);
    const product = sku(1);
    expect((await submit(world, { requestId: 'wf-none-1', customerId: customer.customerId, lines: [line(product, 3)], neededBy: hoursFromNow(30), fulfilment: 'delivery' })).status).toBe(202);
    await awaitRequest(world, 'wf-none-1', ['ESCALATED'], 'AskDecision');
    const ref = await eventually(() => latestDecisionRef(world, tandem.insideManager));

    // Bad answers change nothing: a malformed one is a 400, a store without the goods a 409, an unknown reference a 404.
    expect((await decide(world, ref, { outcome: 'maybe' })).status).toBe(400);
    expect((await decide(world, ref, '{not json')).status).toBe(400);
    const noGoods = await decide(world, ref, { outcome: 'sourced', storeId: customer.homeStoreId });
    expect(noGoods.status).toBe(409);
    expect(noGoods.body.message).toContain(`${product}: 0 free of 3 needed`);
    expect((await decide(world, 'AAAAAAAAAAAAAAAAAAAAAA', { outcome: 'declined', reason: 'nope' })).status).toBe(404);
    expect((await decide(world, 'not-a-ref', { outcome: 'declined', reason: 'nope' })).status).toBe(400);

    expect((await decide(world, ref, { outcome: 'declined', reason: 'Lieferant hat nichts mehr' })).status).toBe(200);
    const view = await awaitRequest(world, 'wf-none-1', ['UNFULFILLED'], 'NotifyTandem');
    expect(view.request.reason).toBe(`declined by ${tandem.insideManager.personId}: Lieferant hat nichts mehr`);
    expect(view.reservations).toEqual([]);
    for (const person of [tandem.insideManager, tandem.fieldManager]) {
      expect(deliveriesTo(world, person).some((d) => d.channel === 'sms' && d.body.startsWith('Nicht erfüllt'))).toBe(true);
    }
  });

  test('an alternative product offered through the link is held at a candidate store: SOURCED', async () => {
    const customer = await customerOfOwnTerritory(2);
    const tandem = tandemOf(world, customer.territoryId);
    const [wanted, alternative] = [sku(2), sku(3)];
    const nearby = nearestOf(customer.homeStoreId, 0);
    await setStock(world, [{ storeId: nearby, sku: alternative, available: 8 }]);
    expect((await submit(world, { requestId: 'wf-alt-1', customerId: customer.customerId, lines: [line(wanted, 2)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);
    await awaitRequest(world, 'wf-alt-1', ['ESCALATED'], 'AskDecision');
    const ref = await eventually(() => latestDecisionRef(world, tandem.insideManager));
    expect((await decide(world, ref, { outcome: 'alternative', sku: alternative, quantity: 2, note: 'gleiche Qualität' })).status).toBe(200);
    const view = await awaitRequest(world, 'wf-alt-1', ['SOURCED'], 'NotifyTandem');
    expect(view.reservations).toEqual([expect.objectContaining({ hold: 'decided', storeId: nearby, lines: [{ sku: alternative, quantity: 2 }] })]);
  });
});

describe('routing', () => {
  test('an unknown customer is routed by postcode, recorded as a prospect of that territory, and served', async () => {
    const territory = world.seed.territories.find((t) => t.territoryId === 'T159')!;
    const product = sku(4);
    await setStock(world, [{ storeId: territory.homeStoreId, sku: product, available: 5 }]);
    const postcode = territory.postcodes[0]!.from;
    expect((await submit(world, { requestId: 'wf-prospect-1', prospect: { name: 'Bistro Neueröffnung', postcode }, lines: [line(product, 5)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);
    const view = await awaitRequest(world, 'wf-prospect-1', ['RESERVED'], 'NotifyTandem');
    expect(view.request.territoryId).toBe('T159');
    expect(view.request.customerId).toMatch(/^C9\d{5}$/);
    expect(view.timeline.find((e) => e.step === 'Route')!.detail).toMatchObject({ prospectRecorded: true, territoryId: 'T159' });
  });
});

describe('bad input', () => {
  const valid = () => ({ requestId: 'wf-bad-x', customerId: STORY_CUSTOMER_ID, lines: [{ sku: STORY_SKUS.goose, quantity: 2, unit: 'piece' }], neededBy: hoursFromNow(30), fulfilment: 'pickup' });
  const cases: [string, (id: string) => unknown, string][] = [
    ['a missing field', (id) => ({ ...valid(), requestId: id, lines: undefined }), 'lines'],
    ['a wrong type', (id) => ({ ...valid(), requestId: id, lines: [{ sku: STORY_SKUS.goose, quantity: 'ten', unit: 'piece' }] }), 'lines.0.quantity'],
    ['a negative quantity', (id) => ({ ...valid(), requestId: id, lines: [{ sku: STORY_SKUS.goose, quantity: -3, unit: 'piece' }] }), 'lines.0.quantity'],
    ['an absurd quantity', (id) => ({ ...valid(), requestId: id, lines: [{ sku: STORY_SKUS.goose, quantity: 1e9, unit: 'piece' }] }), 'lines.0.quantity'],
    ['an unknown SKU', (id) => ({ ...valid(), requestId: id, lines: [{ sku: 'XYZ-9999', quantity: 1, unit: 'piece' }] }), 'lines.0.sku'],
    ['an unknown customer', (id) => ({ ...valid(), requestId: id, customerId: 'C099999' }), 'customerId'],
    ['needed-by in the past', (id) => ({ ...valid(), requestId: id, neededBy: hoursFromNow(-1) }), 'neededBy'],
    ['an oversized payload', (id) => ({ ...valid(), requestId: id, note: 'x'.repeat(70_000) }), 'body'],
    ['invalid JSON', (id) => `{"requestId": "${id}", "lines": [`, 'body'],
  ];

  test.each(cases)('%s gets a 400 naming the field; no execution starts and nothing is written', async (_name, make, field) => {
    const requestId = `wf-bad-${field.replace(/\W/g, '')}-${_name.length}`;
    const answer = await submit(world, make(requestId));
    expect(answer.status).toBe(400);
    const problems = answer.body.problems as { field: string; problem: string }[];
    expect(problems.map((p) => p.field)).toContain(field);
    expect((await getRequest(world, requestId)).status).toBe(404);
    const machine = stateMachineOf(world);
    expect(world.product.cloud.stepFunctions.listExecutions(machine.arn).executions!.some((e) => e.name === `req-${requestId}`)).toBe(false);
  });
});

describe('decision links people open on a phone', () => {
  test('opening the link shows what is asked and never decides; the page form answers; afterwards the page says the link is used', async () => {
    const customer = await customerOfOwnTerritory(5);
    const tandem = tandemOf(world, customer.territoryId);
    const product = testProduct(world, 7);
    const source = farFrom(customer.homeStoreId);
    await setStock(world, [{ storeId: source, sku: product.sku, available: 20 }]);
    expect((await submit(world, { requestId: 'wf-page-1', customerId: customer.customerId, lines: [product.line(5)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);
    await awaitRequest(world, 'wf-page-1', ['ESCALATED'], 'AskDecision');
    const ref = await eventually(() => latestDecisionRef(world, tandem.insideManager));
    const pageUrl = `${world.product.storeApiUrl}/tasks/${ref}`;

    // A link scanner and the person both open it: nothing is decided.
    for (let i = 0; i < 3; i++) {
      const page = await fetch(pageUrl);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const text = await page.text();
      expect(text).toContain(`Hallo ${tandem.insideManager.name}`);
      expect(text).toContain(product.sku);
      expect(text).toContain('<form method="post"');
    }
    expect((await awaitRequest(world, 'wf-page-1', ['ESCALATED'])).decisions).toEqual([]);

    // The form posts form-encoded fields and gets the page back.
    const answered = await fetch(`${pageUrl}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ outcome: 'sourced', storeId: source, sku: '', quantity: '', reason: '' }).toString(),
    });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain('✓ sourced');
    await awaitRequest(world, 'wf-page-1', ['SOURCED'], 'NotifyTandem');
    const after = await fetch(pageUrl);
    expect(after.status).toBe(410);
    expect(await after.text()).toContain('has already been used');
    expect((await fetch(`${world.product.storeApiUrl}/tasks/BBBBBBBBBBBBBBBBBBBBBA`)).status).toBe(404);
  });

  test('an opted-out number is never messaged: its SMS is recorded as suppressed, the email still goes', async () => {
    const customer = await customerOfOwnTerritory(6);
    const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
    world.product.cloud.sns.optOut(fieldManager.mobile);
    const product = testProduct(world, 8);
    await setStock(world, [{ storeId: customer.homeStoreId, sku: product.sku, available: 3 }]);
    expect((await submit(world, { requestId: 'wf-optout-1', customerId: customer.customerId, lines: [product.line(3)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);
    const view = await awaitRequest(world, 'wf-optout-1', ['RESERVED'], 'NotifyTandem');
    expect(deliveriesTo(world, fieldManager).map((d) => d.channel)).toEqual(['email']);
    expect(deliveriesTo(world, insideManager).map((d) => d.channel).sort()).toEqual(['email', 'sms']);
    expect(view.notifications.find((n) => n.personId === fieldManager.personId && n.channel === 'sms')).toMatchObject({ status: 'SUPPRESSED' });
    expect(world.product.cloud.sns.outbox({ channel: 'sms', endpoint: fieldManager.mobile })).toEqual([]);
  });
});
