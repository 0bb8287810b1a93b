/**
 * The answers each kind of decision takes, as the product's decision route
 * reads them (functions/customer-request/domain/decision.ts and
 * functions/customer-lifecycle/tasks/): the console builds its form from
 * these and posts JSON; the route validates, and its refusal is shown.
 */

export interface AnswerField {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'number' | 'date';
  readonly required: boolean;
}

export interface AnswerOption {
  readonly value: string;
  readonly label: string;
  readonly fields: readonly AnswerField[];
}

export interface AnswerSpec {
  /** The field the choice goes in: `outcome`, or `action` for the handover and follow-up tasks. */
  readonly key: 'outcome' | 'action';
  readonly options: readonly AnswerOption[];
}

const text = (name: string, label: string, required = true): AnswerField => ({ name, label, type: 'text', required });
const number = (name: string, label: string, required = true): AnswerField => ({ name, label, type: 'number', required });
const date = (name: string, label: string, required = true): AnswerField => ({ name, label, type: 'date', required });

export const ANSWERS: Readonly<Record<string, AnswerSpec>> = {
  escalation: {
    key: 'outcome',
    options: [
      { value: 'sourced', label: 'Sourced at a store', fields: [text('storeId', 'Store id (e.g. S004)')] },
      { value: 'alternative', label: 'Offer an alternative product', fields: [text('sku', 'SKU'), number('quantity', 'Quantity'), text('note', 'Note', false)] },
      { value: 'declined', label: 'Decline', fields: [text('reason', 'Reason')] },
    ],
  },
  handover: {
    key: 'action',
    options: [
      { value: 'handover-now', label: 'Hand over now', fields: [] },
      { value: 'extend', label: 'Extend the handover period', fields: [number('weeks', 'Weeks (1–4)')] },
    ],
  },
  priceDecision: {
    key: 'outcome',
    options: [
      { value: 'approve', label: 'Approve', fields: [number('price', 'Price (€, optional)', false), date('validUntil', 'Valid until (optional)', false)] },
      { value: 'counter', label: 'Counter-offer', fields: [number('price', 'Price (€)'), text('note', 'Note', false)] },
      { value: 'reject', label: 'Reject', fields: [text('reason', 'Reason')] },
    ],
  },
  priceCounter: {
    key: 'outcome',
    options: [
      { value: 'accept', label: 'Accept the counter-offer', fields: [] },
      { value: 'decline', label: 'Decline it', fields: [text('reason', 'Reason', false)] },
    ],
  },
  followUp: {
    key: 'action',
    options: [
      { value: 'done', label: 'Done', fields: [] },
      { value: 'snooze', label: 'Snooze', fields: [date('until', 'Until')] },
      { value: 'reassign', label: 'Hand to the partner', fields: [] },
    ],
  },
};

/** The JSON body for a chosen option: empty optional fields left out, numbers as numbers. */
export function answerBody(spec: AnswerSpec, option: AnswerOption, values: Readonly<Record<string, string>>): Record<string, unknown> {
  const body: Record<string, unknown> = { [spec.key]: option.value };
  for (const field of option.fields) {
    const value = values[field.name]?.trim() ?? '';
    if (value === '') continue;
    body[field.name] = field.type === 'number' ? Number(value.replace(',', '.')) : value;
  }
  return body;
}
