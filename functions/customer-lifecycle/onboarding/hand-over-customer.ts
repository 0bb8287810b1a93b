/**
 * HandOverCustomer: the customer passes from the field to the inside role —
 * owner `inside`, status `handed-over`, a `HandedOver` event — exactly once
 * (the update is conditional on the customer still being `new`); then both
 * partners are told. Run again (a retry, or after quiet hours held an SMS),
 * it writes nothing and sends only what is not sent yet; `heldUntil` says
 * when a held SMS can go.
 */
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { customerEventItem } from '../../repository/customer-history';
import { businessMetrics } from '../../shared/business-metrics';
import { stepHandler } from '../../shared/step-handler';
import { tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import { loadCustomerFacts } from '../workflow/customer-facts';
import { planOf, sendHandover } from './onboarding-messages';

export interface HandOverInput {
  readonly customerId: string;
  readonly caseId: string;
  /** The round that ended the period: `early` when the field manager handed over before its end. */
  readonly round: { readonly early?: boolean };
}

export interface HandOverResult {
  readonly handedOverAt: string;
  readonly early: boolean;
  /** The earliest end of quiet hours an informational SMS waits for. */
  readonly heldUntil?: string;
}

export async function handOverCustomer(input: HandOverInput, now = new Date()): Promise<HandOverResult> {
  const ctx = tableContext();
  const customers = new DynamoCustomerRepository(ctx);
  const facts = await loadCustomerFacts(ctx, input.customerId);
  const plan = planOf(facts.customer);
  const early = input.round.early === true;
  const at = now.toISOString();
  const written =
    facts.customer.lifecycle === 'new'
      ? await customers.handOverToInside(
          input.customerId,
          at,
          customerEventItem({
            customerId: input.customerId,
            caseId: input.caseId,
            at,
            step: 'HandedOver',
            detail: { early, extended: plan.extended, plannedHandoverAt: plan.handoverAt, from: facts.tandem.fieldManager.personId, to: facts.tandem.insideManager.personId },
          }),
        )
      : 'was-handed-over';
  if (written === 'handed-over') businessMetrics.customerHandedOver();
  const handedOverAt = written === 'handed-over' ? at : ((await customers.getCustomer(input.customerId))?.handedOverAt ?? at);
  const sent = await sendHandover(tandemNotifier(), facts, { handedOverAt, early });
  const held = sent.flatMap((s) => (s.outcome === 'held' && s.heldUntil ? [s.heldUntil] : [])).sort();
  return { handedOverAt, early, ...(held[0] ? { heldUntil: held[0] } : {}) };
}

export const handler = stepHandler('HandOverCustomer', (input: HandOverInput) => handOverCustomer(input));
