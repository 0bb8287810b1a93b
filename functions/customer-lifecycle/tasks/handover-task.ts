/**
 * The handover task (kind `handover`): during the handover period the field
 * manager holds the customer's onboarding link and may
 * - `{"action": "handover-now"}`: hand the customer to the inside manager at
 *   once (final), or
 * - `{"action": "extend", "weeks": 1–4}`: extend the period once, before it
 *   ends.
 * The same body comes from the link's page, its JSON, or the field manager's
 * app (POST /customers/{id}/onboarding). The rules are applyHandoverAction's;
 * the answer's transaction also writes the plan's change and its event
 * (`EarlyHandoverRequested` / `HandoverExtended`). The workflow hands over.
 */
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Language } from '../../domain/model';
import { formatDate, formatDateTime } from '../../customer-request/domain/messages';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { customerEventItem } from '../../repository/customer-history';
import { key } from '../../repository/table-layout';
import { escapeHtml } from '../../shared/http-response';
import { actionOfAnswer, applyHandoverAction, MAX_EXTENSION_WEEKS, parseHandoverAnswer, type OnboardingPlan } from '../domain/onboarding';
import { planOf, sendWelcome } from '../onboarding/onboarding-messages';
import { loadCustomerFacts } from '../workflow/customer-facts';
import type { CustomerTaskKindHandler, TaskPageContent } from './customer-task-kind';

/**
 * The plan check() read and the plan the answer makes of it: an extension
 * moves a date DynamoDB cannot add weeks to, so records() writes the new plan
 * with a condition on the plan as read — a plan changed in between refuses it.
 */
interface HandoverCheck {
  readonly before: OnboardingPlan;
  readonly after: OnboardingPlan;
}

const TEXT = {
  de: {
    title: 'Neukunde: Übergabe',
    lead: (customer: string, inside: string, on: string) =>
      `${customer} ist bis zur Übergabe am ${on} dein Kunde; dann übernimmt ${inside} (Innendienst). Du kannst schon jetzt übergeben oder die Übergabezeit einmal verlängern.`,
    customer: 'Kunde',
    city: 'Ort',
    menuFocus: 'Küche',
    wonOn: 'Gewonnen am',
    handover: 'Geplante Übergabe',
    extended: 'bereits verlängert',
    to: 'Übergabe an',
    handoverNow: (inside: string) => `Jetzt übergeben: ${inside} übernimmt den Kunden sofort (endgültig).`,
    extend: 'Übergabezeit verlängern um',
    weeks: (n: number) => (n === 1 ? '1 Woche' : `${n} Wochen`),
    submit: 'Absenden',
  },
  en: {
    title: 'New customer: handover',
    lead: (customer: string, inside: string, on: string) =>
      `${customer} is your customer until the handover on ${on}; then ${inside} (inside manager) takes over. You can hand over now, or extend the handover period once.`,
    customer: 'Customer',
    city: 'City',
    menuFocus: 'Menu focus',
    wonOn: 'Won on',
    handover: 'Planned handover',
    extended: 'extended once already',
    to: 'Handover to',
    handoverNow: (inside: string) => `Hand over now: ${inside} takes the customer over at once (final).`,
    extend: 'Extend the handover period by',
    weeks: (n: number) => (n === 1 ? '1 week' : `${n} weeks`),
    submit: 'Send',
  },
} as const;

export const handoverTask: CustomerTaskKindHandler<HandoverCheck> = {
  parseAnswer: (body) => parseHandoverAnswer(body),

  fromForm(form) {
    const action = form.get('outcome')?.trim() || undefined;
    const weeks = form.get('weeks')?.trim();
    return action === 'extend' ? { action, weeks: weeks ? Number(weeks) : undefined } : { action };
  },

  async check(ctx, ref, answer, now) {
    const customer = await new DynamoCustomerRepository(ctx).getCustomer(ref.customerId);
    if (!customer) throw new NotFoundError('customer', ref.customerId);
    const before = planOf(customer);
    if (customer.lifecycle !== 'new') throw new ConflictError(`customer ${ref.customerId} was handed over to the inside role already`);
    // Handed over, extended once already, the period over: the plan's rules, nothing written.
    const after = applyHandoverAction(before, actionOfAnswer(answer), now) as OnboardingPlan;
    return { before, after };
  },

  records(ref, decided, { tableName, checked: { before, after } }) {
    const extension = decided.answer.outcome === 'extend';
    return [
      {
        Update: {
          TableName: tableName,
          Key: key.customer(ref.customerId),
          ConditionExpression: 'lifecycle = :new AND onboarding.handoverAt = :before AND onboarding.#extended = :wasExtended AND attribute_not_exists(onboarding.handedOverAt)',
          UpdateExpression: 'SET onboarding = :after',
          ExpressionAttributeNames: { '#extended': 'extended' },
          ExpressionAttributeValues: { ':new': 'new', ':before': before.handoverAt, ':wasExtended': before.extended, ':after': after },
        },
      },
      {
        Put: {
          TableName: tableName,
          Item: customerEventItem({
            customerId: ref.customerId,
            caseId: ref.caseId,
            at: decided.decidedAt,
            step: extension ? 'HandoverExtended' : 'EarlyHandoverRequested',
            detail: {
              taskId: ref.taskId,
              by: decided.decidedBy,
              previousHandoverAt: before.handoverAt,
              handoverAt: after.handoverAt,
              ...(extension ? { weeks: decided.answer.weeks } : {}),
            },
          }),
        },
      },
    ];
  },

  async page(ctx, ref, language: Language): Promise<TaskPageContent> {
    const t = TEXT[language];
    const { customer, tandem } = await loadCustomerFacts(ctx, ref.customerId);
    const plan = planOf(customer);
    const inside = tandem.insideManager.name;
    const radio = (value: string, label: string, extra = '') =>
      `<p><label><input type="radio" name="outcome" value="${escapeHtml(value)}" required> ${escapeHtml(label)}</label>${extra}</p>`;
    const weeks = Array.from({ length: MAX_EXTENSION_WEEKS }, (_, i) => `<option value="${i + 1}">${escapeHtml(t.weeks(i + 1))}</option>`).join('');
    return {
      title: t.title,
      lead: t.lead(customer.name, inside, formatDate(plan.handoverAt, language)),
      facts: [
        [t.customer, `${customer.name} (${customer.customerId})`],
        [t.city, `${customer.address.postcode} ${customer.address.city}`],
        ...(customer.menuFocus?.length ? [[t.menuFocus, customer.menuFocus.join(', ')] as const] : []),
        [t.wonOn, formatDate(plan.wonAt, language)],
        [t.handover, `${formatDateTime(plan.handoverAt, language)}${plan.extended ? ` (${t.extended})` : ''}`],
        [t.to, inside],
      ],
      formFields: [
        radio('handover-now', t.handoverNow(inside)),
        ...(plan.extended ? [] : [radio('extend', t.extend, ` <select name="weeks">${weeks}</select>`)]),
      ].join('\n'),
      submit: t.submit,
    };
  },

  async resend(ctx, notifier, ref, holder, link, occasion) {
    const facts = await loadCustomerFacts(ctx, ref.customerId);
    if (facts.customer.lifecycle !== 'new') return [];
    // A field manager new to the customer gets what the first one got: the welcome, with the link.
    return sendWelcome(ctx, notifier, facts, [holder], { personId: holder.person.personId, link }, occasion);
  },
};
