/**
 * Atomic, idempotent stock reservation (issue 4, "Reserve").
 *
 * ## Concurrency design: a derived `free` attribute, checked by the write itself
 *
 * "Never below zero, never double-reserved" means: a reservation of q units may
 * only succeed if `available − reserved >= q` holds in the very item version the
 * write changes. DynamoDB condition expressions cannot do arithmetic, so every
 * writer of a stock item keeps a derived attribute `free = available − reserved`
 * in the same single-item update that changes `available` or `reserved`:
 *
 * - `stockItem()` (seed / full puts) writes `free = available − reserved`;
 * - `applyCount()` sets `available = :n, free = :n − reserved` (the item's current
 *   `reserved`, read by DynamoDB inside the same atomic update);
 * - `reserve()` sets `reserved = reserved + :q, free = free − :q` with the
 *   condition `free >= :q`;
 * - `release()` sets `reserved = reserved − :q, free = free + :q` (lapsed,
 *   cancelled) or `available = available − :q, reserved = reserved − :q`
 *   (picked up: the goods left the shelf, free is unchanged).
 *
 * Each of those is one atomic single-item operation whose condition is evaluated
 * against the same item version it modifies, so the invariant `free = available −
 * reserved` holds after every write whatever the interleaving, and `free >= :q`
 * at write time is exactly "there are q unreserved units". No read-then-write gap
 * exists, so the answer is correct under any concurrency, and a loser learns it
 * is short at once instead of burning retries.
 *
 * Rejected alternative: read the levels, then condition each update on
 * `available = :seen AND reserved = :seen` and retry on conflict. It is correct
 * too, but under contention (50 callers on one SKU) almost every attempt fails
 * on a changed version, so a bounded number of retries ends in a spurious
 * "conflict" for requests that would have fitted, and it costs a read per try.
 *
 * Caveat: a stock item written by something that does not maintain `free` cannot
 * be reserved (the condition fails, reported as free 0) until its next count.
 *
 * ## One transaction per reservation
 *
 * `reserve` is ONE TransactWriteItems: a conditional Put of the reservation record
 * `REQUEST#<id>` / `RESERVATION` (`attribute_not_exists(pk)`) plus one conditional
 * update per line (≤ 50 lines + 1 ≤ 100 items). All or nothing: if any line is
 * short, nothing changes. The Put makes it idempotent: a retried reserve for the
 * same request id is cancelled by the Put's condition and answers
 * `already-reserved` with the record that exists (whatever its status now is), so
 * the stock is never reserved twice. Cancellations caused by transaction
 * conflicts or throttling (no condition failed) are retried a bounded number of
 * times with capped exponential backoff and full jitter.
 *
 * The record deliberately does not use the table's TTL attribute `expiresAt`
 * (epoch seconds; TTL would delete the record and lose the held stock's trail):
 * the hold's end is stored as `holdUntil` (ISO) and lapsing is an explicit
 * `release(id, 'lapsed', at)` by the workflow.
 */
import { TransactionCanceledException, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ConflictError } from '../domain/errors';
import { customerRequestRecordSchema, isoDateTimeSchema, skuSchema, storeIdSchema } from '../domain/model';
import { validate } from '../domain/validate';
import { backoffMs, type RetryPolicy, type TableContext } from './document-client';
import { key, RESERVATION_HOLDS, toUtc, type ReservationHold } from './table-layout';
import { queryAll } from './document-client';

export const MAX_RESERVATION_LINES = 50;
export const RELEASE_REASONS = ['lapsed', 'cancelled', 'picked-up'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

export interface ReservationLine {
  readonly sku: string;
  readonly quantity: number;
}

export interface ReserveInput {
  readonly requestId: string;
  readonly storeId: string;
  readonly lines: readonly ReservationLine[];
  /** ISO date-time until which the stock is held. */
  readonly expiresAt: string;
  readonly reservedAt: string;
  /** Which of the request's holds this is. @default 'initial' */
  readonly hold?: ReservationHold;
}

export interface Reservation {
  readonly requestId: string;
  readonly hold: ReservationHold;
  readonly storeId: string;
  readonly lines: readonly ReservationLine[];
  readonly reservedAt: string;
  readonly expiresAt: string;
  readonly status: 'HELD' | 'RELEASED';
  readonly releasedAt?: string;
  readonly releaseReason?: ReleaseReason;
}

export interface ShortLine {
  readonly sku: string;
  readonly wanted: number;
  /** Unreserved units at the moment the reservation was refused (negative when a count fell below the reservations). */
  readonly free: number;
}

export type ReservationOutcome =
  | { readonly outcome: 'reserved'; readonly reservation: Reservation }
  | { readonly outcome: 'already-reserved'; readonly reservation: Reservation }
  | { readonly outcome: 'insufficient'; readonly shortLines: readonly ShortLine[] };

/** Retries of transactions cancelled by a conflict with another transaction (no condition failed). */
export const TRANSACTION_RETRY: RetryPolicy = { maxAttempts: 12, baseDelayMs: 20, maxDelayMs: 1_000 };

const reservationLineSchema = z.object({
  sku: skuSchema,
  quantity: z.number().int('must be a whole number of units').positive('must be more than 0').max(10_000, 'must be at most 10000'),
});

const reserveInputSchema = z
  .object({
    requestId: customerRequestRecordSchema.shape.requestId,
    storeId: storeIdSchema,
    lines: z
      .array(reservationLineSchema)
      .min(1, 'must contain at least one line')
      .max(MAX_RESERVATION_LINES, `must contain at most ${MAX_RESERVATION_LINES} lines`),
    expiresAt: isoDateTimeSchema,
    reservedAt: isoDateTimeSchema,
    hold: z.enum(RESERVATION_HOLDS).default('initial'),
  })
  .superRefine((input, ctx) => {
    const seen = new Set<string>();
    input.lines.forEach((line, index) => {
      if (seen.has(line.sku)) ctx.addIssue({ code: 'custom', path: ['lines', index, 'sku'], message: `repeats ${line.sku}; one line per SKU` });
      seen.add(line.sku);
    });
    if (Date.parse(input.expiresAt) <= Date.parse(input.reservedAt)) {
      ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'must be after reservedAt' });
    }
  });

