/**
 * Issue 5 end to end in the local cloud: the directory's admin API, the
 * provisioning it drives (a topic per tandem, a filtered email subscription
 * per person), and the delivery rules the notifier applies — quiet hours,
 * deputies, opt-out — through real workflow runs. Customers and products of
 * the range 40–49 (test/support/customer-request-world.ts).
 */
import { ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Person, Tandem } from '../../functions/domain/model';
import { TandemProvisioner } from '../../functions/notifications/provisioning/tandem-provisioner';
import { tandemTopicArn } from '../../functions/notifications/tandem-topics';
import { countTandemResources, SNS_QUOTAS } from '../../local/demo/tandem-provisioning';
import { LOCAL_AWS } from '../../local/runtime/contracts';
import { startHttpServer, type LocalHttpServer } from '../../local/runtime/http/server';
import { LocalSns } from '../../local/runtime/sns/local-sns';
import { createSnsEndpoint } from '../../local/runtime/sns/sns-endpoint';
import {
  awaitRequest,
  customerOfOwnTerritory,
  decide,
  deliveriesTo,
  hoursFromNow,
  latestDecisionRef,
  setStock,
  startWorld,
  submit,
  tandemOf,
  testProduct,
  type World,
} from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { signedFetch } from '../support/signed-fetch';

let world: World;
const changed = new Map<string, Tandem>();

beforeAll(async () => {
  // 1/100: a quiet hour that ends in 2 minutes ends in about a second.
  world = await startWorld({ timeScale: 0.01 });
});

afterAll(async () => {
  // Put back what the tests changed: other files read the seeded directory.
  for (const original of changed.values()) await putTandem(original.territoryId, { fieldManager: original.fieldManager, insideManager: original.insideManager });
  await world?.stop();
});

const topicPrefix = (): string => world.product.cloud.model.functions.find((f) => f.environment.TANDEM_TOPIC_ARN_PREFIX)!.environment.TANDEM_TOPIC_ARN_PREFIX!;

async function putTandem(territoryId: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}/tandems/${territoryId}`), { method: 'PUT', body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function getTandem(territoryId: string): Promise<{ tandem: Tandem; provisioning: { status: string; changes?: string[]; subscriptions?: { personId: string; status: string }[] } }> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}/tandems/${territoryId}`), { method: 'GET' });
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

