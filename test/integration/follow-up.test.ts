/**
 * The FollowUp workflow in the local runtime, real handlers, DynamoDB Local
 * (story case 5: "look at my menu, let's talk next week"): POST /follow-ups
 * records the follow-up and starts its workflow; on the due day the owner
 * gets a link and marks it done, snoozes it once or hands it to the partner
 * once; unanswered it goes to the partner and lapses MISSED. The partners'
 * app acts through POST /customers/{id}/follow-ups/{followUpId}/actions, also
 * before the day. Bad input changes nothing and starts nothing.
 *
 * Customers of this file: customerOfOwnTerritory 70–79 (test files share the table).
 */
import { followUpExecutionName } from '../../functions/customer-lifecycle/domain/follow-up';
import { awaitCustomer, callApi, getCustomer, type CustomerView } from '../support/customer-lifecycle-world';
import { customerOfOwnTerritory, decide, deliveriesTo, startWorld, stateMachineOf, tandemOf, type World } from '../support/customer-request-world';
import { eventually } from '../support/eventually';

let world: World;

// 1/20000: the owner's two phases last 24 h each (4.3 s here), so an answer given as soon as the SMS is out lands
// well inside the first; a due day "today" reminds at once after 08:00 Berlin, or within 8 h (1.4 s) before it;
// a snooze to tomorrow waits at most 33 h (6 s); the whole unanswered path (96 h) takes about 17 s.
beforeAll(async () => {
  world = await startWorld({ timeScale: 1 / 20000 });
});

afterAll(async () => {
  await world?.stop();
});

const berlinToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const followUpBody = (followUpId: string, customerId: string, createdBy: string, changes: Record<string, unknown> = {}) => ({
  followUpId,
  customerId,
  dueOn: berlinToday(),
  owner: 'field',
  topic: 'Neue Speisekarte ansehen, nächste Woche sprechen',
  createdBy,
  ...changes,
});

const followUpIn = (view: CustomerView, followUpId: string) => view.followUps.find((f) => f.followUpId === followUpId);
const stepsOf = (view: CustomerView, followUpId: string) => view.timeline.filter((e) => e.caseId === followUpId).map((e) => e.step);
const offersOf = (view: CustomerView, followUpId: string) =>
  view.timeline.filter((e) => e.caseId === followUpId && e.step === 'TaskOffered').map((e) => `${String(e.detail.phase)}:${String(e.detail.holderId)}:${(e.detail.notified as string[]).length > 0 ? 'told' : 'silent'}`);

/** The executions of the FollowUp state machine for a follow-up (one per round, and per stretch of a long wait). */
const executionsOf = (customerId: string, followUpId: string) => {
  const names = new Set([1, 2, 3, 4].map((seq) => followUpExecutionName(customerId, followUpId, seq)));
  return (world.product.cloud.stepFunctions.listExecutions(stateMachineOf(world, 'CustomerLifecycleFollowUps').arn).executions ?? []).filter((e) => names.has(e.name!));
};
const allEnded = (customerId: string, followUpId: string, count: number) =>
  eventually(() => {
    const executions = executionsOf(customerId, followUpId);
    return executions.length === count && executions.every((e) => e.status === 'SUCCEEDED') ? executions : undefined;
  });

/** The customer once its follow-up satisfies `ready`; on timeout says where the follow-up stood and why its workflow failed. */
async function awaitFollowUp(customerId: string, followUpId: string, ready: (followUp: Record<string, unknown>, view: CustomerView) => boolean, timeoutMs = 60_000): Promise<CustomerView> {
  try {
    return await awaitCustomer(world, customerId, (v) => {
      const followUp = followUpIn(v, followUpId);
      return followUp !== undefined && ready(followUp, v);
    }, timeoutMs);
  } catch (error) {
    const view = (await getCustomer(world, customerId)).view;
    const failures = view.timeline.filter((e) => e.step === 'Failed' && e.caseId === followUpId).map((e) => JSON.stringify(e.detail));
    throw new Error(`${(error as Error).message}\nfollow-up: ${JSON.stringify(followUpIn(view, followUpId))}\nfailures: ${failures.join('\n')}`, { cause: error });
  }
}

/** The decision links in what a person received, SMS and email, oldest first (some people have only one channel). */
const linksTo = (person: { mobile: string; email: string }) =>
  deliveriesTo(world, person).flatMap((d) => [...d.body.matchAll(/\/tasks\/([A-Za-z0-9_-]{22})/g)].map((m) => m[1]!));

