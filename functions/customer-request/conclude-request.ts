/**
 * Workflow step ConcludeRequest: the request's final status, from what is
 * actually held and decided (not from what the workflow believes):
 * - a hold from a decision → SOURCED;
 * - the first hold, after an escalation that sourced nothing → PARTIAL;
 * - the first hold without escalation → RESERVED;
 * - nothing held → UNFULFILLED, with the reason (declined, or no answer).
 * The products stop being waited for; the outcome and its audit event are
 * written together. The outcome, the time since receipt and an SLA breach
 * (domain/service-level.ts) are counted once: not again by a retry that finds
 * the Outcome event already written, which returns that outcome and writes
 * nothing again.
 */
import { DynamoEscalationRepository } from '../repository/escalation-repository';
import type { AuditEvent, CustomerRequestRecord, DecisionRecord } from '../domain/model';
import { DynamoRequestRepository } from '../repository/request-repository';
import { fromItem } from '../repository/table-layout';
import { DynamoReservationRepository } from '../repository/reservation-repository';
import { businessMetrics } from '../shared/business-metrics';
import { stepHandler } from '../shared/step-handler';
import { serviceLevel } from './domain/service-level';
import type { ConcludeResult } from './workflow/state';
import { tableContext } from './workflow/step-context';

export async function concludeRequest(input: { requestId: string }, now = new Date()): Promise<ConcludeResult> {
  const ctx = tableContext();
  const requests = new DynamoRequestRepository(ctx);
  const escalations = new DynamoEscalationRepository(ctx);
  const [holds, escalation, partition] = await Promise.all([
    new DynamoReservationRepository(ctx).reservationsFor(input.requestId),
    escalations.getEscalation(input.requestId),
    // One consistent read of the request, its decisions and events: a retry right after a written Outcome sees it.
    requests.requestPartition(input.requestId),
  ]);
  const sortKeys = (prefix: string) => partition.filter((item) => String(item.sk).startsWith(prefix));
  const requestItem = partition.find((item) => item.sk === 'REQUEST');
  const request = requestItem && fromItem<CustomerRequestRecord>(requestItem);
  const decisions = sortKeys('DECISION#').map((item) => fromItem<DecisionRecord>(item));
  // The reservation steps already set RESERVED/PARTIAL/SOURCED: the Outcome event says whether it was concluded.
  // A retry after a lost answer (a timeout after the write) returns that outcome and writes nothing again.
  const recorded = sortKeys('EVENT#').map((item) => fromItem<AuditEvent>(item)).find((event) => event.step === 'Outcome');
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
  if (escalation) await escalations.closeEscalation(input.requestId);
  const holdUntil = held.length > 0 ? held.map((h) => h.expiresAt).sort().at(-1)! : null;
  await requests.recordStep(
    input.requestId,
    { status, ...(storeId ? { storeId } : {}), ...(reason ? { reason } : {}) },
    { requestId: input.requestId, at: now.toISOString(), step: 'Outcome', detail: { status, holds: held.map((h) => ({ hold: h.hold, storeId: h.storeId, lines: h.lines })), holdUntil, ...(reason ? { reason } : {}) } },
  );
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

export const handler = stepHandler('ConcludeRequest', (input: { requestId: string }) => concludeRequest(input));