const releaseInputSchema = z.object({
  requestId: customerRequestRecordSchema.shape.requestId,
  reason: z.enum(RELEASE_REASONS, { error: `must be one of ${RELEASE_REASONS.join(', ')}` }),
  at: isoDateTimeSchema,
});

export class DynamoReservationRepository {
  constructor(
    private readonly ctx: TableContext,
    private readonly retry: RetryPolicy = TRANSACTION_RETRY,
  ) {}

  /** Reserves every line at the store, or nothing. Validation errors are thrown before any write. */
  async reserve(input: ReserveInput): Promise<ReservationOutcome> {
    const r = validate(reserveInputSchema, input, `reservation for ${label(input.requestId)}`);
    const reservation: Reservation = {
      requestId: r.requestId,
      hold: r.hold,
      storeId: r.storeId,
      lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      reservedAt: toUtc(r.reservedAt),
      expiresAt: toUtc(r.expiresAt),
      status: 'HELD',
    };
    const { expiresAt, ...rest } = reservation;
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.ctx.tableName,
            Item: { ...key.reservation(r.requestId, r.hold), entity: 'Reservation', ...rest, holdUntil: expiresAt },
            ConditionExpression: 'attribute_not_exists(pk)',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        ...reservation.lines.map((line) => ({
          Update: {
            TableName: this.ctx.tableName,
            Key: key.stock(r.storeId, line.sku),
            ConditionExpression: 'attribute_exists(pk) AND #free >= :q',
            UpdateExpression: 'SET #reserved = #reserved + :q, #free = #free - :q',
            ExpressionAttributeNames: { '#reserved': 'reserved', '#free': 'free' },
            ExpressionAttributeValues: { ':q': line.quantity },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
          },
        })),
      ],
    });

    for (let attempt = 1; ; attempt++) {
      try {
        await this.ctx.doc.send(command);
        return { outcome: 'reserved', reservation };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') {
          const existing = await this.getReservation(r.requestId, r.hold);
          // The record existed when the transaction ran; records are never deleted.
          if (existing) return { outcome: 'already-reserved', reservation: existing };
        }
        const shortLines = reservation.lines.flatMap((line, index): ShortLine[] => {
          const reason = reasons[index + 1];
          return reason?.Code === 'ConditionalCheckFailed' ? [{ sku: line.sku, wanted: line.quantity, free: freeOf(reason) }] : [];
        });
        if (shortLines.length > 0) return { outcome: 'insufficient', shortLines };
        if (!isRetryable(reasons) || attempt >= this.retry.maxAttempts) {
          throw new ConflictError(`reservation for ${r.requestId} was cancelled: ${describe(reasons)}`, { cause: error });
        }
        await sleep(backoffMs(attempt, this.retry));
      }
    }
  }

  /**
   * Ends a hold: the record goes HELD → RELEASED and every line's units are
   * returned (lapsed, cancelled) or leave the shelf (picked-up: available and
   * reserved both drop). One transaction; a second release answers `not-held`.
   */
  async release(requestId: string, reason: ReleaseReason, at: string, hold: ReservationHold = 'initial'): Promise<'released' | 'not-held'> {
    const input = validate(releaseInputSchema, { requestId, reason, at }, `release of ${label(requestId)}`);
    const held = await this.getReservation(input.requestId, hold);
    if (!held || held.status !== 'HELD') return 'not-held';
    return this.releaseHeld(input, held);
  }

  /** The release transaction of a hold read as HELD; its condition refuses one released meanwhile. */
  private async releaseHeld(input: { requestId: string; reason: ReleaseReason; at: string }, held: Reservation): Promise<'released' | 'not-held'> {
    const { hold } = held;
    const pickedUp = input.reason === 'picked-up';
    const names: Record<string, string> = pickedUp
      ? { '#available': 'available', '#reserved': 'reserved' }
      : { '#reserved': 'reserved', '#free': 'free' };
    const command = new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: this.ctx.tableName,
            Key: key.reservation(input.requestId, hold),
            ConditionExpression: '#status = :held',
            UpdateExpression: 'SET #status = :released, releasedAt = :at, releaseReason = :reason',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':held': 'HELD', ':released': 'RELEASED', ':at': toUtc(input.at), ':reason': input.reason },
          },
        },
        ...held.lines.map((line) => ({
          Update: {
            TableName: this.ctx.tableName,
            Key: key.stock(held.storeId, line.sku),
            ConditionExpression: 'attribute_exists(pk)',
            UpdateExpression: pickedUp
              ? 'SET #available = #available - :q, #reserved = #reserved - :q'
              : 'SET #reserved = #reserved - :q, #free = #free + :q',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':q': line.quantity },
          },
        })),
      ],
    });

    for (let attempt = 1; ; attempt++) {
      try {
        await this.ctx.doc.send(command);
        return 'released';
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'not-held';
        if (!isRetryable(reasons) || attempt >= this.retry.maxAttempts) {
          throw new ConflictError(`release of ${input.requestId} was cancelled: ${describe(reasons)}`, { cause: error });
        }
        await sleep(backoffMs(attempt, this.retry));
      }
    }
  }

  /** Ends every hold of a request that is still held; the holds that were released. */
  async releaseAll(requestId: string, reason: ReleaseReason, at: string): Promise<Reservation[]> {
    const released: Reservation[] = [];
    const input = validate(releaseInputSchema, { requestId, reason, at }, `release of ${label(requestId)}`);
    // The holds as just read (consistently): no second read per hold.
    for (const reservation of await this.reservationsFor(requestId)) {
      if (reservation.status === 'HELD' && (await this.releaseHeld(input, reservation)) === 'released') {
        released.push(reservation);
      }
    }
    return released;
  }

  /** One hold of a request (strongly consistent read), or undefined. */
  async getReservation(requestId: string, hold: ReservationHold = 'initial'): Promise<Reservation | undefined> {
    const out = await this.ctx.doc.send(
      new GetCommand({ TableName: this.ctx.tableName, Key: key.reservation(requestId, hold), ConsistentRead: true }),
    );
    return out.Item ? toReservation(out.Item) : undefined;
  }

  /** Every hold of a request, initial first. */
  async reservationsFor(requestId: string): Promise<Reservation[]> {
    const items = await queryAll(this.ctx, {
      KeyConditionExpression: 'pk = :request AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':request': key.request(requestId).pk, ':prefix': 'RESERVATION#' },
      ConsistentRead: true,
    });
    return items.map(toReservation).sort((a, b) => RESERVATION_HOLDS.indexOf(a.hold) - RESERVATION_HOLDS.indexOf(b.hold));
  }
}

