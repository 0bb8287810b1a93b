/**
 * Territory reassignment in the local runtime, real handlers, DynamoDB Local:
 * customers (named, or a postcode range with its routing) move to another
 * territory, and a person replaced in a tandem hands over — while a special
 * price decision is pending. The waiting task goes to the new person with a
 * new link, the old link is refused, the running workflow completes with the
 * new person's answer, and the customer's audit trail shows the change.
 *
 * Customers of this file: customerOfOwnTerritory 80–89 (test files share the table).
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Person } from '../../functions/domain/model';
import { key, tandemItem } from '../../functions/repository/table-layout';
import { DynamoTerritoryDirectory } from '../../functions/repository/territory-directory';
import { awaitCustomer, callApi, getCustomer, latestTaskRef } from '../support/customer-lifecycle-world';
import { customerOfOwnTerritory, decide, deliveriesTo, startWorld, tandemOf, type World } from '../support/customer-request-world';
import { eventually } from '../support/eventually';
import { TEST_ENV } from '../support/test-env';

let world: World;

beforeAll(async () => {
  // The inside manager's first phase lasts 24 h: 86 s here, longer than any test needs it to wait.
  world = await startWorld({ timeScale: 1 / 1000, dynamoDbEndpoint: process.env[TEST_ENV.dynamoDbEndpoint] });
});

afterAll(async () => {
  await world?.stop();
});

/** A price request of `customerId` for the first catalogue product, 10 % under its list price. */
async function requestPrice(customerId: string, requestedBy: string, priceRequestId: string) {
  const product = world.seed.products[0]!;
  const answer = await callApi(world, 'POST', '/price-requests', {
    priceRequestId,
    customerId,
    sku: product.sku,
    weeklyVolume: { min: 10, max: 12 },
    unit: product.unit,
    proposedPrice: Math.round(product.listPrice * 90) / 100,
    requestedBy,
  });
  expect(answer.status).toBe(201);
  return product;
}

/** The decision link in the newest SMS or email to a person, once there is one other than `not`. */
const awaitLink = (person: { mobile: string; email: string }, not?: string) =>
  eventually(() => {
    const ref = latestTaskRef(world, person);
    return ref !== undefined && ref !== not ? ref : undefined;
  });

