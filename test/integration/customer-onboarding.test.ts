/**
 * The CustomerOnboarding workflow end to end in the local cloud, time at
 * 1/300,000 (28 days ≈ 8 s, the six-week handover period ≈ 12 s): a field
 * manager registers a newly won customer (POST /customers), both partners
 * are welcomed, the field manager is reminded of the joint visit, and at the
 * end of the period — or at once, when the field manager hands over early —
 * the customer passes to the inside manager, exactly once. One extension
 * moves the handover later; a second is refused. Bad input records nothing
 * and starts nothing. Each test registers new customers in territories of
 * its own (customerOfOwnTerritory 50–59 picks them).
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer, Person } from '../../functions/domain/model';
import { DynamoCustomerRepository } from '../../functions/repository/customer-repository';
import { postcodeRangeItems } from '../../functions/repository/table-layout';
import { customerOfOwnTerritory, decide, deliveriesTo, stateMachineOf, startWorld, tandemOf, type World } from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { signedFetch } from '../support/signed-fetch';

const WEEK_SECONDS = 7 * 86_400;
let world: World;

beforeAll(async () => {
  world = await startWorld({ timeScale: 1 / 300_000 });
});

afterAll(async () => {
  await world?.stop();
});

interface CustomerView {
  customer: Customer;
  owner: { role: string; personId?: string };
  status: string;
  tasks: { taskId: string; kind: string; status: string; holderId: string }[];
  notifications: { kind: string; personId: string; role: string; channel: string; status: string }[];
  timeline: { step: string; at: string; caseId?: string; detail: Record<string, unknown> }[];
}

type Answer = { status: number; body: Record<string, unknown> };

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}${path}`), { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const register = (body: unknown) => call('POST', '/customers', body);
const answerFromApp = (customerId: string, body: unknown) => call('POST', `/customers/${customerId}/onboarding`, body);

async function view(customerId: string): Promise<CustomerView> {
  const { status, body } = await call('GET', `/customers/${customerId}`);
  if (status !== 200) throw new Error(`GET /customers/${customerId}: ${status} ${JSON.stringify(body)}`);
  return body as unknown as CustomerView;
}

/** A newly won customer in the territory of a seed customer: its postcode, that territory's field manager. */
function registration(near: Customer, registrationId: string, changes: Record<string, unknown> = {}) {
  const { fieldManager } = tandemOf(world, near.territoryId);
  return {
    registrationId,
    business: `Trattoria ${registrationId}`,
    address: { street: 'Hafenstraße 1', postcode: near.address.postcode, city: near.address.city },
    contact: { name: 'Marco Rossi', phone: '+493023125999', email: 'marco@example.com' },
    menuFocus: ['italienisch', 'Fisch'],
    expectedWeeklyVolumeEur: 1800,
    registeredBy: fieldManager.personId,
    ...changes,
  };
}

const machine = () => stateMachineOf(world, 'CustomerLifecycleOnboardingWorkflow');
const executionsOf = (customerId: string) => (world.product.cloud.stepFunctions.listExecutions(machine().arn).executions ?? []).filter((e) => e.name === `onboarding-${customerId}`);
const allExecutions = () => (world.product.cloud.stepFunctions.listExecutions(machine().arn).executions ?? []).length;

