/**
 * Issue 8, point 1 — exactly once under duplicates. A store system that
 * retries sends the same request many times at once: POST /requests registers
 * it once (conditional put with the body's fingerprint) and starts one
 * execution named after the request id, so there is one hold, one set of
 * notifications and one outcome, and every caller gets the same answer. The
 * same id with another body is a 409, and nothing changes.
 *
 * What may differ between the answers: the body's `status` is the request's
 * status when that answer was given (RECEIVED, or a later one when the
 * workflow ran ahead of a slow duplicate). Everything else — status code,
 * requestId, statusUrl, Location — is the same for every caller.
 */
import { REQUEST_STATUSES } from '../../functions/domain/model';
import { DynamoRequestRepository } from '../../functions/repository/request-repository';
import { DynamoStockRepository } from '../../functions/repository/stock-repository';
import {
  awaitRequest,
  customerOfOwnTerritory,
  deliveriesTo,
  hoursFromNow,
  setStock,
  startWorld,
  stateMachineOf,
  tandemOf,
  type RequestView,
  type World,
} from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { proofSize, recordProof } from '../support/proof';
import { signedFetch } from '../support/signed-fetch';

const DUPLICATES = proofSize({ test: 50, report: 200 });
const REQUEST_ID = 'px-dup-1';
const QUANTITY = 6;

let world: World;

beforeAll(async () => {
  world = await startWorld({ timeScale: 0.01 });
});

afterAll(async () => {
  await world?.stop();
});

interface Answer {
  readonly status: number;
  readonly location: string | null;
  readonly body: Record<string, unknown>;
}

async function post(body: unknown): Promise<Answer> {
  const response = await signedFetch(new URL(`${world.product.storeApiUrl}/requests`), { method: 'POST', body: JSON.stringify(body) });
  return { status: response.status, location: response.headers.get('location'), body: (await response.json()) as Record<string, unknown> };
}

