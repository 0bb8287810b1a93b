/**
 * Issue 8, point 4 — bad input never gets in. Property-based (fast-check):
 * thousands of generated malformed requests at every route of the template —
 * the store systems', the partners', the admins' (signed with the local
 * credentials, so validation is what is tested, not authentication) and the
 * decision links, on real and on malformed references. Every one must get a
 * 4xx whose message names the field or parameter at fault; afterwards the
 * table holds exactly the items it held before (count and digest), no state
 * machine has a new execution, no message was sent, and valid requests are
 * served as before.
 */
import fc from 'fast-check';
import type { Customer, Product } from '../../functions/domain/model';
import { DynamoCustomerTasks, type CustomerTaskKind } from '../../functions/repository/customer-task-repository';

import { endpointSpecs, type EndpointFacts } from '../support/bad-input-endpoints';
import { footprintOf, type Footprint } from '../support/cloud-footprint';
import { callApi, latestTaskRef } from '../support/customer-lifecycle-world';
import { awaitRequest, customerOfOwnTerritory, getRequest, hoursFromNow, startWorld, submit, tandemOf, type World } from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { malformedRequests, refusalProblem, send, type MalformedRequest } from '../support/malformed-requests';
import { proofSize, recordProof } from '../support/proof';

/** Requests sent at once per route; all routes run side by side. */
const BATCH = 4;
/** npm run proof sends 10,000 per route: at 50–150 requests a second on 2 cores, 20–50 minutes. */
const FLOOD_TIMEOUT_MS = proofSize({ test: 900_000, report: 3 * 3_600_000 });

let world: World;
let facts: EndpointFacts;

beforeAll(async () => {
  // Real time: nothing the setup starts (escalation reminders, handover and follow-up days) comes due during the test.
  world = await startWorld({ timeScale: 1 });
  const [c0, c1, c2, c3] = await Promise.all([360, 361, 362, 363].map((n) => customerOfOwnTerritory(world, n)));
  const products = world.seed.products.slice(72, 82);
  const product = (i: number): Product => products[i] ?? fail(`no product ${72 + i}`);
  const wholeProduct = products.find((p) => p.unit === 'piece' || p.unit === 'case') ?? fail('no product sold by the piece or case in 72–81');
  const [escalation, handover, price, followUp] = await Promise.all([
    escalatedRequest(world, need(c0), product(0)),
    registeredCustomer(world, need(c1)),
    priceDecision(world, need(c2), product(2)),
    followUpTask(world, need(c3)),
  ]);
  facts = {
    now: new Date(),
    customer: need(c0),
    tandem: tandemOf(world, need(c0).territoryId),
    product: product(0),
    otherProduct: product(1),
    wholeProduct,
    storeId: need(c0).homeStoreId,
    requestId: escalation.requestId,
    escalationRef: escalation.ref,
    newCustomerId: handover.customerId,
    handoverRef: handover.ref,
    priceRef: price,
    followUp,
    otherTerritoryId: need(c1).territoryId,
  };
}, 300_000);

afterAll(async () => {
  await world?.stop();
});

test('every route of the template has malformed inputs described, and every example is valid', () => {
  const routes = templateRoutes().map((r) => `${r.method} ${r.path}`).sort();
  const described = endpointSpecs(facts).map((s) => s.route).sort();
  expect(described).toEqual(routes);
  for (const spec of endpointSpecs(facts)) {
    for (const target of spec.targets) {
      if (target.body) expect({ route: spec.route, target: target.label, valid: target.body.schema.safeParse(target.body.example).success }).toEqual({ route: spec.route, target: target.label, valid: true });
    }
  }
});

