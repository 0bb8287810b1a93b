/**
 * Reservation, part of FulfilRequest and ReserveDecidedStock: holds the lines at the chosen store in one
 * DynamoDB transaction (reservation-repository.ts) until needed-by plus the
 * grace period (RESERVATION_GRACE_HOURS), and records the new status with its
 * audit event. A reservation that lost a race answers `insufficient` and
 * changes nothing; the workflow checks stock again.
 */
import { DynamoRequestRepository } from '../../repository/request-repository';
import type { AuditEvent } from '../../domain/model';
import { DynamoReservationRepository, type Reservation } from '../../repository/reservation-repository';
import type { ReservationHold } from '../../repository/table-layout';
import { reservationExpiry } from '../domain/deadlines';
import type { ReserveResult, WantedLine } from './state';
import { numberEnv, tableContext } from './step-context';

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
  const held = await holdStock(input, now);
  if (held.outcome === 'insufficient') return held;
  await new DynamoRequestRepository(tableContext()).recordStep(input.requestId, held.change, held.event);
  return { outcome: 'reserved', holdUntil: held.reservation.expiresAt };
}

/** A hold made, with the status change and audit event still to record. */
export interface StockHeld {
  readonly outcome: 'reserved';
  readonly reservation: Reservation;
  readonly change: { readonly status: ReserveStockInput['status']; readonly storeId: string };
  readonly event: AuditEvent;
}

/**
 * The hold alone: the caller records its status and event — FulfilRequest does
 * so in the transaction that concludes the request, one write instead of two.
 * A lost race is recorded here, since nothing else follows it.
 */
export async function holdStock(input: ReserveStockInput, now = new Date()): Promise<StockHeld | { readonly outcome: 'insufficient' }> {
  const ctx = tableContext();
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
    await new DynamoRequestRepository(ctx).appendAuditEvent({
      requestId: input.requestId,
      at,
      step: 'ReserveStock',
      detail: { storeId: input.storeId, outcome: 'insufficient', shortLines: outcome.shortLines },
    });
    return { outcome: 'insufficient' };
  }
  // A retried step finds its own reservation (`already-reserved`) and records the same outcome again.
  const { reservation } = outcome;
  return {
    outcome: 'reserved',
    reservation,
    change: { status: input.status, storeId: reservation.storeId },
    event: { requestId: input.requestId, at, step: 'ReserveStock', detail: { storeId: reservation.storeId, hold: reservation.hold, lines: reservation.lines, holdUntil: reservation.expiresAt } },
  };
}