/** The executions of the CustomerRequest workflow, every page. */
function executions(): { name: string; status: string }[] {
  const engine = world.product.cloud.stepFunctions;
  const { arn } = stateMachineOf(world);
  const all: { name: string; status: string }[] = [];
  let nextToken: string | undefined;
  do {
    const page = engine.listExecutions(arn, undefined, 1000, nextToken);
    all.push(...(page.executions ?? []).map((e) => ({ name: e.name ?? '', status: e.status ?? '' })));
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** Everything a duplicate could change: the request's partition (request, holds, notifications, events), the stock, the executions, the outbox. */
async function snapshot(sku: string, storeId: string) {
  return {
    partition: await new DynamoRequestRepository(world.ctx).requestPartition(REQUEST_ID),
    stock: await new DynamoStockRepository(world.ctx).stockAcross(sku, [storeId]),
    executions: executions(),
    outbox: world.product.cloud.sns.outbox().map((r) => ({ endpoint: r.endpoint, channel: r.channel, body: r.body })),
  };
}

/** What the first test found, for the figure the second records. */
const found: { answers?: Answer[]; view?: RequestView; seconds?: number; statuses?: Record<string, number> } = {};

describe(`exactly once under duplicates (${DUPLICATES} concurrent identical submissions)`, () => {
  let body: { requestId: string; customerId: string; lines: { sku: string; quantity: number; unit: string }[]; neededBy: string; fulfilment: string };
  let sku: string;
  let homeStoreId: string;

  beforeAll(async () => {
    const customer = await customerOfOwnTerritory(world, 200);
    const product = world.seed.products[12]!;
    sku = product.sku;
    homeStoreId = customer.homeStoreId;
    await setStock(world, [{ storeId: homeStoreId, sku, available: 30 }]);
    body = { requestId: REQUEST_ID, customerId: customer.customerId, lines: [{ sku, quantity: QUANTITY, unit: product.unit }], neededBy: hoursFromNow(40), fulfilment: 'pickup' };
  });

  test(`${DUPLICATES} concurrent identical submissions: one execution, one hold, one notification per person, channel and kind, one outcome; every caller gets the same answer`, async () => {
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: DUPLICATES }, () => post(body)));
    const statusUrl = `${world.product.storeApiUrl}/requests/${REQUEST_ID}`;
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      const { status, ...rest } = answer.body;
      expect(rest).toEqual({ requestId: REQUEST_ID, statusUrl });
      expect(REQUEST_STATUSES).toContain(status);
      expect(answer.location).toBe(statusUrl);
    }

    const view = await awaitRequest(world, REQUEST_ID, ['RESERVED'], 'NotifyTandem');
    const tandem = tandemOf(world, view.request.territoryId!);
    // NotifyTandem's audit event comes after its messages; wait until every one is marked sent.
    const settled = await eventually(async () => {
      const latest = await awaitRequest(world, REQUEST_ID, ['RESERVED'], 'NotifyTandem');
      return latest.notifications.length >= 4 && latest.notifications.every((n) => n.status === 'SENT') ? latest : undefined;
    });

    expect(executions().filter((e) => e.name.startsWith('req-'))).toEqual([{ name: `req-${REQUEST_ID}`, status: 'RUNNING' }]);
    expect(settled.reservations).toEqual([expect.objectContaining({ hold: 'initial', storeId: homeStoreId, status: 'HELD', lines: [{ sku, quantity: QUANTITY }] })]);
    expect(await new DynamoStockRepository(world.ctx).stockAcross(sku, [homeStoreId])).toEqual([expect.objectContaining({ available: 30, reserved: QUANTITY })]);
    // One notification per person, channel and kind: both partners, SMS and email, "reserved".
    expect(settled.notifications.map((n) => `${n.personId}:${n.channel}:${n.kind}`).sort()).toEqual(
      [tandem.fieldManager.personId, tandem.insideManager.personId].flatMap((p) => [`${p}:email:reserved`, `${p}:sms:reserved`]).sort(),
    );
    expect(deliveriesTo(world, tandem.insideManager).map((d) => d.channel).sort()).toEqual(['email', 'sms']);
    expect(deliveriesTo(world, tandem.fieldManager).map((d) => d.channel).sort()).toEqual(['email', 'sms']);
    const steps = settled.timeline.map((e) => e.step);
    expect(steps.filter((s) => s === 'Received')).toHaveLength(1);
    expect(steps.filter((s) => s === 'Outcome')).toHaveLength(1);
    expect(settled.timeline.find((e) => e.step === 'Outcome')!.detail).toMatchObject({ status: 'RESERVED' });

    found.answers = answers;
    found.view = settled;
    found.seconds = (Date.now() - started) / 1000;
    found.statuses = answers.reduce<Record<string, number>>((counts, a) => ({ ...counts, [String(a.body.status)]: (counts[String(a.body.status)] ?? 0) + 1 }), {});
  });

  test('afterwards a sequential repeat gets the same answer and a different body under the same id is a 409 naming the conflict; neither changes anything', async () => {
    const before = await snapshot(sku, homeStoreId);

    // The same request again, keys in another order: the fingerprint is of what it means, not how it is written.
    const { requestId, ...others } = body;
    const repeat = await post({ ...others, requestId });
    expect(repeat.status).toBe(202);
    expect(repeat.body).toEqual({ requestId: REQUEST_ID, status: 'RESERVED', statusUrl: `${world.product.storeApiUrl}/requests/${REQUEST_ID}` });

    const conflict = await post({ ...body, lines: body.lines.map((l) => ({ ...l, quantity: QUANTITY + 1 })) });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error).toBe('Conflict');
    expect(conflict.body.message).toContain(`request ${REQUEST_ID} was already submitted with a different body`);

    expect(await snapshot(sku, homeStoreId)).toEqual(before);

    const view = found.view;
    if (!view || !found.answers) throw new Error('the duplicate submissions did not complete; see the test above');
    const notifications = view.notifications.length;
    recordProof({
      id: '1-exactly-once',
      point: 1,
      promise: `${DUPLICATES} concurrent identical submissions of one request start one execution, hold once, notify once, conclude once, and all get the same answer; the same id with a different body is a 409 and changes nothing`,
      load: `${DUPLICATES} concurrent identical POST /requests (one request, stock available), then a sequential repeat and a conflicting body`,
      result: `${DUPLICATES}/${DUPLICATES} answered 202 with the same requestId and statusUrl; 1 execution, 1 hold, ${notifications} notifications (2 people × 2 channels × 1 kind), 1 outcome (RESERVED); conflict 409, request, holds, stock, executions and outbox unchanged`,
      figures: {
        submissions: DUPLICATES,
        answers202: found.answers.filter((a) => a.status === 202).length,
        answerStatuses: Object.entries(found.statuses ?? {}).map(([status, n]) => `${status}:${n}`).join(' '),
        executions: executions().filter((e) => e.name === `req-${REQUEST_ID}`).length,
        holds: view.reservations.length,
        unitsHeld: view.reservations.reduce((sum, r) => sum + r.lines.reduce((s, l) => s + l.quantity, 0), 0),
        notifications,
        outcomes: view.timeline.filter((e) => e.step === 'Outcome').length,
        conflictStatus: conflict.status,
        durationSeconds: Number((found.seconds ?? 0).toFixed(1)),
      },
    });
  });
});