describe('territory reassignment', () => {
  test('moving a customer while its price decision is pending hands the task to the new tandem: the old link is refused, the new one decides, the audit trail shows the move', async () => {
    const customer = await customerOfOwnTerritory(world, 80);
    const from = tandemOf(world, customer.territoryId);
    const to = tandemOf(world, (await customerOfOwnTerritory(world, 81)).territoryId);
    const product = await requestPrice(customer.customerId, from.fieldManager.personId, 'tr-move-1');
    const oldLink = await awaitLink(from.insideManager);

    const moved = await callApi(world, 'POST', '/reassignments', {
      reassignmentId: 'tr-move-1',
      customerIds: [customer.customerId],
      toTerritoryId: to.territoryId,
      reason: 'territory split after the new store opened',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ moved: [{ customerId: customer.customerId, fromTerritoryId: from.territoryId }], unchanged: [] });
    expect(moved.body.retargetedTasks).toEqual([expect.objectContaining({ customerId: customer.customerId, fromHolderId: from.insideManager.personId, toHolderId: to.insideManager.personId })]);

    // The new inside manager got the task with a link of their own; the old link no longer decides.
    const newLink = await awaitLink(to.insideManager);
    expect(newLink).not.toBe(oldLink);
    expect(deliveriesTo(world, to.insideManager).some((d) => d.body.includes(newLink))).toBe(true);
    const refused = await decide(world, oldLink, { outcome: 'approve' });
    expect(refused.status).toBe(410);
    expect(String(refused.body.message)).toContain('new tandem');

    // The running workflow takes the new holder's answer.
    expect((await decide(world, newLink, { outcome: 'approve' })).status).toBe(200);
    const view = await awaitCustomer(world, customer.customerId, (v) => v.prices.some((p) => p.sku === product.sku));
    expect(view.customer.territoryId).toBe(to.territoryId);
    expect(view.owner).toMatchObject({ territoryId: to.territoryId });
    expect(view.prices.find((p) => p.sku === product.sku)).toMatchObject({ valid: true });
    const steps = view.timeline.map((e) => e.step);
    expect(steps).toEqual(expect.arrayContaining(['Reassigned', 'TaskRetargeted']));
    expect(view.timeline.find((e) => e.step === 'Reassigned')?.detail).toMatchObject({ fromTerritoryId: from.territoryId, toTerritoryId: to.territoryId });
    expect(view.timeline.find((e) => e.step === 'TaskRetargeted')?.detail).toMatchObject({ fromHolderId: from.insideManager.personId, toHolderId: to.insideManager.personId });

    // The same reassignment again answers the same result and moves nothing; another body under its id is a conflict.
    const again = await callApi(world, 'POST', '/reassignments', { reassignmentId: 'tr-move-1', customerIds: [customer.customerId], toTerritoryId: to.territoryId, reason: 'territory split after the new store opened' });
    expect(again).toEqual(moved);
    expect((await callApi(world, 'POST', '/reassignments', { reassignmentId: 'tr-move-1', customerIds: [customer.customerId], toTerritoryId: from.territoryId, reason: 'back again' })).status).toBe(409);
  });

  test('replacing the inside manager of a tandem while a price decision is pending sends the successor a new link and refuses the old one', async () => {
    const customer = await customerOfOwnTerritory(world, 82);
    const tandem = tandemOf(world, customer.territoryId);
    await requestPrice(customer.customerId, tandem.fieldManager.personId, 'tr-replace-1');
    const oldLink = await awaitLink(tandem.insideManager);

    const successor: Person = { personId: 'P0981', name: 'Ida Imhof', mobile: '+494066969981', email: 'ida.imhof.981@example.com', language: 'de', channels: ['sms'] };
    const put = await callApi(world, 'PUT', `/tandems/${tandem.territoryId}`, { fieldManager: tandem.fieldManager, insideManager: successor });
    expect(put.status).toBe(200);

    const newLink = await awaitLink(successor);
    const refused = await decide(world, oldLink, { outcome: 'approve' });
    expect(refused.status).toBe(410);
    expect((await decide(world, newLink, { outcome: 'reject', reason: 'below our floor for this volume' })).status).toBe(200);
    const view = await awaitCustomer(world, customer.customerId, (v) => v.priceRequests.some((r) => r.status === 'REJECTED'));
    expect(view.timeline.find((e) => e.step === 'TaskRetargeted')?.detail).toMatchObject({ fromHolderId: tandem.insideManager.personId, toHolderId: 'P0981' });
    expect(view.prices).toEqual([]);
  });

  test('a postcode range moves its customers and its routing, cutting the routing range it lies in; a move that leaves a territory no postcode is refused and nothing moves', async () => {
    const customer = await customerOfOwnTerritory(world, 83);
    const territories = new DynamoTerritoryDirectory(world.ctx);
    const source = (await territories.getTerritory(customer.territoryId))!;
    const routing = source.postcodes.find((r) => customer.address.postcode >= r.from && customer.address.postcode <= r.to)!;
    const target = tandemOf(world, (await customerOfOwnTerritory(world, 84)).territoryId);

    // Moving the whole of a territory's only range would leave it without postcodes.
    const emptying = await callApi(world, 'POST', '/reassignments', { reassignmentId: 'tr-range-all', postcodes: routing, toTerritoryId: target.territoryId, reason: 'merge' });
    expect(emptying.status).toBe(source.postcodes.length === 1 ? 409 : 200);
    if (source.postcodes.length === 1) expect((await getCustomer(world, customer.customerId)).view.customer.territoryId).toBe(source.territoryId);

    // One postcode moves: the customers there and its routing; the rest of the routing range stays.
    const postcode = customer.address.postcode;
    const sameStreet = world.seed.customers.filter((c) => c.territoryId === source.territoryId && c.address.postcode === postcode).map((c) => c.customerId);
    const moved = await callApi(world, 'POST', '/reassignments', { reassignmentId: 'tr-range-1', postcodes: { from: postcode, to: postcode }, toTerritoryId: target.territoryId, reason: 'new route plan' });
    expect(moved.status).toBe(200);
    expect((moved.body.moved as { customerId: string }[]).map((m) => m.customerId).sort()).toEqual(sameStreet.sort());
    expect(moved.body.reroutedRanges).toEqual([{ from: postcode, to: postcode, fromTerritoryId: source.territoryId }]);
    expect((await territories.territoryForPostcode(postcode))?.territoryId).toBe(target.territoryId);
    for (const kept of [routing.from, routing.to].filter((p) => p !== postcode)) expect((await territories.territoryForPostcode(kept))?.territoryId).toBe(source.territoryId);
    expect((await territories.getTerritory(source.territoryId))!.postcodes.every((r) => r.to < postcode || r.from > postcode)).toBe(true);
    const view = (await getCustomer(world, customer.customerId)).view;
    expect(view.customer).toMatchObject({ territoryId: target.territoryId, homeStoreId: (await territories.getTerritory(target.territoryId))!.homeStoreId });
    expect(view.timeline.find((e) => e.step === 'Reassigned')?.detail).toMatchObject({ fromTerritoryId: source.territoryId, toTerritoryId: target.territoryId, reason: 'new route plan' });
  });

  test('bad reassignments are refused naming the problem, and nothing changes', async () => {
    const customer = await customerOfOwnTerritory(world, 85);
    const incomplete = tandemOf(world, (await customerOfOwnTerritory(world, 86)).territoryId);
    const reassign = (body: Record<string, unknown>) =>
      callApi(world, 'POST', '/reassignments', { reassignmentId: 'tr-bad', toTerritoryId: incomplete.territoryId, reason: 'test', customerIds: [customer.customerId], ...body });

    expect((await reassign({ customerIds: undefined })).status).toBe(400);
    expect((await reassign({ postcodes: { from: '10115', to: '10115' } })).body.problems).toEqual([expect.objectContaining({ field: 'customerIds' })]);
    const unknown = await reassign({ customerIds: [customer.customerId, 'C999998'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.problems).toEqual([{ field: 'customerIds.1', problem: 'customer C999998 does not exist' }]);
    expect((await reassign({ toTerritoryId: 'T999' })).body.problems).toEqual([expect.objectContaining({ field: 'toTerritoryId' })]);
    expect((await reassign({ reason: 'x' })).body.problems).toEqual([expect.objectContaining({ field: 'reason' })]);

    // A territory whose tandem is gone (being rebuilt) takes no customers.
    await world.ctx.doc.send(new DeleteCommand({ TableName: world.ctx.tableName, Key: key.tandem(incomplete.territoryId) }));
    try {
      const refused = await reassign({});
      expect(refused.status).toBe(409);
      expect(String(refused.body.message)).toContain(`territory ${incomplete.territoryId} has no complete tandem`);
    } finally {
      await world.ctx.doc.send(new PutCommand({ TableName: world.ctx.tableName, Item: tandemItem(incomplete) }));
    }
    const view = (await getCustomer(world, customer.customerId)).view;
    expect(view.customer.territoryId).toBe(customer.territoryId);
    expect(view.timeline.filter((e) => e.step === 'Reassigned')).toEqual([]);
  });
});