async function provisionNow(territoryId: string): Promise<{ status: string; changes: string[]; subscriptions: { personId: string; status: string }[] }> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}/tandems/${territoryId}/provisioning`), { method: 'POST', body: '{}' });
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}

/** Changes a tandem through the admin API (remembering the original) and waits for the stream's provisioning. */
async function changeTandem(tandem: Tandem, change: (t: Tandem) => Pick<Tandem, 'fieldManager' | 'insideManager'>): Promise<Tandem> {
  if (!changed.has(tandem.territoryId)) changed.set(tandem.territoryId, tandem);
  const next = change(tandem);
  const answer = await putTandem(tandem.territoryId, next);
  expect(answer.status).toBe(200);
  await world.product.cloud.streams.idle();
  return { territoryId: tandem.territoryId, ...next };
}

async function subscriptionsOf(territoryId: string): Promise<{ endpoint: string; arn: string }[]> {
  const sns = new SNSClient({ endpoint: world.product.cloud.awsEndpoint, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials });
  try {
    const out = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: tandemTopicArn(topicPrefix(), territoryId) }));
    return (out.Subscriptions ?? []).map((s) => ({ endpoint: s.Endpoint ?? '', arn: s.SubscriptionArn ?? '' })).sort((a, b) => a.endpoint.localeCompare(b.endpoint));
  } finally {
    sns.destroy();
  }
}

/** `HH:MM` in Berlin, `minutes` from now. */
function berlinClock(minutes: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + minutes * 60_000));
}
const berlinDate = (days: number): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() + days * 86_400_000));

describe('directory → provisioning', () => {
  test('every seeded tandem has its own topic with one filtered email subscription per person who wants email, within the SNS quotas', async () => {
    const seeded = world.seed.tandems;
    const records = await (await import('../../local/demo/tandem-provisioning')).awaitTandemsProvisioned(world.product.cloud, seeded.map((t) => t.territoryId));
    expect(records).toHaveLength(400);
    const report = await countTandemResources(world.product.cloud, topicPrefix());
    const wantEmail = seeded.flatMap((t) => [t.fieldManager, t.insideManager]).filter((p) => p.channels.includes('email')).length;
    expect(report.topics).toBe(400);
    expect(report.subscriptions).toBe(wantEmail);
    expect(report.maxFilterPoliciesPerTopic).toBe(2);
    expect(report.maxFilterPoliciesPerTopic).toBeLessThanOrEqual(SNS_QUOTAS.filterPoliciesPerTopic);
    expect(report.topics).toBeLessThanOrEqual(SNS_QUOTAS.topicsPerAccount);
  });

  test('a changed address is subscribed and the old one removed; a person dropping email loses the subscription; a replaced person takes over; running it again changes nothing', async () => {
    const customer = await customerOfOwnTerritory(world, 40);
    const tandem = tandemOf(world, customer.territoryId);
    const field = { ...tandem.fieldManager, email: `moved.${tandem.fieldManager.personId.toLowerCase()}@example.com`, channels: ['sms', 'email'] as Person['channels'] };
    await changeTandem(tandem, (t) => ({ fieldManager: field, insideManager: t.insideManager }));
    await eventually(async () => ((await getTandem(tandem.territoryId)).provisioning.changes?.includes(`subscribe ${field.personId}`) ? true : undefined));
    const endpoints = (await subscriptionsOf(tandem.territoryId)).map((s) => s.endpoint);
    expect(endpoints).toContain(field.email);
    expect(endpoints).not.toContain(tandem.fieldManager.email);

    // Email dropped as a channel: the subscription goes.
    await changeTandem(tandem, (t) => ({ fieldManager: { ...field, channels: ['sms'] }, insideManager: t.insideManager }));
    expect((await subscriptionsOf(tandem.territoryId)).map((s) => s.endpoint)).not.toContain(field.email);

    // The inside manager leaves; a new person (not in any tandem) takes the role.
    const newcomer: Person = { personId: 'P0941', name: 'Nora Neumann', mobile: '+494066969941', email: 'nora.neumann.941@example.com', language: 'en', channels: ['sms', 'email'] };
    await changeTandem(tandem, () => ({ fieldManager: { ...field, channels: ['sms'] }, insideManager: newcomer }));
    const after = await getTandem(tandem.territoryId);
    expect(after.tandem.insideManager.personId).toBe('P0941');
    expect((await subscriptionsOf(tandem.territoryId)).map((s) => s.endpoint)).toEqual([newcomer.email]);
    expect(after.provisioning.subscriptions?.map((s) => `${s.personId}:${s.status}`)).toEqual(['P0941:confirmed']);

    // Idempotent: a second run makes no change, and no new confirmation email goes out.
    const outboxBefore = world.product.cloud.sns.outbox().length;
    expect((await provisionNow(tandem.territoryId)).changes).toEqual([]);
    expect((await provisionNow(tandem.territoryId)).changes).toEqual([]);
    expect(world.product.cloud.sns.outbox().length).toBe(outboxBefore);
    expect((await subscriptionsOf(tandem.territoryId)).map((s) => s.endpoint)).toEqual([newcomer.email]);
  });

  test('an email subscription stays pending until the person confirms it; provisioning then records it confirmed', async () => {
    await withSns('by-link', async (sns, provisioner) => {
      const tandem = tandemOf(world, (await customerOfOwnTerritory(world, 41)).territoryId);
      const first = await provisioner.provision(tandem.territoryId);
      expect(first.subscriptions.map((s) => s.status)).toEqual(first.subscriptions.map(() => 'pending'));
      expect(first.subscriptions.length).toBeGreaterThan(0);
      // A pending subscription gets nothing: the first run subscribed, the second only reads.
      expect((await provisioner.provision(tandem.territoryId)).changes).toEqual([]);
      expect(sns.confirmPending()).toBe(first.subscriptions.length);
      const confirmed = await provisioner.provision(tandem.territoryId);
      expect(confirmed.subscriptions.map((s) => s.status)).toEqual(first.subscriptions.map(() => 'confirmed'));
      expect(confirmed.changes).toEqual([]);
    });
  });

  test('a failure leaves a FAILED record with the error; running it again completes the tandem', async () => {
    let failSubscribe = true;
    await withSns('immediately', async (_sns, provisioner) => {
      const tandem = tandemOf(world, (await customerOfOwnTerritory(world, 42)).territoryId);
      await expect(provisioner.provision(tandem.territoryId)).rejects.toThrow();
      const failed = await provisioner.record(tandem.territoryId);
      expect(failed).toMatchObject({ status: 'FAILED', failures: 1 });
      expect(failed?.error).toContain('Throttled');
      failSubscribe = false;
      const retried = await provisioner.provision(tandem.territoryId);
      expect(retried).toMatchObject({ status: 'PROVISIONED', failures: 0 });
      expect(retried.subscriptions.every((s) => s.status === 'confirmed')).toBe(true);
    }, (action) => failSubscribe && action === 'Subscribe');
  });
});

describe('directory: bad input', () => {
  const cases: [string, (t: Tandem) => unknown, string][] = [
    ['a phone number that is not E.164', (t) => ({ ...t, territoryId: undefined, fieldManager: { ...t.fieldManager, mobile: '0171 1234567' } }), 'fieldManager.mobile'],
    ['an email that is not an address', (t) => ({ fieldManager: t.fieldManager, insideManager: { ...t.insideManager, email: 'not-an-address' } }), 'insideManager.email'],
    ['an unknown language', (t) => ({ fieldManager: { ...t.fieldManager, language: 'fr' }, insideManager: t.insideManager }), 'fieldManager.language'],
    [
      'overlapping absences',
      (t) => ({
        fieldManager: { ...t.fieldManager, absences: [{ from: '2026-12-20', to: '2026-12-31', deputyId: t.insideManager.personId }, { from: '2026-12-28', to: '2027-01-06', deputyId: t.insideManager.personId }] },
        insideManager: t.insideManager,
      }),
      'fieldManager.absences.1.from',
    ],
    ['a deputy outside the tandems', (t) => ({ fieldManager: t.fieldManager, insideManager: { ...t.insideManager, absences: [{ from: '2026-12-20', to: '2026-12-31', deputyId: 'P9999' }] } }), 'insideManager.absences.0.deputyId'],
    ['quiet hours that are no time', (t) => ({ fieldManager: { ...t.fieldManager, quietHours: { from: '25:00', to: '07:00', timeZone: 'Europe/Berlin' } }, insideManager: t.insideManager }), 'fieldManager.quietHours.from'],
    ['a person already in another tandem', (t) => ({ fieldManager: t.fieldManager, insideManager: world.seed.tandems.find((o) => o.territoryId !== t.territoryId)!.insideManager }), 'insideManager.personId'],
  ];

  test.each(cases)('%s: 400 naming the field, and the directory keeps its previous state', async (_name, body, field) => {
    const tandem = tandemOf(world, (await customerOfOwnTerritory(world, 44)).territoryId);
    const before = await getTandem(tandem.territoryId);
    const answer = await putTandem(tandem.territoryId, body(tandem));
    expect(answer.status).toBe(400);
    expect((answer.body.problems as { field: string }[]).map((p) => p.field)).toContain(field);
    expect(String(answer.body.message)).toContain(field);
    expect((await getTandem(tandem.territoryId)).tandem).toEqual(before.tandem);
  });
});

describe('delivery rules in workflow runs', () => {
  test('quiet hours: an informational SMS waits for their end while the email goes at once; an urgent SMS goes at night', async () => {
    const customer = await customerOfOwnTerritory(world, 45);
    const original = tandemOf(world, customer.territoryId);
    // Quiet hours for both partners from a minute ago until ten minutes from now (Berlin time).
    const quietHours = { from: berlinClock(-1), to: berlinClock(10), timeZone: 'Europe/Berlin' };
    const tandem = await changeTandem(original, (t) => ({
      fieldManager: { ...t.fieldManager, channels: ['sms', 'email'], quietHours },
      insideManager: { ...t.insideManager, channels: ['sms', 'email'], quietHours },
    }));
    const product = testProduct(world, 45);
    await setStock(world, [{ storeId: customer.homeStoreId, sku: product.sku, available: 20 }]);
    expect((await submit(world, { requestId: 'quiet-reserved-1', customerId: customer.customerId, lines: [product.line(5)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);

    const notified = await awaitRequest(world, 'quiet-reserved-1', ['RESERVED'], 'NotifyTandem');
    const byChannel = (channel: string) => notified.notifications.filter((n) => n.channel === channel).map((n) => n.status);
    expect(byChannel('email')).toEqual(['SENT', 'SENT']);
    expect(byChannel('sms')).toEqual(['HELD', 'HELD']);
    expect(deliveriesTo(world, tandem.insideManager).filter((d) => d.channel === 'sms')).toEqual([]);

    // Morning comes (the functions read the real clock, so the test moves the quiet hours into the past
    // while the workflow waits its compressed ten minutes): the workflow sends what it held, once.
    const morning = { from: berlinClock(-180), to: berlinClock(-120), timeZone: 'Europe/Berlin' };
    await changeTandem(tandem, (t) => ({ fieldManager: { ...t.fieldManager, quietHours: morning }, insideManager: { ...t.insideManager, quietHours: morning } }));
    const sent = await eventually(async () => {
      const view = (await awaitRequest(world, 'quiet-reserved-1', ['RESERVED'])).notifications;
      return view.filter((n) => n.channel === 'sms').every((n) => n.status === 'SENT') ? view : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
    expect(sent.filter((n) => n.channel === 'sms')).toHaveLength(2);
    expect(deliveriesTo(world, tandem.insideManager).filter((d) => d.channel === 'sms')).toHaveLength(1);
    expect(deliveriesTo(world, tandem.fieldManager).filter((d) => d.channel === 'sms')).toHaveLength(1);

    // Urgent: a decision is needed, during new quiet hours — the SMS with the link goes at once.
    await changeTandem(tandem, (t) => ({
      fieldManager: { ...t.fieldManager, quietHours: { from: berlinClock(-1), to: berlinClock(60), timeZone: 'Europe/Berlin' } },
      insideManager: { ...t.insideManager, quietHours: { from: berlinClock(-1), to: berlinClock(60), timeZone: 'Europe/Berlin' } },
    }));
    const missing = testProduct(world, 46);
    expect((await submit(world, { requestId: 'quiet-urgent-1', customerId: customer.customerId, lines: [missing.line(3)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);
    const escalated = await awaitRequest(world, 'quiet-urgent-1', ['ESCALATED'], 'AskDecision');
    expect(escalated.notifications.filter((n) => n.kind === 'decisionNeeded').map((n) => `${n.channel}:${n.status}`).sort()).toEqual(['email:SENT', 'sms:SENT']);
    expect(latestDecisionRef(world, tandem.insideManager)).toBeDefined();
    await decide(world, latestDecisionRef(world, tandem.insideManager)!, { outcome: 'declined', reason: 'test over' });
  });

  test('absence: the deputy (of another tandem) gets the decision task and their link decides; an opted-out person gets no SMS', async () => {
    const customer = await customerOfOwnTerritory(world, 47);
    const original = tandemOf(world, customer.territoryId);
    const deputy = tandemOf(world, (await customerOfOwnTerritory(world, 48)).territoryId).fieldManager;
    const tandem = await changeTandem(original, (t) => ({
      fieldManager: { ...t.fieldManager, channels: ['sms', 'email'], smsOptedOut: true },
      insideManager: { ...t.insideManager, absences: [{ from: berlinDate(-1), to: berlinDate(2), deputyId: deputy.personId }] },
    }));
    const product = testProduct(world, 47);
    expect((await submit(world, { requestId: 'deputy-1', customerId: customer.customerId, lines: [product.line(2)], neededBy: hoursFromNow(30), fulfilment: 'pickup' })).status).toBe(202);
    const escalated = await awaitRequest(world, 'deputy-1', ['ESCALATED'], 'AskDecision');
    expect(escalated.timeline.find((e) => e.step === 'AskDecision')!.detail).toMatchObject({ holderId: deputy.personId });
    expect(deliveriesTo(world, tandem.insideManager)).toEqual([]);
    const ref = latestDecisionRef(world, deputy);
    expect(ref).toBeDefined();

    const decided = await decide(world, ref!, { outcome: 'declined', reason: 'no supplier before Christmas' });
    expect(decided).toMatchObject({ status: 200, body: { decidedBy: deputy.personId } });
    const done = await awaitRequest(world, 'deputy-1', ['UNFULFILLED'], 'NotifyTandem');
    // The field manager opted out of SMS in the directory: suppressed with the reason, email sent; nothing reached the number.
    const field = done.notifications.filter((n) => n.personId === tandem.fieldManager.personId && n.kind === 'unfulfilled');
    expect(field.map((n) => `${n.channel}:${n.status}`).sort()).toEqual(['email:SENT', 'sms:SUPPRESSED']);
    expect(deliveriesTo(world, tandem.fieldManager).filter((d) => d.channel === 'sms')).toEqual([]);
    // The deputy was told the outcome in the absent inside manager's place.
    expect(done.notifications.some((n) => n.personId === deputy.personId && n.kind === 'unfulfilled')).toBe(true);
  });
});

/** Runs the provisioner in-process against a separate local SNS (optionally failing some actions), on the world's table. */
async function withSns(
  mode: 'immediately' | 'by-link',
  run: (sns: LocalSns, provisioner: TandemProvisioner) => Promise<void>,
  fail: (action: string) => boolean = () => false,
): Promise<void> {
  const sns = new LocalSns({ confirmSubscriptions: mode });
  const endpoint = createSnsEndpoint(sns);
  const server: LocalHttpServer = await startHttpServer([
    async (request) => {
      const action = new URLSearchParams(request.body.toString('utf8')).get('Action') ?? '';
      if (fail(action)) {
        return { statusCode: 400, headers: { 'content-type': 'text/xml' }, body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded</Message></Error><RequestId>x</RequestId></ErrorResponse>' };
      }
      return endpoint(request);
    },
  ]);
  const sdk = new SNSClient({ endpoint: server.url, region: LOCAL_AWS.region, credentials: LOCAL_AWS.credentials, maxAttempts: 1 });
  try {
    await run(sns, new TandemProvisioner(world.ctx, sdk, topicPrefix()));
  } finally {
    sdk.destroy();
    await server.close();
  }
}
