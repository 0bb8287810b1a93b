/**
 * The follow-up task (kind `followUp`): on the due day the owner — and,
 * unanswered, the partner — is asked to act on a follow-up: mark it done,
 * snooze it once to a later day, or hand it to the partner once. The same
 * answer comes from the link's page, its JSON, or the partners' app
 * (POST /customers/{id}/follow-ups/{followUpId}/actions). The answer's
 * transaction also writes the follow-up's change and its event.
 */
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Customer, Language, Tandem } from '../../domain/model';
import { formatDate } from '../../customer-request/domain/messages';
import type { Recipient, SentNotification, TandemNotifier } from '../../customer-request/workflow/tandem-notifier';
import type { CustomerTaskRef } from '../../repository/customer-task-repository';
import type { TableContext } from '../../repository/document-client';
import { DynamoFollowUps, followUpAnswerRecords, type FollowUpRecord } from '../../repository/follow-up-repository';
import { DynamoTandemDirectory } from '../../repository/tandem-directory';
import { escapeHtml } from '../../shared/http-response';
import { actionOf, applyFollowUpAction, berlinDate, otherRole, ownerOfTask, parseFollowUpAnswer } from '../domain/follow-up';
import { loadCustomerFacts } from '../workflow/customer-facts';
import type { CustomerTaskKindHandler, TaskPageContent } from './customer-task-kind';

/** Sends `followUpDue` with the task's link to the person holding it now. */
export async function sendFollowUpDue(
  ctx: TableContext,
  notifier: TandemNotifier,
  followUp: FollowUpRecord,
  facts: { readonly customer: Customer; readonly tandem: Tandem },
  holder: Recipient,
  link: string,
  occasion: string,
): Promise<readonly SentNotification[]> {
  const creator = await new DynamoTandemDirectory(ctx).personOf(facts.tandem, followUp.createdBy);
  return notifier.send(
    { customerId: followUp.customerId, caseId: followUp.followUpId },
    'followUpDue',
    [holder],
    (recipient) => ({
      customerName: facts.customer.name,
      customerId: followUp.customerId,
      recipientName: recipient.person.name,
      topic: followUp.topic,
      dueOn: followUp.dueOn,
      // Someone who left the directory since is named by id.
      createdByName: creator?.person.name ?? followUp.createdBy,
      snoozed: followUp.snoozed,
      link,
    }),
    occasion,
  );
}

async function currentFollowUp(ctx: TableContext, ref: CustomerTaskRef): Promise<FollowUpRecord> {
  const followUp = await new DynamoFollowUps(ctx).get(ref.customerId, ref.caseId);
  if (!followUp) throw new NotFoundError('follow-up', ref.caseId);
  return followUp;
}

const TEXT = {
  de: {
    title: 'Wiedervorlage',
    lead: (customer: string, topic: string) => `Wiedervorlage für ${customer}: ${topic}`,
    customer: 'Kunde',
    topic: 'Thema',
    dueOn: 'Fällig am',
    createdBy: 'Angelegt von',
    owner: 'Zuständig',
    snoozed: 'bereits einmal verschoben',
    roles: { field: 'Außendienst', inside: 'Innendienst' },
    done: 'Erledigt',
    snooze: 'Verschieben auf',
    reassign: (partner: string) => `An ${partner} übergeben`,
    submit: 'Absenden',
  },
  en: {
    title: 'Follow-up',
    lead: (customer: string, topic: string) => `Follow-up for ${customer}: ${topic}`,
    customer: 'Customer',
    topic: 'Topic',
    dueOn: 'Due on',
    createdBy: 'Created by',
    owner: 'Owner',
    snoozed: 'snoozed once already',
    roles: { field: 'field manager', inside: 'inside manager' },
    done: 'Done',
    snooze: 'Snooze until',
    reassign: (partner: string) => `Hand over to ${partner}`,
    submit: 'Send',
  },
} as const;

function radio(value: string, label: string, extra = ''): string {
  return `<p><label><input type="radio" name="outcome" value="${escapeHtml(value)}" required> ${escapeHtml(label)}</label>${extra}</p>`;
}

export const followUpTask: CustomerTaskKindHandler = {
  parseAnswer: (body) => parseFollowUpAnswer(body),

  fromForm(form) {
    const field = (name: string) => form.get(name)?.trim() || undefined;
    const action = field('outcome');
    return action === 'snooze' ? { action, until: field('until') } : { action };
  },

  async check(ctx, ref, answer, now) {
    const followUp = await currentFollowUp(ctx, ref);
    if (followUp.status === 'OPEN' && followUp.taskId !== ref.taskId) {
      throw new ConflictError(`follow-up ${ref.caseId} has moved on since this task was offered; use the newest link`);
    }
    if (followUp.status === 'OPEN' && followUp.owner !== ownerOfTask(ref)) {
      throw new ConflictError(`follow-up ${ref.caseId} is owned by the ${followUp.owner} manager now; use the newest link`);
    }
    // Done, snoozed once, handed over once, a day not later: the domain's rules, nothing written.
    applyFollowUpAction(followUp, actionOf(answer), now);
  },

  records: (ref, decided, { tableName }) => followUpAnswerRecords(tableName)(ref, decided),

  async page(ctx, ref, language: Language): Promise<TaskPageContent> {
    const t = TEXT[language];
    const followUp = await currentFollowUp(ctx, ref);
    const { customer, tandem } = await loadCustomerFacts(ctx, ref.customerId);
    const partnerRole = otherRole(followUp.owner);
    const partner = partnerRole === 'field' ? tandem.fieldManager : tandem.insideManager;
    const creator = await new DynamoTandemDirectory(ctx).personOf(tandem, followUp.createdBy);
    const tomorrow = berlinDate(new Date(Date.now() + 86_400_000));
    const earliest = followUp.dueOn >= tomorrow ? nextDay(followUp.dueOn) : tomorrow;
    const fields = [
      radio('done', t.done),
      ...(followUp.snoozed ? [] : [radio('snooze', t.snooze, ` <input type="date" name="until" min="${escapeHtml(earliest)}" value="${escapeHtml(earliest)}">`)]),
      ...(followUp.reassignedFrom ? [] : [radio('reassign', t.reassign(partner.name))]),
    ];
    return {
      title: t.title,
      lead: t.lead(customer.name, followUp.topic),
      facts: [
        [t.customer, `${customer.name} (${customer.customerId})`],
        [t.topic, followUp.topic],
        [t.dueOn, `${formatDate(followUp.dueOn, language)}${followUp.snoozed ? ` (${t.snoozed})` : ''}`],
        [t.createdBy, creator?.person.name ?? followUp.createdBy],
        [t.owner, t.roles[followUp.owner]],
      ],
      formFields: fields.join('\n'),
      submit: t.submit,
    };
  },

  async resend(ctx, notifier, ref, holder, link, occasion) {
    const followUp = await currentFollowUp(ctx, ref);
    // Before the due day nobody has been reminded yet: the new holder is, on the day.
    if (followUp.status !== 'OPEN' || followUp.taskId !== ref.taskId || followUp.stage === 'scheduled') return [];
    return sendFollowUpDue(ctx, notifier, followUp, await loadCustomerFacts(ctx, ref.customerId), holder, link, occasion);
  },
};

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
