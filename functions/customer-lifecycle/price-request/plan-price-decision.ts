/**
 * Workflow step PlanPriceDecision: how long each phase of the decision and
 * of a counter-offer waits (price-deadlines.ts, from the stage's
 * PRICE_DECISION_HOURS, PRICE_WARNING_FRACTION and COUNTER_OFFER_HOURS), and
 * the ids of the two tasks. The workflow waits these seconds out; the plan is
 * recorded in the customer's audit trail.
 */
import { DynamoCustomerHistory } from '../../repository/customer-history';
import { numberEnv, tableContext } from '../../customer-request/workflow/step-context';
import { stepHandler } from '../../shared/step-handler';
import { pricePhases, type PricePhases } from './price-deadlines';
import { priceTaskId } from './price-request-identity';

export interface PriceCaseInput {
  readonly customerId: string;
  readonly priceRequestId: string;
}

export type PricePlan = PricePhases & { readonly decisionTaskId: string; readonly counterTaskId: string };

export async function planPriceDecision(input: PriceCaseInput, now = new Date()): Promise<PricePlan> {
  const phases = pricePhases({
    priceDecisionHours: numberEnv('PRICE_DECISION_HOURS', 48),
    priceWarningFraction: numberEnv('PRICE_WARNING_FRACTION', 0.5),
    counterOfferHours: numberEnv('COUNTER_OFFER_HOURS', 72),
  });
  const plan: PricePlan = { ...phases, decisionTaskId: priceTaskId(input.priceRequestId, 'decision'), counterTaskId: priceTaskId(input.priceRequestId, 'counter') };
  await new DynamoCustomerHistory(tableContext()).append({
    customerId: input.customerId,
    caseId: input.priceRequestId,
    at: now.toISOString(),
    step: 'PriceDecisionPlanned',
    detail: {
      insideReminderAfterSeconds: phases.insideWarnSeconds,
      handOverAfterSeconds: phases.insideWindowSeconds,
      expiresAfterSeconds: phases.insideWindowSeconds + phases.partnerWindowSeconds,
      counterReminderAfterSeconds: phases.counterWarnSeconds,
      counterLapsesAfterSeconds: phases.counterWindowSeconds,
    },
  });
  return plan;
}

export const handler = stepHandler('PlanPriceDecision', (input: PriceCaseInput) => planPriceDecision(input));