async function awaitEnded(customerId: string): Promise<string> {
  return eventually(
    () => {
      const [execution] = executionsOf(customerId);
      return execution && execution.status !== 'RUNNING' ? execution.status : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
}

/** The rounds the workflow scheduled: each AwaitHandoverAnswer's task, message and declared wait. */
function roundsOf(customerId: string): { taskId: string; message: string; waitSeconds: number }[] {
  const [execution] = executionsOf(customerId);
  const events = world.product.cloud.stepFunctions.getExecutionHistory(execution!.executionArn!).events ?? [];
  return events.flatMap((e) => {
    const details = e.taskScheduledEventDetails;
    const parameters = details?.parameters ? (JSON.parse(details.parameters) as { Payload?: { taskId?: string; message?: string } }) : undefined;
    return parameters?.Payload?.message ? [{ taskId: parameters.Payload.taskId!, message: parameters.Payload.message, waitSeconds: details!.timeoutInSeconds! }] : [];
  });
}

/** The decision references in the messages a person received, oldest first. */
function linksTo(person: Person): string[] {
  return deliveriesTo(world, person).flatMap((d) => [.../\/tasks\/([A-Za-z0-9_-]{22})/.exec(d.body)?.slice(1) ?? []]);
}

const sent = (v: CustomerView, kind: string) => v.notifications.filter((n) => n.kind === kind && n.status === 'SENT').map((n) => `${n.personId}:${n.channel}`).sort();
const everyChannel = (...people: Person[]) => people.flatMap((p) => p.channels.map((c) => `${p.personId}:${c}`)).sort();
const events = (v: CustomerView, step: string) => v.timeline.filter((e) => e.step === step);

test('without an answer the customer is handed over exactly once at the end of the period: owner inside, status handed-over, both partners told once, the field manager reminded of the joint visit', async () => {
  const near = await customerOfOwnTerritory(world, 50);
  const { fieldManager, insideManager } = tandemOf(world, near.territoryId);
  const created = await register(registration(near, 'onb-period-1'));
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ territoryId: near.territoryId, status: 'new', owner: 'field' });
  const customerId = String(created.body.customerId);
  expect(customerId).toMatch(/^C1\d{5}$/);

  expect(await awaitEnded(customerId)).toBe('SUCCEEDED');
  const after = await view(customerId);
  expect(after.status).toBe('handed-over');
  expect(after.owner).toMatchObject({ role: 'inside', personId: insideManager.personId });
  expect(after.customer).toMatchObject({ lifecycle: 'handed-over', owner: 'inside', onboarding: { handoverAt: created.body.handoverAt, extended: false } });
  expect(events(after, 'HandedOver').map((e) => e.detail)).toEqual([
    { early: false, extended: false, plannedHandoverAt: created.body.handoverAt, from: fieldManager.personId, to: insideManager.personId },
  ]);

  // The welcome to both, one joint-visit reminder (day 28 of 42) to the field manager, the handover to both — each once per channel.
  expect(sent(after, 'welcome')).toEqual(everyChannel(fieldManager, insideManager));
  expect(sent(after, 'visitReminder')).toEqual(everyChannel(fieldManager));
  expect(sent(after, 'handover')).toEqual(everyChannel(fieldManager, insideManager));
  // The workflow waited the period it planned: 28 days to the visit, the rest of six weeks to the handover.
  const rounds = roundsOf(customerId);
  expect(rounds.map((r) => r.message)).toEqual(['welcome', 'visitReminder']);
  const waited = rounds.reduce((sum, r) => sum + r.waitSeconds, 0);
  expect(waited).toBeLessThanOrEqual(6 * WEEK_SECONDS);
  expect(waited).toBeGreaterThan(6 * WEEK_SECONDS - 60);
  // The reminder came with a link of its own: welcome and reminder links differ, and neither decides any more.
  const links = [...new Set(linksTo(fieldManager))];
  expect(links).toHaveLength(2);
  expect(linksTo(insideManager)).toEqual([]);
  for (const ref of links) expect((await decide(world, ref, { action: 'handover-now' })).status).toBe(410);
  const late = await answerFromApp(customerId, { action: 'extend', weeks: 1 });
  expect(late.status).toBe(409);
  expect(events(await view(customerId), 'HandedOver')).toHaveLength(1);
});

