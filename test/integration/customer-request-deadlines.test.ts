/**
 * The CustomerRequest workflow's clocks, in the local cloud with time
 * compressed: a decision nobody answers goes to a reminder, then
 * to the field partner, then ends UNFULFILLED with both told; a reservation
 * lapses at needed-by plus the grace period and its stock is free again.
 */
import { DynamoStockRepository } from '../../functions/repository/stock-repository';
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

let world: World;

// 1/100 for the decision phases: a busy machine may take a second or two to run a phase's function, which must
// stay well inside the phase (10 minutes → 6 s). 1/3000 for the lapse, which is hours away: the only thing that
// must happen before it is the test's read of the reservation once NotifyTandem is done (two reads, a second
// or two on a busy machine), and the lapse comes 6 hours → 7.2 s after that. Everything else waits for its outcome.
describe('decision deadlines (time at 1/100)', () => {
  beforeAll(async () => {
    world = await startWorld({ timeScale: 0.01 });
  });

  afterAll(async () => {
    await world?.stop();
  });

  test('no answer: reminder to the inside manager, hand-over to the field manager, then UNFULFILLED and both told; stale links get 410', async () => {
    const customer = await customerOfOwnTerritory(world, 20);
    const { insideManager, fieldManager } = tandemOf(world, customer.territoryId);
    const product = testProduct(world, 20);
    // Needed in a little over two hours: the inside manager gets 10 minutes (pickup margin), the partner 30.
    const answer = await submit(world, { requestId: 'dl-silent-1', customerId: customer.customerId, lines: [product.line(4)], neededBy: hoursFromNow(2 + 10 / 60), fulfilment: 'pickup' });
    expect(answer.status).toBe(202);

    const view = await awaitRequest(world, 'dl-silent-1', ['UNFULFILLED'], 'NotifyTandem');
    expect(view.request.reason).toBe('no decision before the deadline');
    // A phase's audit event is written when its function is done, which may be after the next phase began:
    // the phases are compared as a set, and their messages awaited rather than expected at once.
    const steps = view.timeline.map((e) => e.step);
    expect(steps.slice(0, 4)).toEqual(['Received', 'Route', 'CheckStock', 'Escalate']);
    const settled = await eventually(async () => {
      const latest = await awaitRequest(world, 'dl-silent-1', ['UNFULFILLED']);
      const all = latest.timeline.map((e) => e.step);
      return ['AskDecision', 'Remind', 'HandOver', 'Outcome', 'NotifyTandem'].every((step) => all.includes(step)) ? latest : undefined;
    });
    expect(settled.timeline.find((e) => e.step === 'HandOver')!.detail).toMatchObject({ holderId: fieldManager.personId, role: 'field' });

    const smsTo = (person: typeof insideManager) =>
      deliveriesTo(world, person).filter((d) => d.channel === 'sms').map((d) => (d.body.includes(' braucht ') && !d.body.startsWith('Übernahme') ? 'Anfrage' : d.body.split(':')[0])).sort();
    await eventually(() => smsTo(insideManager).length === 3 && smsTo(fieldManager).length === 2);
    expect(smsTo(insideManager)).toEqual(['Anfrage', 'Erinnerung', 'Nicht erfüllt']);
    expect(smsTo(fieldManager)).toEqual(['Nicht erfüllt', 'Übernahme']);
    expect(view.notifications.filter((n) => n.kind === 'unfulfilled').map((n) => `${n.role}:${n.channel}`).sort()).toEqual([
      'field:email', 'field:sms', 'inside:email', 'inside:sms',
    ]);

    // The inside manager's link passed to the partner; the partner's expired with the last deadline.
    const insideRef = latestDecisionRef(world, insideManager)!;
    const fieldRef = latestDecisionRef(world, fieldManager)!;
    const late = await decide(world, insideRef, { outcome: 'declined', reason: 'zu spät' });
    expect(late.status).toBe(410);
    expect(late.body.message).toMatch(/passed to the partner/);
    expect((await decide(world, fieldRef, { outcome: 'declined', reason: 'zu spät' })).status).toBe(410);
    expect((await awaitRequest(world, 'dl-silent-1', ['UNFULFILLED'])).decisions).toEqual([]);
  });

});

describe('reservation lapse (time at 1/3000)', () => {
  beforeAll(async () => {
    world = await startWorld({ timeScale: 1 / 3000 });
  });

  afterAll(async () => {
    await world?.stop();
  });

  test('a reservation lapses at needed-by plus the grace period: recorded, and the stock is free again', async () => {
    const customer = await customerOfOwnTerritory(world, 21);
    const product = testProduct(world, 21);
    await setStock(world, [{ storeId: customer.homeStoreId, sku: product.sku, available: 7 }]);
    // Needed in 2 hours; held 4 hours more: the lapse comes after 6 hours, 7.2 s at this scale.
    expect((await submit(world, { requestId: 'dl-lapse-1', customerId: customer.customerId, lines: [product.line(5)], neededBy: hoursFromNow(2), fulfilment: 'pickup' })).status).toBe(202);
    const reserved = await awaitRequest(world, 'dl-lapse-1', ['RESERVED'], 'NotifyTandem');
    const stock = new DynamoStockRepository(world.ctx);
    expect((await stock.stockAcross(product.sku, [customer.homeStoreId]))[0]).toMatchObject({ available: 7, reserved: 5 });
    const expiresAt = Date.parse(reserved.reservations[0]!.expiresAt);
    expect(expiresAt - Date.parse(hoursFromNow(6))).toBeLessThan(60_000);

    const lapsed = await awaitRequest(world, 'dl-lapse-1', ['RESERVED'], 'ReservationLapsed', 90_000);
    expect(lapsed.reservations).toEqual([expect.objectContaining({ status: 'RELEASED', releaseReason: 'lapsed' })]);
    expect((await stock.stockAcross(product.sku, [customer.homeStoreId]))[0]).toMatchObject({ available: 7, reserved: 0 });
  });
});
