/**
 * Workflow step PlanEscalation: stock is missing, so a person must decide. Sets
 * the deadlines (domain/deadlines.ts: SLA_MINUTES, WARNING_FRACTION), draws the
 * inside and field managers' single-use references, marks the missing
 * products as waited for (so the stock feed can tell the holder when they
 * arrive) and records ESCALATED.
 */
import { DynamoEscalationRepository } from '../repository/escalation-repository';
import { DynamoRequestRepository } from '../repository/request-repository';
import { businessMetrics } from '../shared/business-metrics';
import { stepHandler } from '../shared/step-handler';
import { decisionDeadlines } from './domain/deadlines';
import { newDecisionRef } from './domain/decision';
import type { EscalationPlan, RouteResult, StockResult } from './workflow/state';
import { numberEnv, tableContext } from './workflow/step-context';

export interface PlanEscalationInput {
  readonly requestId: string;
  readonly route: Pick<RouteResult, 'neededBy' | 'insideManagerId' | 'lines'>;
  readonly stock: Pick<StockResult, 'missing' | 'offers'>;
  /** True when part of the request is already held (PARTIAL): only `stock.missing` is escalated. */
  readonly partHeld: boolean;
}

export async function planEscalation(input: PlanEscalationInput, now = new Date()): Promise<EscalationPlan> {
  const ctx = tableContext();
  const deadlines = decisionDeadlines({
    neededBy: input.route.neededBy,
    now,
    slaMinutes: numberEnv('SLA_MINUTES', 30),
    warningFraction: numberEnv('WARNING_FRACTION', 0.5),
  });
  const insideWarnSeconds = Math.max(1, Math.round((Date.parse(deadlines.warnAt) - now.getTime()) / 1000));
  const missing = input.partHeld ? input.stock.missing : input.route.lines;
  const plan: EscalationPlan = {
    insideRef: newDecisionRef(),
    fieldRef: newDecisionRef(),
    missing,
    offers: input.stock.offers,
    warnAt: deadlines.warnAt,
    handOverAt: deadlines.handOverAt,
    finalAt: deadlines.finalAt,
    partnerWindowSeconds: deadlines.partnerWindowSeconds,
    insideWarnSeconds,
    insideRestSeconds: Math.max(1, deadlines.insideWindowSeconds - insideWarnSeconds),
  };
  const at = now.toISOString();
  await new DynamoEscalationRepository(ctx).openEscalation({
    requestId: input.requestId,
    holderId: input.route.insideManagerId,
    role: 'inside',
    ref: plan.insideRef,
    missing,
    openedAt: at,
  });
  await new DynamoRequestRepository(ctx).recordStep(
    input.requestId,
    { status: 'ESCALATED' },
    {
      requestId: input.requestId,
      at,
      step: 'Escalate',
      detail: { holderId: input.route.insideManagerId, missing, warnAt: plan.warnAt, handOverAt: plan.handOverAt, finalAt: plan.finalAt },
    },
  );
  businessMetrics.requestEscalated();
  return plan;
}

export const handler = stepHandler('PlanEscalation', (input: PlanEscalationInput) => planEscalation(input));