test('handing over early through the link ends the period at once; a second answer is refused', async () => {
  const near = await customerOfOwnTerritory(world, 51);
  const { fieldManager, insideManager } = tandemOf(world, near.territoryId);
  const created = await register(registration(near, 'onb-early-1'));
  expect(created.status).toBe(201);
  const customerId = String(created.body.customerId);

  const ref = await eventually(() => linksTo(fieldManager)[0]);
  const page = await fetch(`${world.product.storeApiUrl}/tasks/${ref}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('value="handover-now"');
  const answer = await decide(world, ref, { action: 'handover-now' });
  expect(answer).toMatchObject({ status: 200, body: { customerId, kind: 'handover', outcome: 'handover-now', decidedBy: fieldManager.personId } });

  expect(await awaitEnded(customerId)).toBe('SUCCEEDED');
  const after = await view(customerId);
  expect(after.customer).toMatchObject({ lifecycle: 'handed-over', owner: 'inside', onboarding: { extended: false } });
  expect(events(after, 'EarlyHandoverRequested').map((e) => e.detail)).toEqual([expect.objectContaining({ by: fieldManager.personId, previousHandoverAt: created.body.handoverAt })]);
  expect(events(after, 'HandedOver').map((e) => e.detail)).toEqual([expect.objectContaining({ early: true })]);
  // Handed over weeks before the planned day, with no joint-visit reminder in between.
  expect(after.customer.handedOverAt! < String(created.body.handoverAt)).toBe(true);
  expect(roundsOf(customerId).map((r) => r.message)).toEqual(['welcome']);
  expect(sent(after, 'visitReminder')).toEqual([]);
  expect(sent(after, 'handover')).toEqual(everyChannel(fieldManager, insideManager));

  const again = await decide(world, ref, { action: 'extend', weeks: 2 });
  expect(again.status).toBe(410);
  expect((await answerFromApp(customerId, { action: 'handover-now' })).status).toBe(409);
  expect(events(await view(customerId), 'HandedOver')).toHaveLength(1);
});

test("the field manager's app extends the period once: the handover comes a week later than planned; a second extension is refused and changes nothing", async () => {
  const near = await customerOfOwnTerritory(world, 52);
  const { fieldManager } = tandemOf(world, near.territoryId);
  const created = await register(registration(near, 'onb-extend-1'));
  expect(created.status).toBe(201);
  const customerId = String(created.body.customerId);
  const planned = String(created.body.handoverAt);
  const later = new Date(Date.parse(planned) + WEEK_SECONDS * 1000).toISOString();

  // The welcome's task is open once the field manager has the link.
  await eventually(() => linksTo(fieldManager)[0]);
  const extended = await answerFromApp(customerId, { action: 'extend', weeks: 1 });
  expect(extended).toMatchObject({ status: 200, body: { customerId, kind: 'handover', outcome: 'extend', decidedBy: fieldManager.personId } });
  const second = await answerFromApp(customerId, { action: 'extend', weeks: 2 });
  expect(second.status).toBe(409);
  expect(second.body.message).toMatch(/extended once already/);
  const meanwhile = await view(customerId);
  expect(meanwhile.customer.onboarding).toMatchObject({ handoverAt: later, extended: true });
  expect(events(meanwhile, 'HandoverExtended').map((e) => e.detail)).toEqual([expect.objectContaining({ weeks: 1, previousHandoverAt: planned, handoverAt: later })]);
  // More than a week, or after the period: refused for what it is, naming the field.
  expect((await answerFromApp(customerId, { action: 'extend', weeks: 5 })).body).toMatchObject({ problems: [{ field: 'weeks' }] });

  expect(await awaitEnded(customerId)).toBe('SUCCEEDED');
  const after = await view(customerId);
  expect(after.customer).toMatchObject({ lifecycle: 'handed-over', owner: 'inside', onboarding: { handoverAt: later, extended: true } });
  expect(events(after, 'HandoverExtended')).toHaveLength(1);
  expect(events(after, 'HandedOver').map((e) => e.detail)).toEqual([expect.objectContaining({ early: false, extended: true, plannedHandoverAt: later })]);
  // After the answer the workflow waited what was left of six weeks plus the week: longer than the period planned.
  const rounds = roundsOf(customerId);
  expect(rounds.map((r) => r.message)).toEqual(['welcome', 'none', 'visitReminder']);
  const waitedAfterAnswer = rounds.slice(1).reduce((sum, r) => sum + r.waitSeconds, 0);
  expect(waitedAfterAnswer).toBeGreaterThan(6 * WEEK_SECONDS);
  expect(waitedAfterAnswer).toBeLessThanOrEqual(7 * WEEK_SECONDS);
});

test('the same registration sent again, also at the same moment, records one customer and starts one workflow; another body under its id is refused', async () => {
  const near = await customerOfOwnTerritory(world, 53);
  const body = registration(near, 'onb-twice-1');
  const answers = await Promise.all([register(body), register(body)]);
  expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
  expect(answers[0].body).toEqual(answers[1].body);
  const again = await register(body);
  expect(again).toEqual({ status: 200, body: answers[0].body });
  const customerId = String(again.body.customerId);

  const recorded = (await new DynamoCustomerRepository(world.ctx).customersInTerritory(near.territoryId)).filter((c) => c.onboarding?.registrationId === 'onb-twice-1');
  expect(recorded.map((c) => c.customerId)).toEqual([customerId]);
  expect(executionsOf(customerId)).toHaveLength(1);

  const other = await register({ ...body, expectedWeeklyVolumeEur: 900 });
  expect(other.status).toBe(409);
  expect(other.body.message).toMatch(/onb-twice-1 was already used/);
  expect((await view(customerId)).customer.expectedWeeklyVolumeEur).toBe(1800);
});

describe('bad input records no customer and starts no workflow', () => {
  async function refusedWithNothingWritten(territoryId: string, body: unknown): Promise<Answer> {
    const customersBefore = (await new DynamoCustomerRepository(world.ctx).customersInTerritory(territoryId)).length;
    const executionsBefore = allExecutions();
    const answer = await register(body);
    expect((await new DynamoCustomerRepository(world.ctx).customersInTerritory(territoryId)).length).toBe(customersBefore);
    expect(allExecutions()).toBe(executionsBefore);
    return answer;
  }

  test("someone other than the territory's field manager, and bad fields, are refused with 400 naming them", async () => {
    const near = await customerOfOwnTerritory(world, 54);
    const { insideManager } = tandemOf(world, near.territoryId);
    const notField = await refusedWithNothingWritten(near.territoryId, registration(near, 'onb-bad-1', { registeredBy: insideManager.personId }));
    expect(notField).toMatchObject({ status: 400, body: { problems: [{ field: 'registeredBy' }] } });
    expect(String((notField.body.problems as { problem: string }[])[0]!.problem)).toContain(near.territoryId);

    const bad = await refusedWithNothingWritten(near.territoryId, registration(near, 'onb-bad-2', { menuFocus: [], expectedWeeklyVolumeEur: 0, contact: { name: 'M', phone: '0211' } }));
    expect(bad.status).toBe(400);
    expect((bad.body.problems as { field: string }[]).map((p) => p.field).sort()).toEqual(['contact.phone', 'expectedWeeklyVolumeEur', 'menuFocus']);
    expect((await register(registration(near, 'onb-bad-1'))).status).toBe(201);
  });

  test('a postcode no territory covers is refused with 400 naming address.postcode', async () => {
    // Every seeded postcode has a territory: this file's own territory 59 gives up its range for the moment of the request.
    const near = await customerOfOwnTerritory(world, 59);
    const territory = world.seed.territories.find((t) => t.territoryId === near.territoryId)!;
    const ranges = postcodeRangeItems(territory);
    await register({}); // the function is warm: the range is away for one request only
    for (const item of ranges) await world.ctx.doc.send(new DeleteCommand({ TableName: world.ctx.tableName, Key: { pk: item.pk, sk: item.sk } }));
    try {
      const answer = await refusedWithNothingWritten(near.territoryId, registration(near, 'onb-nowhere-1'));
      expect(answer).toMatchObject({ status: 400, body: { problems: [{ field: 'address.postcode', problem: `no sales territory covers postcode ${near.address.postcode}` }] } });
    } finally {
      for (const item of ranges) await world.ctx.doc.send(new PutCommand({ TableName: world.ctx.tableName, Item: item }));
    }
  });
});
