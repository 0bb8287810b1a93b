/**
 * Workflow step ReleaseLapsedHolds: needed-by plus the grace period has
 * passed; whatever the request still holds goes back to free stock, and the
 * lapse is recorded. Holds already picked up or released are left alone.
 */
import { DynamoRequestRepository } from '../repository/request-repository';
import { DynamoReservationRepository } from '../repository/reservation-repository';
import { stepHandler } from '../shared/step-handler';
import { tableContext } from './workflow/step-context';

export async function releaseLapsedHolds(input: { requestId: string }, now = new Date()): Promise<{ released: number }> {
  const ctx = tableContext();
  const at = now.toISOString();
  const released = await new DynamoReservationRepository(ctx).releaseAll(input.requestId, 'lapsed', at);
  await new DynamoRequestRepository(ctx).appendAuditEvent({
    requestId: input.requestId,
    at,
    step: 'ReservationLapsed',
    detail: { released: released.map((h) => ({ hold: h.hold, storeId: h.storeId, lines: h.lines })) },
  });
  return { released: released.length };
}

export const handler = stepHandler('ReleaseLapsedHolds', (input: { requestId: string }) => releaseLapsedHolds(input));
