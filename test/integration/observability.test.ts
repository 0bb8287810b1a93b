/**
 * What the handlers write to their logs in a small scenario, read from every
 * line the local Lambda runner captured: a reserved request, an escalated
 * request its inside manager declines through the link, an escalated request
 * nobody answers (its SLA breached), and a special-price request of the
 * customer lifecycle offered to its inside manager. Every line is structured JSON with the correlation id of its
 * case; the business metrics are EMF lines with the right names, dimensions
 * and values; no line holds a seed phone number, email address or name.
 * Customers 90–92 and test products 52–53 are this file's own.
 * Time runs at 1/100: the inside manager's 30 minutes last 18 s (room for
 * the link's answer on a loaded machine), the unanswered request ends after 36 s.
 */
import { STORY_SKUS } from '../../functions/seed/products';
import type { LambdaLogLine } from '../../local/runtime/lambda';
import { awaitCustomer, callApi } from '../support/customer-lifecycle-world';
import {
  awaitRequest,
  customerOfOwnTerritory,
  decide,
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
import { personalDataIn, personalDataOf } from '../support/personal-data';

let world: World;
const captured: LambdaLogLine[] = [];

beforeAll(async () => {
  // Passed through startWorld to the product cloud (test/support/product-cloud.ts): every handler's line comes here.
  const options = { timeScale: 0.01, lambdaLog: (line: LambdaLogLine) => void captured.push(line) };
  world = await startWorld(options);
});

afterAll(async () => {
  await world?.stop();
});

type JsonLine = Record<string, unknown> & { correlation_id?: unknown; service?: unknown; _aws?: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } };

const parsed = (line: LambdaLogLine): JsonLine | undefined => {
  try {
    const value: unknown = JSON.parse(line.message);
    return typeof value === 'object' && value !== null ? (value as JsonLine) : undefined;
  } catch {
    return undefined;
  }
};

/** The EMF lines of one case: `{ metric: value }` summed over its lines, with each line's dimension sets. */
function metricsOf(caseId: string): { values: Record<string, number>; dimensions: string[] } {
  const values: Record<string, number> = {};
  const dimensions = new Set<string>();
  for (const line of captured.map(parsed)) {
    if (!line?._aws || line.correlation_id !== caseId) continue;
    for (const block of line._aws.CloudWatchMetrics) {
      expect(block.Namespace).toBe('Tandem360');
      for (const { Name } of block.Metrics) {
        values[Name] = (values[Name] ?? 0) + Number(line[Name]);
        dimensions.add(`${Name}: ${block.Dimensions.map((set) => set.map((d) => `${d}=${String(line[d])}`).join(',')).join(' | ')}`);
      }
    }
  }
  return { values, dimensions: [...dimensions].sort() };
}

