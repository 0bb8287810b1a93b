/**
 * The CustomerRequest workflow when DynamoDB fails mid-flow, through a
 * fault-injecting proxy in front of DynamoDB Local: a short outage is retried
 * away (one reservation, one set of notifications); a lasting one ends FAILED
 * with the reason recorded and ops alerted. A territory without a complete
 * tandem is an explicit failure, not a crash.
 */
import { batchPutAll } from '../../functions/repository/document-client';
import { tandemItem } from '../../functions/repository/table-layout';
import { startFaultyDynamoDb, type FaultyDynamoDb } from '../support/faulty-dynamodb';
import {
  awaitRequest,
  customerOfOwnTerritory,
  executionSummary,
  hoursFromNow,
  setStock,
  startWorld,
  submit,
  stateMachineOf,
  tandemOf,
  testProduct,
  type World,
} from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { testEnv } from '../support/test-env';

const OPS_EMAIL = 'ops@example.com';
let world: World;
let faulty: FaultyDynamoDb;

beforeAll(async () => {
  faulty = await startFaultyDynamoDb(testEnv('dynamoDbEndpoint'));
  world = await startWorld({ timeScale: 0.0005, dynamoDbEndpoint: faulty.endpoint });
  world.product.cloud.sns.subscribe(world.opsTopicArn, 'email', OPS_EMAIL);
});

afterAll(async () => {
  await world?.stop();
  await faulty?.stop();
});

const opsAlerts = () => world.product.cloud.sns.outbox({ channel: 'email', endpoint: OPS_EMAIL }).filter((r) => r.subject?.includes('failed'));

test('a DynamoDB outage while reserving is retried: the request is RESERVED once, with one set of notifications', async () => {
  const customer = await customerOfOwnTerritory(world, 30);
  const product = testProduct(world, 30);
  await setStock(world, [{ storeId: customer.homeStoreId, sku: product.sku, available: 9 }]);
  // Four failed transactions outlast the SDK's own three attempts, so the workflow's retry has to step in.
  const outage = faulty.inject({ operation: 'TransactWriteItems', bodyIncludes: ['fl-blip-1', 'RESERVATION#initial'], times: 4 });
  expect((await submit(world, { requestId: 'fl-blip-1', customerId: customer.customerId, lines: [product.line(3)], neededBy: hoursFromNow(48), fulfilment: 'pickup' })).status).toBe(202);

  const view = await awaitRequest(world, 'fl-blip-1', ['RESERVED'], 'NotifyTandem');
  expect(outage.times).toBe(0);
  expect(view.reservations).toHaveLength(1);
  expect(view.notifications.filter((n) => n.kind === 'reserved')).toHaveLength(4);
  expect(executionSummary(world, 'fl-blip-1')).toMatch(/^RUNNING/); // waiting for the hold to lapse
  const history = world.product.cloud.stepFunctions.getExecutionHistory(
    world.product.cloud.stepFunctions.listExecutions(stateMachineOf(world).arn).executions!.find((e) => e.name === 'req-fl-blip-1')!.executionArn!,
  ).events!;
  expect(history.some((e) => e.type === 'LambdaFunctionFailed' || e.type === 'TaskFailed')).toBe(true);
  expect(opsAlerts().some((a) => a.body.includes('fl-blip-1'))).toBe(false);
});

test('a DynamoDB outage that outlasts every retry ends FAILED with the reason recorded, and ops are alerted', async () => {
  const customer = await customerOfOwnTerritory(world, 31);
  const product = testProduct(world, 31);
  await setStock(world, [{ storeId: customer.homeStoreId, sku: product.sku, available: 9 }]);
  faulty.inject({ operation: 'TransactWriteItems', bodyIncludes: ['fl-down-1', 'RESERVATION#initial'], times: Number.POSITIVE_INFINITY });
  expect((await submit(world, { requestId: 'fl-down-1', customerId: customer.customerId, lines: [product.line(3)], neededBy: hoursFromNow(48), fulfilment: 'pickup' })).status).toBe(202);

  const view = await awaitRequest(world, 'fl-down-1', ['FAILED'], 'Failed');
  expect(view.request.reason).toBe('InternalServerError');
  expect(view.timeline.find((e) => e.step === 'Failed')!.detail).toMatchObject({ error: 'InternalServerError' });
  expect(view.reservations).toEqual([]);
  const alert = await eventually(() => opsAlerts().find((a) => a.body.includes('fl-down-1')));
  expect(JSON.parse(alert.body)).toMatchObject({ requestId: 'fl-down-1', error: 'InternalServerError' });
  expect(executionSummary(world, 'fl-down-1')).toMatch(/^FAILED InternalServerError/);
});

test('a territory without a complete tandem is recorded as FAILED with TandemIncompleteError, and ops are alerted', async () => {
  const customer = await customerOfOwnTerritory(world, 32);
  const tandem = tandemOf(world, customer.territoryId);
  // The inside manager left and nobody was named yet: the tandem record has only a field manager.
  const halfTandem = tandemItem(tandem);
  delete halfTandem.insideManager;
  await batchPutAll(world.ctx, [halfTandem]);
  const product = testProduct(world, 32);
  expect((await submit(world, { requestId: 'fl-tandem-1', customerId: customer.customerId, lines: [product.line(1)], neededBy: hoursFromNow(48), fulfilment: 'pickup' })).status).toBe(202);

  const view = await awaitRequest(world, 'fl-tandem-1', ['FAILED'], 'Failed');
  expect(view.request.reason).toBe('TandemIncompleteError');
  expect(view.timeline.map((e) => e.step)).toEqual(['Received', 'Failed']);
  await eventually(() => opsAlerts().find((a) => a.body.includes('fl-tandem-1')));
});
