/**
 * What the two special-price tasks' link pages share: the case they are
 * about, read fresh (the request, the customer and its tandem now), and how
 * prices, volumes and form fields are written on a page. Every value that
 * reaches HTML is escaped here.
 */
import { NotFoundError } from '../../domain/errors';
import type { Language, Unit } from '../../domain/model';
import { formatPrice, formatQuantity } from '../../customer-request/domain/messages';
import type { TableContext } from '../../repository/document-client';
import type { CustomerTaskRef } from '../../repository/customer-task-repository';
import { DynamoPriceRepository, type PriceRequestRecord } from '../../repository/price-repository';
import { escapeHtml } from '../../shared/http-response';
import type { WeeklyVolume } from '../domain/price-tiers';
import { loadCustomerFacts, type CustomerFacts } from '../workflow/customer-facts';

export interface PriceCase {
  readonly request: PriceRequestRecord;
  readonly facts: CustomerFacts;
}

/** The price request a task is about (its case), with the customer and tandem now. */
export async function loadPriceCase(ctx: TableContext, ref: Pick<CustomerTaskRef, 'customerId' | 'caseId'>): Promise<PriceCase> {
  const [request, facts] = await Promise.all([new DynamoPriceRepository(ctx).getRequest(ref.customerId, ref.caseId), loadCustomerFacts(ctx, ref.customerId)]);
  if (!request) throw new NotFoundError('price request', ref.caseId);
  return { request, facts };
}

/** `kg`, `Stk` / `pc`: the unit as a price is quoted per it. */
const perUnit = (unit: Unit, language: Language): string => formatQuantity(1, unit, language).replace(/^1\s/, '');

/** `39,50 €/kg` / `€39.50/kg`. */
export const unitPrice = (eur: number, unit: Unit, language: Language): string => `${formatPrice(eur, language)}/${perUnit(unit, language)}`;

/** `10–12 kg`, or `10 kg` when the range is one figure. */
export function weeklyRange(volume: WeeklyVolume, unit: Unit, language: Language): string {
  return volume.min === volume.max ? formatQuantity(volume.min, unit, language) : `${formatQuantity(volume.min, unit, language).split(' ')[0]}–${formatQuantity(volume.max, unit, language)}`;
}

/** A price as a form field's value: `39.50`. */
export const priceValue = (eur: number): string => eur.toFixed(2);

/** One choice of the form: a radio button named `outcome` and the inputs that belong to it (already HTML). */
export function choice(value: string, label: string, inputs: string, first = false): string {
  return `<p><label><input type="radio" name="outcome" value="${escapeHtml(value)}"${first ? ' required' : ''}> ${escapeHtml(label)}</label>${inputs ? `<br>${inputs}` : ''}</p>`;
}

/** A text input; `value` and `placeholder` are escaped. */
export function input(name: string, options: { readonly size?: number; readonly value?: string; readonly placeholder?: string; readonly type?: 'text' | 'date'; readonly decimal?: boolean; readonly maxLength?: number } = {}): string {
  const attributes = [
    `name="${escapeHtml(name)}"`,
    options.type === 'date' ? 'type="date"' : '',
    options.decimal ? 'inputmode="decimal"' : '',
    options.size ? `size="${options.size}"` : '',
    options.maxLength ? `maxlength="${options.maxLength}"` : '',
    options.value === undefined ? '' : `value="${escapeHtml(options.value)}"`,
    options.placeholder === undefined ? '' : `placeholder="${escapeHtml(options.placeholder)}"`,
    'autocomplete="off"',
  ].filter(Boolean);
  return `<input ${attributes.join(' ')}>`;
}

/** A price typed into a form (`39,50` or `39.50`) as the number the JSON answer would carry; anything else stays text for the parser to refuse. */
export function formPrice(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const normalised = text.replace(/\s/g, '').replace(',', '.');
  return /^\d+(\.\d+)?$/.test(normalised) ? Number(normalised) : text;
}

/** A form field's trimmed text, or undefined when it is empty. */
export const formText = (form: URLSearchParams, name: string): string | undefined => form.get(name)?.trim() || undefined;