/** The newest link a person received, once there is one other than `not`. */
const awaitLink = (person: { mobile: string; email: string }, not?: string) =>
  eventually(() => {
    const ref = linksTo(person).at(-1);
    return ref !== undefined && ref !== not ? ref : undefined;
  });

/** The `field: problem` lines of a 400's body. */
const problemsOf = (body: Record<string, unknown>) => ((body.problems ?? []) as { field: string; problem: string }[]).map((p) => `${p.field}: ${p.problem}`);

const act = (customerId: string, followUpId: string, body: unknown) => callApi(world, 'POST', `/customers/${customerId}/follow-ups/${followUpId}/actions`, body);

describe('a follow-up acted on', () => {
  test('done: on the due day the owner gets a link and marks it done; the follow-up is DONE, the workflow ends, the link is used up; a repeat changes nothing', async () => {
    const customer = await customerOfOwnTerritory(world, 70);
    const { fieldManager, insideManager } = tandemOf(world, customer.territoryId);
    const body = followUpBody('fu-done-1', customer.customerId, insideManager.personId);

    const created = await callApi(world, 'POST', '/follow-ups', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...body, status: 'OPEN', snoozed: false });
    // The same body again answers the follow-up and starts nothing new; another body under the id is refused.
    expect(await callApi(world, 'POST', '/follow-ups', body)).toMatchObject({ status: 200, body: { followUpId: 'fu-done-1', status: 'OPEN' } });
    const changed = await callApi(world, 'POST', '/follow-ups', { ...body, topic: 'Weinkarte besprechen' });
    expect(changed.status).toBe(409);
    expect(String(changed.body.message)).toContain('fu-done-1');

    // The owner (the field manager, although the inside manager created it) gets the link; its page shows the topic.
    const link = await awaitLink(fieldManager);
    const page = await fetch(`${world.product.storeApiUrl}/tasks/${link}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Neue Speisekarte ansehen');
    expect(await decide(world, link, { action: 'done' })).toMatchObject({ status: 200, body: { outcome: 'done', decidedBy: fieldManager.personId } });

    const view = await awaitFollowUp(customer.customerId, 'fu-done-1', (f) => f.status === 'DONE');
    expect(followUpIn(view, 'fu-done-1')).toMatchObject({ status: 'DONE', closedBy: fieldManager.personId, owner: 'field', snoozed: false });
    const steps = stepsOf(view, 'fu-done-1');
    expect(steps[0]).toBe('FollowUpScheduled');
    expect(steps).toEqual(expect.arrayContaining(['FollowUpPlanned', 'TaskOffered', 'FollowUpDone']));
    expect(offersOf(view, 'fu-done-1')).toContain(`decisionNeeded:${fieldManager.personId}:told`);
    expect(view.tasks.find((t) => t.taskId === 'followUp#fu-done-1#1')).toMatchObject({ kind: 'followUp', status: 'DECIDED', holderId: fieldManager.personId });
    // Told on each of the owner's channels (a slow machine may have sent the second reminder too), nobody else.
    const told = view.notifications.filter((n) => (n as { caseId?: string }).caseId === 'fu-done-1').map((n) => `${n.kind}:${n.personId}:${n.channel}:${n.status}`);
    expect([...new Set(told)]).toEqual(fieldManager.channels.map((channel) => `followUpDue:${fieldManager.personId}:${channel}:SENT`));
    expect(deliveriesTo(world, insideManager)).toEqual([]);
    await allEnded(customer.customerId, 'fu-done-1', 1);

    expect((await decide(world, link, { action: 'done' })).status).toBe(410);
    expect((await act(customer.customerId, 'fu-done-1', { action: 'snooze', until: addDays(berlinToday(), 3) })).status).toBe(409);
    expect(executionsOf(customer.customerId, 'fu-done-1')).toHaveLength(1);
  });

  test('done before the day: the app answers the silent task, nobody is ever reminded, and the workflow ends', async () => {
    const customer = await customerOfOwnTerritory(world, 71);
    const { fieldManager, insideManager } = tandemOf(world, customer.territoryId);
    const body = followUpBody('fu-early-1', customer.customerId, fieldManager.personId, { dueOn: addDays(berlinToday(), 30), owner: 'inside' });
    expect((await callApi(world, 'POST', '/follow-ups', body)).status).toBe(201);

    await awaitFollowUp(customer.customerId, 'fu-early-1', (_f, v) => v.tasks.some((t) => t.taskId === 'followUp#fu-early-1#1' && t.status === 'ACTIVE'));
    expect(await act(customer.customerId, 'fu-early-1', { action: 'done' })).toMatchObject({ status: 200, body: { outcome: 'done', decidedBy: insideManager.personId } });

    const view = await awaitFollowUp(customer.customerId, 'fu-early-1', (f) => f.status === 'DONE');
    expect(offersOf(view, 'fu-early-1')).toEqual([`decisionNeeded:${insideManager.personId}:silent`]);
    expect(stepsOf(view, 'fu-early-1')).toEqual(['FollowUpScheduled', 'FollowUpPlanned', 'TaskOffered', 'FollowUpDone']);
    await allEnded(customer.customerId, 'fu-early-1', 1);
    expect(view.notifications.filter((n) => (n as { caseId?: string }).caseId === 'fu-early-1')).toEqual([]);
    expect([...deliveriesTo(world, insideManager), ...deliveriesTo(world, fieldManager)]).toEqual([]);
  });

  test('snooze: the follow-up moves to the new day and reminds again with a new link; a second snooze is refused with 409 and changes nothing', async () => {
    const customer = await customerOfOwnTerritory(world, 72);
    const { fieldManager } = tandemOf(world, customer.territoryId);
    expect((await callApi(world, 'POST', '/follow-ups', followUpBody('fu-snooze-1', customer.customerId, fieldManager.personId))).status).toBe(201);
    const first = await awaitLink(fieldManager);

    // Not later than the current day: refused, the link stays valid.
    const sameDay = await decide(world, first, { action: 'snooze', until: berlinToday() });
    expect(sameDay.status).toBe(400);
    expect(problemsOf(sameDay.body)).toEqual([expect.stringMatching(/^until: must be after the current day/)]);
    const tomorrow = addDays(berlinToday(), 1);
    expect((await decide(world, first, { action: 'snooze', until: tomorrow })).status).toBe(200);

    // Reminded again on the new day (a new round, a new link), saying it was snoozed once.
    const second = await awaitLink(fieldManager, first);
    const snoozed = await awaitFollowUp(customer.customerId, 'fu-snooze-1', (f) => f.stage === 'reminded' && f.round === 2);
    expect(followUpIn(snoozed, 'fu-snooze-1')).toMatchObject({ status: 'OPEN', dueOn: tomorrow, snoozed: true, taskId: 'followUp#fu-snooze-1#2' });
    expect(snoozed.timeline.find((e) => e.step === 'FollowUpSnoozed' && e.caseId === 'fu-snooze-1')?.detail).toMatchObject({ until: tomorrow, by: fieldManager.personId });
    expect((await decide(world, first, { action: 'done' })).status).toBe(410);

    const again = await decide(world, second, { action: 'snooze', until: addDays(tomorrow, 7) });
    expect(again.status).toBe(409);
    expect(String(again.body.message)).toContain('snoozed once already');
    const unchanged = (await getCustomer(world, customer.customerId)).view;
    expect(followUpIn(unchanged, 'fu-snooze-1')).toMatchObject({ dueOn: tomorrow, snoozed: true, status: 'OPEN' });
    expect(stepsOf(unchanged, 'fu-snooze-1').filter((s) => s === 'FollowUpSnoozed')).toHaveLength(1);

    // The same link still decides: done.
    expect((await decide(world, second, { action: 'done' })).status).toBe(200);
    await awaitFollowUp(customer.customerId, 'fu-snooze-1', (f) => f.status === 'DONE');
    await allEnded(customer.customerId, 'fu-snooze-1', 2);
  });

  test('reassign: the partner is reminded at once with a new link, the old link is refused with 410, and a second hand-over is refused with 409', async () => {
    const customer = await customerOfOwnTerritory(world, 73);
    const { fieldManager, insideManager } = tandemOf(world, customer.territoryId);
    expect((await callApi(world, 'POST', '/follow-ups', followUpBody('fu-reassign-1', customer.customerId, fieldManager.personId))).status).toBe(201);
    const fieldLink = await awaitLink(fieldManager);
    expect((await decide(world, fieldLink, { action: 'reassign' })).status).toBe(200);

    const insideLink = await awaitLink(insideManager);
    expect(insideLink).not.toBe(fieldLink);
    const late = await decide(world, fieldLink, { action: 'done' });
    expect(late.status).toBe(410);
    const view = await awaitFollowUp(customer.customerId, 'fu-reassign-1', (f) => f.stage === 'reminded' && f.round === 2);
    expect(followUpIn(view, 'fu-reassign-1')).toMatchObject({ owner: 'inside', reassignedFrom: 'field', status: 'OPEN' });
    expect(view.timeline.find((e) => e.step === 'FollowUpReassigned' && e.caseId === 'fu-reassign-1')?.detail).toMatchObject({ from: 'field', to: 'inside', by: fieldManager.personId });
    expect(offersOf(view, 'fu-reassign-1')).toEqual(expect.arrayContaining([`decisionNeeded:${fieldManager.personId}:told`, `decisionNeeded:${insideManager.personId}:told`]));

    const twice = await decide(world, insideLink, { action: 'reassign' });
    expect(twice.status).toBe(409);
    expect(String(twice.body.message)).toContain('handed to the partner once already');
    expect(followUpIn((await getCustomer(world, customer.customerId)).view, 'fu-reassign-1')).toMatchObject({ owner: 'inside', status: 'OPEN' });

    expect(await act(customer.customerId, 'fu-reassign-1', { action: 'done' })).toMatchObject({ status: 200, body: { decidedBy: insideManager.personId } });
    await awaitFollowUp(customer.customerId, 'fu-reassign-1', (f) => f.status === 'DONE');
    await allEnded(customer.customerId, 'fu-reassign-1', 2);
  });
});

describe('a follow-up nobody acts on', () => {
  test('unanswered: the owner is reminded twice on one link, then the partner gets a new one, then it lapses MISSED; every link is refused afterwards', async () => {
    const customer = await customerOfOwnTerritory(world, 74);
    const { fieldManager, insideManager } = tandemOf(world, customer.territoryId);
    expect((await callApi(world, 'POST', '/follow-ups', followUpBody('fu-silent-1', customer.customerId, fieldManager.personId))).status).toBe(201);
    const fieldLink = await awaitLink(fieldManager);

    const view = await awaitFollowUp(customer.customerId, 'fu-silent-1', (f) => f.status === 'MISSED', 90_000);
    expect(offersOf(view, 'fu-silent-1').filter((o) => o.endsWith(':told'))).toEqual([
      `decisionNeeded:${fieldManager.personId}:told`,
      `reminder:${fieldManager.personId}:told`,
      `handedToPartner:${insideManager.personId}:told`,
    ]);
    // Written at the same instant: the trail orders them by name.
    expect(stepsOf(view, 'fu-silent-1').slice(-2).sort()).toEqual(['FollowUpMissed', 'TaskExpired']);
    expect(view.timeline.find((e) => e.step === 'FollowUpMissed')?.detail).toMatchObject({ holderId: insideManager.personId, role: 'inside' });
    expect(view.tasks.find((t) => t.taskId === 'followUp#fu-silent-1#1')).toMatchObject({ status: 'EXPIRED', holderId: insideManager.personId, phase: 'handedToPartner' });
    // The reminder came with the same link; the partner's is another one.
    const fieldSms = deliveriesTo(world, fieldManager).filter((d) => d.channel === 'sms');
    expect(fieldSms.map((d) => d.body.includes(fieldLink))).toEqual([true, true]);
    const insideLink = await awaitLink(insideManager);
    expect(insideLink).not.toBe(fieldLink);
    await allEnded(customer.customerId, 'fu-silent-1', 1);

    expect((await decide(world, fieldLink, { action: 'done' })).status).toBe(410);
    expect((await decide(world, insideLink, { action: 'done' })).status).toBe(410);
    const lapsed = await act(customer.customerId, 'fu-silent-1', { action: 'done' });
    expect(lapsed.status).toBe(409);
    expect(String(lapsed.body.message)).toContain('lapsed');
  });
});

describe('bad input', () => {
  test.each([
    ['dueOn', 'a date in the past', 'fu-bad-1', (today: string) => ({ dueOn: addDays(today, -1) }), /must not be in the past/],
    ['dueOn', 'not a date', 'fu-bad-2', () => ({ dueOn: 'next week' }), /must be a date YYYY-MM-DD/],
    ['owner', 'an unknown role', 'fu-bad-3', () => ({ owner: 'boss' }), /must be one of field, inside/],
    ['topic', 'a topic too short', 'fu-bad-4', () => ({ topic: 'ok' }), /at least 3 characters/],
    ['(record)', 'an unknown field', 'fu-bad-5', () => ({ priority: 'high' }), /unknown field "priority"/],
  ])('%s: %s → 400 naming it; nothing written, no workflow', async (field, _what, followUpId, change, problem) => {
    const customer = await customerOfOwnTerritory(world, 75);
    const { fieldManager } = tandemOf(world, customer.territoryId);
    const answer = await callApi(world, 'POST', '/follow-ups', followUpBody(followUpId, customer.customerId, fieldManager.personId, change(berlinToday())));
    expect(answer.status).toBe(400);
    const problems = (answer.body.problems ?? []) as { field: string; problem: string }[];
    expect(problems.map((p) => p.field)).toEqual([field]);
    expect(problems[0]?.problem).toMatch(problem);
    expect(followUpIn((await getCustomer(world, customer.customerId)).view, followUpId)).toBeUndefined();
    expect(executionsOf(customer.customerId, followUpId)).toEqual([]);
  });

  test('an unknown customer, or a creator outside the customer\'s tandem → 400 naming customerId / createdBy; nothing written, no workflow', async () => {
    const customer = await customerOfOwnTerritory(world, 76);
    const other = await customerOfOwnTerritory(world, 77);
    const { fieldManager } = tandemOf(world, customer.territoryId);
    const stranger = tandemOf(world, other.territoryId).insideManager;

    const unknown = await callApi(world, 'POST', '/follow-ups', followUpBody('fu-bad-customer', 'C999999', fieldManager.personId));
    expect(unknown.status).toBe(400);
    expect(problemsOf(unknown.body)).toEqual(['customerId: customer C999999 is not known']);
    expect(executionsOf('C999999', 'fu-bad-customer')).toEqual([]);

    const outsider = await callApi(world, 'POST', '/follow-ups', followUpBody('fu-bad-creator', customer.customerId, stranger.personId));
    expect(outsider.status).toBe(400);
    expect(problemsOf(outsider.body)).toEqual([`createdBy: ${stranger.personId} is not a partner of the tandem of territory ${customer.territoryId}, which serves customer ${customer.customerId}`]);
    const view = (await getCustomer(world, customer.customerId)).view;
    expect(followUpIn(view, 'fu-bad-creator')).toBeUndefined();
    expect(stepsOf(view, 'fu-bad-creator')).toEqual([]);
    expect(executionsOf(customer.customerId, 'fu-bad-creator')).toEqual([]);

    const notJson = await callApi(world, 'POST', '/follow-ups', '{"followUpId":');
    expect(notJson.status).toBe(400);
    expect(problemsOf(notJson.body)).toEqual(['body: is not valid JSON']);
  });

  test('the app acting on an unknown follow-up → 404; with a bad action → 400 naming it, and the follow-up stays as it was', async () => {
    const customer = await customerOfOwnTerritory(world, 78);
    const { fieldManager } = tandemOf(world, customer.territoryId);
    expect((await act(customer.customerId, 'fu-nothing', { action: 'done' })).status).toBe(404);

    const body = followUpBody('fu-bad-action', customer.customerId, fieldManager.personId, { dueOn: addDays(berlinToday(), 10) });
    expect((await callApi(world, 'POST', '/follow-ups', body)).status).toBe(201);
    await awaitFollowUp(customer.customerId, 'fu-bad-action', (_f, v) => v.tasks.some((t) => t.taskId === 'followUp#fu-bad-action#1' && t.status === 'ACTIVE'));
    const bad = await act(customer.customerId, 'fu-bad-action', { action: 'later' });
    expect(bad.status).toBe(400);
    expect(problemsOf(bad.body)).toEqual(['action: must be one of done, snooze, reassign']);
    const past = await act(customer.customerId, 'fu-bad-action', { action: 'snooze', until: addDays(berlinToday(), 5) });
    expect(past.status).toBe(400);
    expect(problemsOf(past.body)).toEqual([`until: must be after the current day ${body.dueOn}`]);
    const view = (await getCustomer(world, customer.customerId)).view;
    expect(followUpIn(view, 'fu-bad-action')).toMatchObject({ status: 'OPEN', dueOn: body.dueOn, snoozed: false, stage: 'scheduled' });
    expect(view.tasks.find((t) => t.taskId === 'followUp#fu-bad-action#1')).toMatchObject({ status: 'ACTIVE' });
    // Done, so that the workflow ends with the test.
    expect((await act(customer.customerId, 'fu-bad-action', { action: 'done' })).status).toBe(200);
    await allEnded(customer.customerId, 'fu-bad-action', 1);
  });
});