test('malformed requests at every route get a 4xx naming the problem, and nothing is written or started', async () => {
  const routes = templateRoutes();
  const specs = endpointSpecs(facts);
  const total = proofSize({ test: 10_000, report: 10_000 * routes.length });
  const perRoute = Math.ceil(total / routes.length / BATCH) * BATCH;

  await world.product.cloud.streams.idle();
  const before = await settledFootprint();
  const tally = new Tally();
  // Measured, never asserted: the machine may be shared. The Lambda handlers run as worker threads of this process.
  const started = { at: Date.now(), cpu: process.cpuUsage() };
  const outcomes = await Promise.allSettled(
    specs.map((spec) => {
      const route = routes.find((r) => `${r.method} ${r.path}` === spec.route);
      if (!route) throw new Error(`${spec.route} is not in the template`);
      return fc.assert(
        fc.asyncProperty(fc.array(malformedRequests(spec), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
          const answers = await Promise.all(batch.map((request) => send(world.product.storeApiUrl, route, request)));
          const refused = batch.map((request, i) => {
            const answer = answers[i]!;
            tally.count(spec.route, request, answer.status);
            const problem = refusalProblem(request, answer);
            return problem && `${request.method} ${request.path.slice(0, 120)} (${request.reason}): ${problem}; answer ${answer.status} ${answer.message.slice(0, 300)}`;
          });
          const wrong = refused.filter((r): r is string => r !== undefined);
          if (wrong.length > 0) throw new Error(wrong.join('\n'));
        }),
        // Every payload carries the reason it is invalid, so a failure names it; shrinking would only resend.
        { numRuns: perRoute / BATCH, endOnFailure: true },
      );
    }),
  );
  const cpu = process.cpuUsage(started.cpu);
  const seconds = (Date.now() - started.at) / 1000;
  const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [`${specs[i]?.route}: ${(o.reason as Error).message}`] : []));
  expect(failed).toEqual([]);

  const after = await footprintOf(world.product.cloud);
  expect(after).toEqual(before);

  // The runtime keeps serving: valid requests answer as before.
  const served = await validRequestsServed();
  expect(served).toEqual({ request: 200, task: 200, customer: 200, tandem: 200, newRequest: 202 });

  expect(tally.sent).toBeGreaterThanOrEqual(total);
  expect(Math.min(...Object.values(tally.perRoute))).toBeGreaterThanOrEqual(Math.floor(total / routes.length));
  recordProof({
    id: '4-bad-input',
    point: 4,
    promise: 'Malformed input never gets in: every malformed request gets a 4xx naming the field or parameter at fault, nothing is written, no execution starts, and the runtime keeps serving',
    load: `${tally.sent} malformed requests generated with fast-check at all ${routes.length} routes of the template (${Math.min(...Object.values(tally.perRoute))}+ each, signed where IAM): ${tally.describeKinds()}`,
    result:
      `${tally.sent} of ${tally.sent} answered 4xx (${tally.describeStatuses()}) with a message naming the field or parameter; ` +
      `table unchanged (${after.items} items, same digest), 0 executions started on ${Object.keys(after.executions).length} state machines, 0 messages sent; valid requests afterwards served`,
    figures: {
      requests: tally.sent,
      routes: routes.length,
      minPerRoute: Math.min(...Object.values(tally.perRoute)),
      refused4xx: tally.sent,
      itemsWritten: after.items - before.items,
      executionsStarted: sum(after.executions) - sum(before.executions),
      messagesSent: after.outbox - before.outbox,
      seconds: Math.round(seconds),
      requestsPerSecond: Math.round(tally.sent / seconds),
      nodeCpuMsPerRequest: Math.round((cpu.user + cpu.system) / 1000 / tally.sent * 10) / 10,
      ...Object.fromEntries(Object.entries(tally.statuses).map(([status, n]) => [`status${status}`, n])),
    },
  });
}, FLOOD_TIMEOUT_MS);

// ------------------------------------------------------------------ setup: real ids and open decisions

function templateRoutes() {
  return world.product.cloud.model.apis.flatMap((api) => api.routes);
}

function need(customer: Customer | undefined): Customer {
  return customer ?? fail('no customer');
}

function fail(message: string): never {
  throw new Error(message);
}

/** A request for a product nobody has: escalated, its inside manager holds the decision link. */
async function escalatedRequest(w: World, customer: Customer, product: Product): Promise<{ requestId: string; ref: string }> {
  const requestId = 'pb-escalated';
  const answer = await submit(w, { requestId, customerId: customer.customerId, lines: [{ sku: product.sku, quantity: 3, unit: product.unit }], neededBy: hoursFromNow(48), fulfilment: 'pickup' });
  expect(answer.status).toBe(202);
  await awaitRequest(w, requestId, ['ESCALATED'], 'AskDecision');
  const insideManager = tandemOf(w, customer.territoryId).insideManager;
  const ref = await eventually(() => latestTaskRef(w, insideManager));
  return { requestId, ref };
}

async function openTaskRef(w: World, customerId: string, kind: CustomerTaskKind): Promise<string> {
  const tasks = new DynamoCustomerTasks(w.ctx);
  const task = await eventually(async () => (await tasks.openTasks(customerId)).find((t) => t.kind === kind), { timeoutMs: 60_000, intervalMs: 100 });
  return task.ref;
}

