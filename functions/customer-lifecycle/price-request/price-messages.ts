/**
 * The parameters of the three special-price messages (functions/customer-request/domain/messages.ts):
 * `priceDecision` to whoever decides, `priceCounter` to the field manager,
 * `priceOutcome` to both partners — built the same way by the workflow's
 * steps and by a task re-targeted to another person.
 */
import type { Customer, Tandem } from '../../domain/model';
import type { MessageParams, PriceOutcome } from '../../customer-request/domain/messages';
import type { Recipient } from '../../customer-request/workflow/tandem-notifier';
import type { CustomerTaskPhase } from '../../repository/customer-task-repository';
import type { TableContext } from '../../repository/document-client';
import type { PriceRequestRecord } from '../../repository/price-repository';
import { DynamoTandemDirectory } from '../../repository/tandem-directory';

export interface PriceTaskLink {
  readonly link: string;
  /** The deadline the message names: when the task passes on, or ends. */
  readonly answerBy: string;
  readonly phase: CustomerTaskPhase;
  /** Who gets the task if this holder does not answer. */
  readonly nextHolderName?: string;
  /** Who did not answer before a hand-over. */
  readonly fromName?: string;
}

/** A person's name for a message: one of the tandem, anyone else (a deputy, a replaced partner) from the directory, else the id. */
export async function personName(ctx: TableContext, tandem: Tandem, personId: string | undefined): Promise<string | undefined> {
  if (personId === undefined) return undefined;
  return (await new DynamoTandemDirectory(ctx).personOf(tandem, personId))?.person.name ?? personId;
}

const about = (request: PriceRequestRecord, customer: Customer, recipient: Recipient) => ({
  customerName: customer.name,
  customerId: customer.customerId,
  recipientName: recipient.person.name,
  productName: request.productName,
  sku: request.sku,
  unit: request.unit,
});

const taskFields = (task: PriceTaskLink) => ({
  link: task.link,
  answerBy: task.answerBy,
  ...(task.nextHolderName ? { nextHolderName: task.nextHolderName } : {}),
});

/** The ask to approve, counter or reject; a reminder or a hand-over says so. The volume named is the one the tier is earned by. */
export function priceDecisionParams(request: PriceRequestRecord, customer: Customer, recipient: Recipient, task: PriceTaskLink, requestedByName: string): MessageParams['priceDecision'] {
  return {
    ...about(request, customer, recipient),
    ...taskFields(task),
    weeklyVolume: request.weeklyVolume.min,
    proposedPrice: request.proposedPrice,
    suggestedPrice: request.suggestion.suggestedPrice,
    requestedByName,
    ...(task.phase === 'decisionNeeded' ? {} : { phase: task.phase }),
    ...(task.fromName ? { fromName: task.fromName } : {}),
  };
}

export function priceCounterParams(request: PriceRequestRecord, customer: Customer, recipient: Recipient, task: PriceTaskLink, counteredByName: string): MessageParams['priceCounter'] {
  if (request.counterPrice === undefined) throw new Error(`price request ${request.priceRequestId} has no counter-offer`);
  return {
    ...about(request, customer, recipient),
    ...taskFields(task),
    weeklyVolume: request.weeklyVolume.min,
    proposedPrice: request.proposedPrice,
    counterPrice: request.counterPrice,
    ...(request.decision?.note ? { note: request.decision.note } : {}),
    counteredByName,
  };
}

export function priceOutcomeParams(request: PriceRequestRecord, customer: Customer, recipient: Recipient, byName: string | undefined): MessageParams['priceOutcome'] {
  if (request.outcome === undefined) throw new Error(`price request ${request.priceRequestId} has no outcome yet`);
  const outcome: PriceOutcome = request.outcome;
  return {
    ...about(request, customer, recipient),
    outcome,
    ...(request.agreedPrice === undefined ? {} : { price: request.agreedPrice }),
    ...(request.validUntil === undefined ? {} : { validUntil: request.validUntil }),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(byName ? { byName } : {}),
  };
}
