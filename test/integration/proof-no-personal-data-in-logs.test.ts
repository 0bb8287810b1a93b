/**
 * Issue 8, point 8: no personal data in logs, scanned over a full scenario
 * run in the local cloud — the story's two requests (ops/story-scenario.ts:
 * geese reserved nearby; chicken thighs escalated, sourced by the decision
 * link), the lifecycle's special price (approved by the link) and onboarding
 * (a new restaurant registered with its contact, handed over by the link),
 * and a follow-up marked done from the partners' app.
 *
 * Every line the handlers wrote (the local Lambda runner's log sink) and
 * every event of every execution's history (what Step Functions keeps and
 * shows) is searched for every phone number, email address and name of the
 * seed's people and customer contacts, and of the contact the onboarding
 * registered. None may appear. The tandem topics the provisioning created on
 * the way are read back from SNS: each is encrypted and refuses plain transport.
 *
 * The run has IAM enforced (docs/least-privilege.md): each function calls
 * DynamoDB with its own role's credentials, every call is evaluated against
 * that role's policies, and none may be denied — the run-time half of the
 * least-privilege proof (point 6).
 *
 * Ids of this file: the story's stamped ids (`demo-…`), follow-up `pn-…`.
 * Time runs at 1/20: the inside manager's first window (15 min) lasts 45 s.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../functions/domain/model';
import { key } from '../../functions/repository/table-layout';
import { STORY_CUSTOMER_ID } from '../../functions/seed/generate';
import { replayLifecycle } from '../../local/demo/lifecycle-demo';
import { replayStory } from '../../local/demo/story-demo';
import type { LambdaLogLine } from '../../local/runtime/lambda';
import { awaitCustomer, callApi } from '../support/customer-lifecycle-world';
import { startWorld, tandemOf, type World } from '../support/customer-request-world';
import { personalDataIn, personalDataOf } from '../support/personal-data';
import { recordProof } from '../support/proof';

let world: World;
const captured: LambdaLogLine[] = [];

beforeAll(async () => {
  // IAM enforced: every function runs as its own role, so the same run proves its grants suffice (point 6).
  const options = { timeScale: 1 / 20, lambdaLog: (line: LambdaLogLine) => void captured.push(line), iam: 'enforce' as const };
  world = await startWorld(options);
});

afterAll(async () => {
  await world?.stop();
});

const berlinDay = (days: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(Date.now() + days * 86_400_000));

/** Every event of every execution of every state machine of the world, as JSON text. */
function historyEvents(): { executions: number; events: string[] } {
  const engine = world.product.cloud.stepFunctions;
  let executions = 0;
  const events: string[] = [];
  for (const machine of world.product.cloud.model.stateMachines) {
    for (const execution of engine.listExecutions(machine.arn, undefined, 1000).executions ?? []) {
      executions += 1;
      let nextToken: string | undefined;
      do {
        const page = engine.getExecutionHistory(execution.executionArn!, { maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
        events.push(...(page.events ?? []).map((e) => JSON.stringify(e)));
        nextToken = page.nextToken;
      } while (nextToken);
    }
  }
  return { executions, events };
}

test('a full scenario run writes no phone number, email address or name to any log line or execution history event', async () => {
  const printed: string[] = [];
  const print = (line: string) => void printed.push(line);
  const cloud = world.product.cloud;

  // The story (two requests) and the lifecycle (a special price, an onboarding), as npm start replays them.
  const story = await replayStory(cloud, print);
  expect(story.map((o) => o.status)).toEqual(['RESERVED', 'SOURCED']);
  const lifecycle = await replayLifecycle(cloud, print);
  expect(lifecycle.map((o) => o.outcome)).toEqual([expect.stringMatching(/^price /), 'handed-over']);

  // A follow-up for the story's restaurant, done from the partners' app before its day.
  const customer = world.seed.customers.find((c) => c.customerId === STORY_CUSTOMER_ID)!;
  const { fieldManager } = tandemOf(world, customer.territoryId);
  const followUpId = `pn-fu-${Date.now()}`;
  const scheduled = await callApi(world, 'POST', '/follow-ups', {
    followUpId,
    customerId: customer.customerId,
    dueOn: berlinDay(30),
    owner: 'field',
    topic: 'Neue Speisekarte ansehen, nächste Woche sprechen',
    createdBy: fieldManager.personId,
  });
  expect(scheduled.status).toBe(201);
  await awaitCustomer(world, customer.customerId, (v) => v.tasks.some((t) => t.taskId === `followUp#${followUpId}#1` && t.status === 'ACTIVE'));
  expect((await callApi(world, 'POST', `/customers/${customer.customerId}/follow-ups/${followUpId}/actions`, { action: 'done' })).status).toBe(200);
  await awaitCustomer(world, customer.customerId, (v) => v.followUps.some((f) => f.followUpId === followUpId && f.status === 'DONE'));

  // What is personal: the seed's people and contacts, and the contact the onboarding registered.
  const registeredId = lifecycle[1]!.customerId;
  const registered = (await world.ctx.doc.send(new GetCommand({ TableName: world.ctx.tableName, Key: key.customer(registeredId) }))).Item as Customer | undefined;
  expect(registered?.contact).toBeDefined();
  const personal = personalDataOf({ tandems: world.seed.tandems, customers: world.seed.customers, contacts: [registered!.contact!] });
  // The scan can find what it looks for: the story's people are in what was printed (the outbox, as the phones got it).
  const storyPeople = personalDataOf({ tandems: [tandemOf(world, customer.territoryId)], contacts: [registered!.contact!] });
  expect(personalDataIn(printed, storyPeople).length).toBeGreaterThan(0);

  await cloud.streams.idle({ timeoutMs: 30_000 });
  const lines = captured.map((line) => line.message);
  const history = historyEvents();
  // How many lines depends on what ran before in this DynamoDB Local (a fresh one also provisions 400 tandem topics);
  // the scenario's own steps always log from several functions.
  expect(lines.length).toBeGreaterThan(30);
  expect(new Set(captured.map((l) => l.functionName)).size).toBeGreaterThanOrEqual(5);
  expect(history.executions).toBeGreaterThanOrEqual(5);
  expect(personalDataIn(lines, personal)).toEqual([]);
  expect(personalDataIn(history.events, personal)).toEqual([]);

  // The tandem topics the provisioning created at run time: encrypted, and refusing any use without TLS.
  const topics: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = cloud.sns.listTopics(nextToken);
    topics.push(...page.items.filter((arn) => /-tandem-T\d{3}$/.test(arn)));
    nextToken = page.nextToken;
  } while (nextToken);
  expect(topics.length).toBeGreaterThan(0);
  const unprotected = topics.filter((arn) => {
    const attributes = cloud.sns.getTopicAttributes(arn);
    const statements = (JSON.parse(attributes.Policy ?? '{}') as { Statement?: { Effect: string; Action: string; Condition?: { Bool?: Record<string, string> } }[] }).Statement ?? [];
    const tls = statements.some((s) => s.Effect === 'Deny' && s.Action === 'sns:*' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    return attributes.KmsMasterKeyId !== 'alias/aws/sns' || !tls;
  });
  expect(unprotected).toEqual([]);

  const count = (kind: string) => personal.filter((p) => p.kind === kind).length;
  recordProof({
    id: '8-no-personal-data',
    point: 8,
    promise: 'No phone number, email address or name of a person reaches a log line or an execution history',
    load: `the story (2 requests: reserved, escalated and sourced by the link), a special price approved by the link, an onboarding handed over by the link, a follow-up done from the app; ${count('phone')} phone numbers, ${count('email')} email addresses and ${count('name')} names searched for`,
    result: `0 of ${personal.length} personal values in ${lines.length} log lines of ${new Set(captured.map((l) => l.functionName)).size} functions and ${history.events.length} history events of ${history.executions} executions; ${topics.length} tandem topics encrypted (aws/sns) and denying sns:* without TLS`,
    figures: {
      personalValues: personal.length,
      phones: count('phone'),
      emails: count('email'),
      names: count('name'),
      logLines: lines.length,
      functionsLogging: new Set(captured.map((l) => l.functionName)).size,
      historyEvents: history.events.length,
      executions: history.executions,
      found: 0,
      tandemTopicsChecked: topics.length,
    },
  });
}, 300_000);

test('in the same run, with IAM enforced, every DynamoDB call of every function was allowed by its own role', () => {
  const calls = world.product.cloud.iam!.calls();
  const roleOf = (arn: string) => arn.split('/')[1] ?? arn;
  const denied = calls.filter((c) => !c.allowed).map((c) => `${roleOf(c.principalArn)}: ${c.action} on ${c.resource} (${c.leadingKeys?.join(', ') ?? ''}): ${c.reason}`);
  expect(denied).toEqual([]);
  const roles = new Set(calls.map((c) => roleOf(c.principalArn)));
  const pairs = new Set(calls.map((c) => `${roleOf(c.principalArn)} ${c.action}`));
  expect(roles.size).toBeGreaterThan(10);
  recordProof({
    id: '6-least-privilege-at-run-time',
    point: 6,
    promise: 'The grants suffice: with IAM enforced in the local cloud, no call of the full scenario run is denied',
    load: 'the same full scenario run as 8-no-personal-data, every function with its own execution role; every DynamoDB call evaluated against that role with dynamodb:LeadingKeys',
    result: `${calls.length} DynamoDB authorizations by ${roles.size} roles (${pairs.size} role × action pairs): all allowed, 0 denied`,
    figures: { authorizations: calls.length, roles: roles.size, roleActionPairs: pairs.size, denied: 0 },
  });
});
