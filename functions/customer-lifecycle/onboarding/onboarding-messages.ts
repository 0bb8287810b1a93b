/**
 * The onboarding's messages to the tandem: the welcome (both partners; the
 * field manager's with the onboarding link), the joint-visit reminder (the
 * field manager, with the link) and the handover (both partners). Every one
 * is logged under the customer's onboarding case, once per occasion.
 */
import { ConflictError } from '../../domain/errors';
import type { Customer } from '../../domain/model';
import type { TableContext } from '../../repository/document-client';
import { DynamoTandemDirectory } from '../../repository/tandem-directory';
import type { Recipient, SentNotification, TandemNotifier } from '../../customer-request/workflow/tandem-notifier';
import { onboardingCaseId, type OnboardingPlan } from '../domain/onboarding';
import type { CustomerFacts } from '../workflow/customer-facts';

/** The customer's handover plan; a customer without one was not onboarded here. */
export function planOf(customer: Customer): OnboardingPlan {
  if (!customer.onboarding) throw new ConflictError(`customer ${customer.customerId} was not registered as a newly won customer; it has no handover period`);
  return customer.onboarding;
}

const caseOf = (customerId: string) => ({ customerId, caseId: onboardingCaseId(customerId) });

const common = (customer: Customer, recipient: Recipient) => ({
  customerName: customer.name,
  customerId: customer.customerId,
  recipientName: recipient.person.name,
  city: customer.address.city,
});

/** Sends `welcome` to each recipient; the one holding the task gets the onboarding link. */
export async function sendWelcome(
  ctx: TableContext,
  notifier: TandemNotifier,
  facts: CustomerFacts,
  recipients: readonly Recipient[],
  holder: { readonly personId: string; readonly link: string },
  occasion: string,
): Promise<readonly SentNotification[]> {
  const plan = planOf(facts.customer);
  // The person who registered the customer, by name while the directory knows them.
  const wonBy = (await new DynamoTandemDirectory(ctx).personOf(facts.tandem, plan.registeredBy))?.person.name ?? plan.registeredBy;
  return notifier.send(
    caseOf(facts.customer.customerId),
    'welcome',
    recipients,
    (recipient) => ({
      ...common(facts.customer, recipient),
      menuFocus: facts.customer.menuFocus ?? [],
      wonByName: wonBy,
      insideName: facts.tandem.insideManager.name,
      handoverOn: plan.handoverAt,
      ...(recipient.person.personId === holder.personId ? { link: holder.link } : {}),
    }),
    occasion,
  );
}

/** Sends `visitReminder` with the onboarding link to the task's holder: a joint visit with the inside manager is due. */
export async function sendVisitReminder(notifier: TandemNotifier, facts: CustomerFacts, holder: Recipient, link: string, occasion: string): Promise<readonly SentNotification[]> {
  const plan = planOf(facts.customer);
  return notifier.send(
    caseOf(facts.customer.customerId),
    'visitReminder',
    [holder],
    (recipient) => ({ ...common(facts.customer, recipient), partnerName: facts.tandem.insideManager.name, handoverOn: plan.handoverAt, link }),
    occasion,
  );
}

/** Sends `handover` to both partners: the customer now belongs to the inside manager. */
export async function sendHandover(
  notifier: TandemNotifier,
  facts: CustomerFacts,
  handover: { readonly handedOverAt: string; readonly early: boolean },
): Promise<readonly SentNotification[]> {
  const recipients = await notifier.recipients(facts.tandem, ['field', 'inside']);
  return notifier.send(
    caseOf(facts.customer.customerId),
    'handover',
    recipients,
    (recipient) => ({
      ...common(facts.customer, recipient),
      handedOverOn: handover.handedOverAt,
      fromName: facts.tandem.fieldManager.name,
      toName: facts.tandem.insideManager.name,
      early: handover.early,
    }),
    // Once per customer: a retried or re-run step (after quiet hours) sends what is not sent yet.
    'handedOver',
  );
}