/** A hold as stored (`REQUEST#<id>` / `RESERVATION#<hold>`), as the domain knows it. */
export function toReservation(item: Record<string, unknown>): Reservation {
  const lines = (item.lines as { sku: string; quantity: number }[]).map((l) => ({ sku: l.sku, quantity: Number(l.quantity) }));
  return {
    requestId: String(item.requestId),
    hold: item.hold === 'decided' ? 'decided' : 'initial',
    storeId: String(item.storeId),
    lines,
    reservedAt: String(item.reservedAt),
    expiresAt: String(item.holdUntil),
    status: item.status === 'RELEASED' ? 'RELEASED' : 'HELD',
    ...(typeof item.releasedAt === 'string' ? { releasedAt: item.releasedAt } : {}),
    ...(typeof item.releaseReason === 'string' ? { releaseReason: item.releaseReason as ReleaseReason } : {}),
  };
}

/** `free` of the stock item as it was when its condition failed; a missing item or attribute has nothing free. */
function freeOf(reason: CancellationReason): number {
  const free = reason.Item?.free;
  return free && 'N' in free && free.N !== undefined ? Number(free.N) : 0;
}

/** Cancelled for contention only (another transaction, throttling), not because a condition failed. */
function isRetryable(reasons: readonly CancellationReason[]): boolean {
  const codes = reasons.map((r) => r.Code ?? 'None').filter((code) => code !== 'None');
  return (
    codes.length > 0 &&
    codes.every((code) => code === 'TransactionConflict' || code === 'ThrottlingError' || code === 'ProvisionedThroughputExceeded')
  );
}

function describe(reasons: readonly CancellationReason[]): string {
  return reasons.map((r) => r.Code ?? 'None').join(', ') || 'no reasons given';
}

function label(requestId: unknown): string {
  return typeof requestId === 'string' && requestId.length > 0 ? requestId : '(without id)';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
