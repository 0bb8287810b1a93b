/**
 * Workflow step ReserveStock: holds the lines at the chosen store in one
 * DynamoDB transaction (reservation-repository.ts) until needed-by plus the
 * grace period (RESERVATION_GRACE_HOURS), and records the new status with its
 * audit event. A reservation that lost a race answers `insufficient` and
 * changes nothing; the workflow checks stock again.
 */
import { DynamoRequestRepository } from '../repository/request-repository';
import { DynamoReservationRepository } from '../repository/reservation-repository';
import type { ReservationHold } from '../repository/table-layout';
import { stepHandler } from '../shared/step-handler';
import { reservationExpiry } from './domain/deadlines';
import type { ReserveResult, WantedLine } from './workflow/state';
import { numberEnv, tableContext } from './workflow/step-context';

export interface ReserveStockInput {
  readonly requestId: string;
  readonly storeId: string;
  readonly lines: readonly WantedLine[];
  readonly neededBy: string;
  /** The request's status once held: RESERVED for a full reservation, PARTIAL for part of it. */
  readonly status: 'RESERVED' | 'PARTIAL' | 'SOURCED';
  readonly hold?: ReservationHold;
}

export async function reserveStock(input: ReserveStockInput, now = new Date()): Promise<ReserveResult> {
  const ctx = tableContext();
  const requests = new DynamoRequestRepository(ctx);
  const { expiresAt } = reservationExpiry(input.neededBy, numberEnv('RESERVATION_GRACE_HOURS', 4));
  const at = now.toISOString();
  const outcome = await new DynamoReservationRepository(ctx).reserve({
    requestId: input.requestId,
    storeId: input.storeId,
    lines: input.lines,
    expiresAt,
    reservedAt: at,
    hold: input.hold ?? 'initial',
  });
  if (outcome.outcome === 'insufficient') {
    await requests.appendAuditEvent({
      requestId: input.requestId,
      at,
      step: 'ReserveStock',
      detail: { storeId: input.storeId, outcome: 'insufficient', shortLines: outcome.shortLines },
    });
    return { outcome: 'insufficient' };
  }
  // A retried step finds its own reservation (`already-reserved`) and records the same outcome again.
  const { reservation } = outcome;
  await requests.recordStep(
    input.requestId,
    { status: input.status, storeId: reservation.storeId },
    { requestId: input.requestId, at, step: 'ReserveStock', detail: { storeId: reservation.storeId, hold: reservation.hold, lines: reservation.lines, holdUntil: reservation.expiresAt } },
  );
  return { outcome: 'reserved', holdUntil: reservation.expiresAt };
}

/** What the workflow passes: the kind of stock found decides the status the hold records. */
export interface ReserveFoundStockInput extends Omit<ReserveStockInput, 'status' | 'hold'> {
  readonly kind: 'full' | 'partial';
}

export const handler = stepHandler('ReserveStock', (input: ReserveFoundStockInput) =>
  reserveStock({ ...input, status: input.kind === 'full' ? 'RESERVED' : 'PARTIAL', hold: 'initial' }),
);