test('every log line of a scenario is JSON with the correlation id of its case; metrics as EMF; no phone number, email or name in any line', async () => {
  const [reservedFor, declinedFor, unansweredFor] = await Promise.all([90, 91, 92].map((n) => customerOfOwnTerritory(world, n)));
  const inStock = testProduct(world, 52);
  const missing = testProduct(world, 53);
  await setStock(world, [{ storeId: reservedFor!.homeStoreId, sku: inStock.sku, available: 20 }]);
  const request = (requestId: string, customerId: string, line: { sku: string; quantity: number; unit: string }) =>
    submit(world, { requestId, customerId, lines: [line], neededBy: hoursFromNow(24), fulfilment: 'pickup' });

  // 1. reserved at the home store; 2. nothing anywhere, declined by the inside manager's link; 3. nothing, nobody answers.
  const answers = await Promise.all([
    request('obs-reserved', reservedFor!.customerId, inStock.line(4)),
    request('obs-declined', declinedFor!.customerId, missing.line(3)),
    request('obs-unanswered', unansweredFor!.customerId, missing.line(2)),
  ]);
  expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
  const inside = tandemOf(world, declinedFor!.territoryId).insideManager;
  const ref = await eventually(() => latestDecisionRef(world, inside), { timeoutMs: 30_000, intervalMs: 50 });
  expect((await decide(world, ref, { outcome: 'declined', reason: 'not in the range' })).status).toBe(200);

  // A special price of the lifecycle (the story's tuna, under the volume tier's price): offered to the inside manager.
  const priceRequest = await callApi(world, 'POST', '/price-requests', {
    priceRequestId: 'obs-price',
    customerId: reservedFor!.customerId,
    sku: STORY_SKUS.tuna,
    weeklyVolume: { min: 10, max: 12 },
    unit: 'kg',
    proposedPrice: 39.5,
    requestedBy: tandemOf(world, reservedFor!.territoryId).fieldManager.personId,
  });
  expect(priceRequest.status).toBe(201);

  const [reserved, declined, unanswered] = await Promise.all([
    awaitRequest(world, 'obs-reserved', ['RESERVED'], 'NotifyTandem'),
    awaitRequest(world, 'obs-declined', ['UNFULFILLED'], 'NotifyTandem'),
    awaitRequest(world, 'obs-unanswered', ['UNFULFILLED'], 'NotifyTandem'),
    awaitCustomer(world, reservedFor!.customerId, (view) => view.timeline.some((e) => e.caseId === 'obs-price' && e.step === 'TaskOffered')),
  ]);
  expect([reserved.request.status, declined.decisions.map((d) => d.outcome), unanswered.decisions]).toEqual(['RESERVED', ['declined'], []]);
  // The last notifications' metric lines are written when their step ends, just after the status is readable.
  await eventually(() => (metricsOf('obs-unanswered').values.NotificationsSent ?? 0) > 0 || undefined, { timeoutMs: 10_000, intervalMs: 100 });

  // Every line a handler wrote: JSON, with a correlation id.
  const lines = captured.map((line) => ({ line, json: parsed(line) }));
  expect(lines.length).toBeGreaterThan(50);
  expect(lines.filter(({ json }) => json === undefined).map(({ line }) => `${line.functionName}: ${line.message}`)).toEqual([]);
  expect(lines.filter(({ json }) => typeof json?.correlation_id !== 'string' || json.correlation_id === '').map(({ line }) => `${line.functionName}: ${line.message}`)).toEqual([]);

  // The correlation id is the case's: the customer requests' and the price request's (its steps' too); the tandems' territories for the directory's stream.
  const idsOf = (service: string) => new Set(lines.filter(({ json }) => json?.service === service).map(({ json }) => String(json!.correlation_id)));
  expect([...idsOf('customer-request')].sort()).toEqual(['obs-declined', 'obs-reserved', 'obs-unanswered']);
  // (GET /customers/{id}, polled above, is correlated by the customer's id, but logs nothing when it answers.)
  expect([...idsOf('customer-lifecycle')].filter((id) => id !== reservedFor!.customerId)).toEqual(['obs-price']);
  // The price task's notifications were sent by its workflow step, correlated by the case the workflow named.
  expect(metricsOf('obs-price').values.NotificationsSent).toBeGreaterThan(0);
  for (const id of idsOf('notifications')) expect(id).toMatch(/^T\d{3}(\+T\d{3})*$/);

  // The business metrics, each counted once, with the stage (and the channel) as dimensions.
  const reservedMetrics = metricsOf('obs-reserved');
  expect(reservedMetrics.values).toMatchObject({ RequestsReceived: 1, RequestsReserved: 1 });
  expect(reservedMetrics.values).not.toHaveProperty('RequestsEscalated');
  expect(reservedMetrics.values).not.toHaveProperty('SlaBreaches');
  expect(reservedMetrics.values.TimeToResolution).toBeGreaterThanOrEqual(0);
  expect(reservedMetrics.dimensions).toEqual(
    expect.arrayContaining(['RequestsReceived: Stage=dev', 'RequestsReserved: Stage=dev', 'TimeToResolution: Stage=dev', 'NotificationsSent: Stage=dev,Channel=sms']),
  );
  const declinedMetrics = metricsOf('obs-declined').values;
  expect(declinedMetrics).toMatchObject({ RequestsReceived: 1, RequestsEscalated: 1, RequestsUnfulfilled: 1 });
  expect(declinedMetrics.DecisionResponseTime).toBeGreaterThanOrEqual(0);
  expect(declinedMetrics).not.toHaveProperty('SlaBreaches');
  expect(metricsOf('obs-unanswered').values).toMatchObject({ RequestsReceived: 1, RequestsEscalated: 1, RequestsUnfulfilled: 1, SlaBreaches: 1 });
  expect(metricsOf('obs-unanswered').values).not.toHaveProperty('DecisionResponseTime');

  // No personal data: none of the seed's phone numbers, email addresses or names appears in any line.
  const personal = personalDataOf(world.seed);
  expect(personal.length).toBeGreaterThan(800);
  expect(personalDataIn(captured.map((line) => line.message), personal)).toEqual([]);
}, 240_000);
