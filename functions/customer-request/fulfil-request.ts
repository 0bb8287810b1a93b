/**
 * Workflow step FulfilRequest: the automated part of a customer request in one
 * invocation — route it to its tandem (workflow/route-request.ts), find the
 * stock (workflow/check-stock.ts), hold it (workflow/reserve-stock.ts, checking
 * again at most MAX_STOCK_CHECKS times when a reservation lost a race), and when
 * all of it is held: conclude it (workflow/conclude.ts) and tell both partners
 * (workflow/notify-outcome.ts). Otherwise it answers what the escalation needs.
 *
 * Why one step and not one per part: each Lambda step costs an invocation, its
 * state transitions and its own reads of the same request; docs/cost.md has the
 * measurements. The audit trail still records every part (Route, CheckStock,
 * ReserveStock, Outcome, NotifyTandem).
 *
 * Safe to retry: it starts from what the request's partition already holds. A
 * hold from an earlier attempt is not checked and reserved again; a written
 * Outcome is returned as it is, and the notification log sends each message once.
 */
import { NotFoundError } from '../domain/errors';
import type { AuditEvent } from '../domain/model';
import { DynamoRequestRepository } from '../repository/request-repository';
import { stepHandler } from '../shared/step-handler';
import { checkStock } from './workflow/check-stock';
import { conclusionFacts, concludeRequest, type ConclusionFacts } from './workflow/conclude';
import { notifyTandem, type KnownToNotify } from './workflow/notify-outcome';
import { holdStock, reserveStock } from './workflow/reserve-stock';
import { routeWithFacts } from './workflow/route-request';
import type { FulfilResult, RouteResult, StockResult, WantedLine } from './workflow/state';
import { tableContext } from './workflow/step-context';

/** A reservation that lost a race checks stock again at most this often before escalating. */
export const MAX_STOCK_CHECKS = 3;

export async function fulfilRequest(input: { requestId: string }, now = new Date()): Promise<FulfilResult> {
  const { requestId } = input;
  const clock = partClock(now);
  // One consistent read of the request and everything under it: what an earlier attempt already did.
  const facts = conclusionFacts(await new DynamoRequestRepository(tableContext()).requestPartition(requestId));
  const request = facts.request;
  if (!request) throw new NotFoundError('request', requestId);
  const earlierHold = facts.holds.find((hold) => hold.hold === 'initial' && hold.status === 'HELD');

  const { route, customer, tandem } = await routeWithFacts(request, clock());
  const parties = { request, customer, tandem };
  if (facts.recorded || earlierHold) return resume(requestId, route, facts, parties, clock);

  let stock: StockResult = { kind: 'none', missing: route.lines, offers: [], attempt: 0 };
  for (let attempt = 1; attempt <= MAX_STOCK_CHECKS; attempt++) {
    stock = await checkStock({ requestId, route, attempt }, clock());
    if (stock.kind === 'none') break;
    const status = stock.kind === 'full' ? 'RESERVED' : 'PARTIAL';
    if (stock.kind === 'partial') {
      const reservation = await reserveStock({ requestId, storeId: stock.storeId, lines: stock.lines, neededBy: route.neededBy, status, hold: 'initial' }, clock());
      if (reservation.outcome === 'reserved') return { requestId, route, stock, partHeld: true };
      continue; // lost a race for the stock: look again
    }
    // All of it: the hold's status and event are written with the Outcome, in one transaction.
    const held = await holdStock({ requestId, storeId: stock.storeId, lines: stock.lines, neededBy: route.neededBy, status, hold: 'initial' }, clock());
    if (held.outcome === 'insufficient') continue;
    const known = { ...facts, holds: [held.reservation] };
    return conclude(requestId, route, stock, known, parties, clock, [held.event]);
  }
  return { requestId, route, stock, partHeld: false };
}

async function conclude(
  requestId: string,
  route: RouteResult,
  stock: StockResult,
  facts: ConclusionFacts,
  parties: KnownToNotify['parties'],
  clock: () => Date,
  alongside: readonly AuditEvent[] = [],
): Promise<FulfilResult> {
  const outcome = await concludeRequest({ requestId }, clock(), facts, alongside);
  const notified = await notifyTandem({ requestId, status: outcome.status }, clock(), { holds: facts.holds, decisions: facts.decisions, parties });
  return { requestId, route, stock, outcome, notified };
}

/**
 * A retry after an attempt that held stock or concluded: a recorded outcome is
 * told (the log sends nothing twice); a full hold is concluded; a part hold
 * escalates what is missing.
 */
async function resume(requestId: string, route: RouteResult, facts: ConclusionFacts, parties: KnownToNotify['parties'], clock: () => Date): Promise<FulfilResult> {
  const hold = facts.holds.find((h) => h.hold === 'initial' && h.status === 'HELD');
  const heldLines = (hold?.lines ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity }));
  const missing = route.lines.flatMap((line): WantedLine[] => {
    const held = heldLines.find((l) => l.sku === line.sku)?.quantity ?? 0;
    return held < line.quantity ? [{ sku: line.sku, quantity: Math.round((line.quantity - held) * 1000) / 1000 }] : [];
  });
  // The hold does not keep its store's distance; past this step only `missing` and `offers` are read.
  const whereHeld = { storeId: hold?.storeId ?? '', distanceKm: 0, lines: heldLines };
  if (facts.recorded || missing.length === 0) return conclude(requestId, route, { kind: 'full', ...whereHeld, missing: [], offers: [], attempt: 1 }, facts, parties, clock);
  // The escalation offers what other stores have of the rest.
  const rest = await checkStock({ requestId, route: { ...route, lines: missing }, attempt: 1 }, clock());
  const offers = rest.kind === 'full' ? [{ storeId: rest.storeId, distanceKm: rest.distanceKm, lines: rest.lines }] : rest.offers;
  return { requestId, route, stock: { kind: 'partial', ...whereHeld, missing, offers, attempt: 1 }, partHeld: true };
}

/**
 * The time of each part: now, and never earlier than 1 ms after the previous
 * part's — the audit trail is ordered by time, and parts of one invocation may
 * fall in the same millisecond.
 */
function partClock(start: Date): () => Date {
  let last = start.getTime() - 1;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

export const handler = stepHandler('FulfilRequest', (input: { requestId: string }) => fulfilRequest(input));
