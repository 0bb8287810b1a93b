/**
 * The conclusion of a request (FulfilRequest when all of it is held,
 * ConcludeRequest after an escalation): its final status, from what is
 * actually held and decided (not from what the workflow believes):
 * - a hold from a decision → SOURCED;
 * - the first hold, after an escalation that sourced nothing → PARTIAL;
 * - the first hold without escalation → RESERVED;
 * - nothing held → UNFULFILLED, with the reason (declined, or no answer).
 * The products stop being waited for; the outcome and its audit event are
 * written together. The outcome, the time since receipt and an SLA breach
 * (domain/service-level.ts) are counted once: the Outcome is written under a
 * condition (DynamoRequestRepository.recordOutcome), so a retry — even one that
 * overlaps a timed-out attempt still running — finds it written, returns that
 * outcome and writes nothing again.
 */
import { DynamoEscalationRepository, type Escalation } from '../../repository/escalation-repository';
import type { AuditEvent, CustomerRequestRecord, DecisionRecord } from '../../domain/model';
import { DynamoRequestRepository } from '../../repository/request-repository';
import { fromItem, key } from '../../repository/table-layout';
import { toReservation, type Reservation } from '../../repository/reservation-repository';
import { businessMetrics } from '../../shared/business-metrics';
import { serviceLevel } from '../domain/service-level';
import type { ConcludeResult } from './state';
import { tableContext } from './step-context';

/** What the conclusion is decided from: the request and everything stored under it. */
export interface ConclusionFacts {
  readonly request: CustomerRequestRecord | undefined;
  readonly holds: readonly Reservation[];
  readonly escalation: Escalation | undefined;
  readonly decisions: readonly DecisionRecord[];
  /** The Outcome event, when the request is already concluded. */
  readonly recorded: AuditEvent | undefined;
}

/** The facts from one read of the request's partition (request, holds, escalation, decisions and events share it). */
export function conclusionFacts(partition: readonly Record<string, unknown>[]): ConclusionFacts {
  const withPrefix = (prefix: string) => partition.filter((item) => String(item.sk).startsWith(prefix));
  const requestItem = partition.find((item) => item.sk === 'REQUEST');
  const escalationItem = partition.find((item) => item.sk === key.escalation('x').sk);
  return {
    request: requestItem && fromItem<CustomerRequestRecord>(requestItem),
    holds: withPrefix('RESERVATION#').map(toReservation),
    escalation: escalationItem && fromItem<Escalation>(escalationItem),
    decisions: withPrefix('DECISION#').map((item) => fromItem<DecisionRecord>(item)),
    recorded: withPrefix('EVENT#').map((item) => fromItem<AuditEvent>(item)).find((event) => event.step === 'Outcome'),
  };
}

/**
 * Concludes the request. `known`: facts the caller already holds (FulfilRequest
 * has just read the partition and made the hold), so nothing is read again;
 * `alongside`: events written in the Outcome's transaction.
 */
export async function concludeRequest(
  input: { requestId: string },
  now = new Date(),
  known?: ConclusionFacts,
  alongside: readonly AuditEvent[] = [],
): Promise<ConcludeResult> {
  const ctx = tableContext();
  const requests = new DynamoRequestRepository(ctx);
  // One consistent read of the request, its holds, escalation, decisions and events: a retry right after a written Outcome sees it.
  const { request, holds, escalation, decisions, recorded } = known ?? conclusionFacts(await requests.requestPartition(input.requestId));
  // The reservation steps already set RESERVED/PARTIAL/SOURCED: the Outcome event says whether it was concluded.
  // A retry after a lost answer (a timeout after the write) returns that outcome and writes nothing again.
  if (recorded) return recordedOutcome(recorded);
  const held = holds.filter((h) => h.status === 'HELD');
  const decided = held.find((h) => h.hold === 'decided');
  const initial = held.find((h) => h.hold === 'initial');
  const decision = decisions.at(-1);

  let status: ConcludeResult['status'];
  let storeId: string | undefined;
  let reason: string | undefined;
  if (decided) {
    status = 'SOURCED';
    storeId = decided.storeId;
  } else if (initial) {
    status = escalation ? 'PARTIAL' : 'RESERVED';
    storeId = initial.storeId;
    if (escalation) reason = missingReason(decision);
  } else {
    status = 'UNFULFILLED';
    reason = missingReason(decision);
  }
  if (escalation) await new DynamoEscalationRepository(ctx).closeEscalation(input.requestId);
  const holdUntil = held.length > 0 ? held.map((h) => h.expiresAt).sort().at(-1)! : null;
  const written = await requests.recordOutcome(
    input.requestId,
    { status, ...(storeId ? { storeId } : {}), ...(reason ? { reason } : {}) },
    { requestId: input.requestId, at: now.toISOString(), step: 'Outcome', detail: { status, holds: held.map((h) => ({ hold: h.hold, storeId: h.storeId, lines: h.lines })), holdUntil, ...(reason ? { reason } : {}) } },
    alongside,
  );
  if (written === 'already-concluded') {
    // An overlapping attempt concluded between our read and our write: its outcome stands.
    const outcome = conclusionFacts(await requests.requestPartition(input.requestId)).recorded;
    if (!outcome) throw new Error(`request ${input.requestId} is concluded but has no Outcome event`);
    return recordedOutcome(outcome);
  }
  if (request) {
    businessMetrics.requestConcluded(status, request.createdAt, now, serviceLevel({ ...(escalation ? { escalation } : {}), decided: decision !== undefined }).breached);
  }
  return { status, holdUntil };
}

function recordedOutcome(event: AuditEvent): ConcludeResult {
  const detail = event.detail as { status?: unknown; holdUntil?: unknown };
  const statuses: readonly ConcludeResult['status'][] = ['RESERVED', 'PARTIAL', 'SOURCED', 'UNFULFILLED'];
  const status = statuses.find((s) => s === detail.status);
  if (!status) throw new Error(`the recorded Outcome of ${event.requestId} has no status`);
  return { status, holdUntil: typeof detail.holdUntil === 'string' ? detail.holdUntil : null };
}

function missingReason(decision: { outcome: string; reason?: string; decidedBy: string } | undefined): string {
  if (!decision) return 'no decision before the deadline';
  if (decision.outcome === 'declined') return `declined by ${decision.decidedBy}: ${decision.reason ?? ''}`.trim();
  return `the stock the ${decision.outcome} decision named was no longer free`;
}