/** A newly won customer in its handover period: its field manager holds the onboarding link. */
async function registeredCustomer(w: World, neighbour: Customer): Promise<{ customerId: string; ref: string }> {
  const tandem = tandemOf(w, neighbour.territoryId);
  const { status, body } = await callApi(w, 'POST', '/customers', {
    registrationId: 'pb-registration',
    business: 'Bistro Prova',
    address: { street: 'Teststraße 2', postcode: neighbour.address.postcode, city: neighbour.address.city },
    contact: { name: 'Tom Prova', phone: '+4921112345679' },
    menuFocus: ['deutsch'],
    expectedWeeklyVolumeEur: 800,
    registeredBy: tandem.fieldManager.personId,
  });
  expect(status).toBe(201);
  const customerId = String(body.customerId);
  return { customerId, ref: await openTaskRef(w, customerId, 'handover') };
}

/** A special price asked for: the inside manager holds the decision. */
async function priceDecision(w: World, customer: Customer, product: Product): Promise<string> {
  const tandem = tandemOf(w, customer.territoryId);
  const { status } = await callApi(w, 'POST', '/price-requests', {
    priceRequestId: 'pb-price',
    customerId: customer.customerId,
    sku: product.sku,
    weeklyVolume: { min: 10, max: 12 },
    unit: product.unit,
    proposedPrice: Math.round(product.listPrice * 97) / 100,
    requestedBy: tandem.fieldManager.personId,
  });
  expect(status).toBe(201);
  return openTaskRef(w, customer.customerId, 'priceDecision');
}

/** A follow-up due in three days: its task is open (silently) until then. */
async function followUpTask(w: World, customer: Customer): Promise<{ customerId: string; followUpId: string; ref: string }> {
  const tandem = tandemOf(w, customer.territoryId);
  const followUpId = 'pb-follow-up';
  const dueOn = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() + 3 * 86_400_000));
  const { status } = await callApi(w, 'POST', '/follow-ups', { followUpId, customerId: customer.customerId, dueOn, owner: 'field', topic: 'Neue Karte ansehen', createdBy: tandem.fieldManager.personId });
  expect(status).toBe(201);
  return { customerId: customer.customerId, followUpId, ref: await openTaskRef(w, customer.customerId, 'followUp') };
}

/** The footprint once the setup's workflows have come to rest (two scans a second apart agree). */
async function settledFootprint(): Promise<Footprint> {
  let last = await footprintOf(world.product.cloud);
  for (let attempt = 0; attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const next = await footprintOf(world.product.cloud);
    if (JSON.stringify(next) === JSON.stringify(last)) return next;
    last = next;
  }
  throw new Error('the table or the executions kept changing before the test began');
}

async function validRequestsServed(): Promise<Record<string, number>> {
  const [request, task, customer, tandem, newRequest] = await Promise.all([
    getRequest(world, facts.requestId).then((r) => r.status),
    fetch(`${world.product.storeApiUrl}/tasks/${facts.escalationRef}`).then(async (r) => (await r.text(), r.status)),
    callApi(world, 'GET', `/customers/${facts.customer.customerId}`).then((r) => r.status),
    callApi(world, 'GET', `/tandems/${facts.tandem.territoryId}`).then((r) => r.status),
    submit(world, {
      requestId: 'pb-after-the-flood',
      customerId: facts.customer.customerId,
      lines: [{ sku: facts.otherProduct.sku, quantity: 1, unit: facts.otherProduct.unit }],
      neededBy: hoursFromNow(48),
      fulfilment: 'pickup',
    }).then((r) => r.status),
  ]);
  return { request, task, customer, tandem, newRequest };
}

const sum = (counts: Readonly<Record<string, number>>): number => Object.values(counts).reduce((a, b) => a + b, 0);

class Tally {
  sent = 0;
  readonly perRoute: Record<string, number> = {};
  readonly statuses: Record<string, number> = {};
  readonly kinds: Record<string, number> = {};

  count(route: string, request: MalformedRequest, status: number): void {
    this.sent += 1;
    this.perRoute[route] = (this.perRoute[route] ?? 0) + 1;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    this.kinds[request.kind] = (this.kinds[request.kind] ?? 0) + 1;
  }

  describeStatuses(): string {
    return Object.entries(this.statuses).map(([status, n]) => `${n}× ${status}`).join(', ');
  }

  describeKinds(): string {
    const names: Record<string, string> = { body: 'bodies broken at one place or no JSON object', rule: 'bodies breaking a rule of the handler', path: 'malformed path parameters', 'unknown-id': 'ids and references that name nothing' };
    return Object.entries(this.kinds).map(([kind, n]) => `${n} ${names[kind] ?? kind}`).join(', ');
  }
}

