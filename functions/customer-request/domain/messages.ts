/**
 * What the tandem reads about a customer request, or about a customer (a handover,
 * a special price): one SMS (a single GSM-7 segment with the essentials and, where
 * an answer is needed, the decision link) and one email (every detail) per message
 * kind, in German (default) or English.
 */
import type { Language, Unit } from '../../domain/model';

// ---------------------------------------------------------------------------
// GSM 03.38: what fits in one 160-character SMS segment
// ---------------------------------------------------------------------------

export const SMS_SEGMENT_LIMIT = 160;

// The basic character set (the escape 0x1B is left out: it only introduces the extension table).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// The extension table: each of these is sent as escape + character, so it counts 2.
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/** Length in GSM-7 septets (extension characters count 2), or undefined if a character is not GSM-7. */
export function gsm7Length(text: string): number | undefined {
  let length = 0;
  for (const c of text) {
    if (GSM7_BASIC.has(c)) length += 1;
    else if (GSM7_EXTENSION.has(c)) length += 2;
    else return undefined;
  }
  return length;
}

// One non-GSM-7 character in a message switches the whole SMS to UCS-2 (70 characters), so these are replaced.
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  '„': '"', '“': '"', '”': '"', '‟': '"', '«': '"', '»': '"', '″': '"',
  '‚': "'", '‘': "'", '’': "'", '‛': "'", '′': "'", '`': "'", '´': "'",
  '–': '-', '—': '-', '‐': '-', '‑': '-', '‒': '-', '−': '-',
  '…': '...', '×': 'x', '•': '-', '·': '-', '\t': ' ', '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ',
};

/** Replaces every character outside GSM-7: typographic quotes and dashes by ASCII, accents dropped (ê → e), the rest '?'. */
export function toGsm7(text: string): string {
  let out = '';
  for (const c of text) {
    if (GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c)) out += c;
    else if (TRANSLITERATIONS[c] !== undefined) out += TRANSLITERATIONS[c];
    else {
      // NFKD splits ê into e + ◌̂ and ² into 2; keep the base if it is GSM-7.
      const base = c.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += base.length > 0 && gsm7Length(base) !== undefined ? base : '?';
    }
  }
  return out;
}

/** A part the SMS may shorten (a customer or product name); plain strings (link, quantity, dates) are never shortened. */
export interface ShrinkablePart {
  readonly shrinkable: string;
  /** Characters kept at least before the ellipsis. @default 6 */
  readonly min?: number;
}
/** A piece of an SMS or an email subject: plain text is kept whole, a ShrinkablePart may be shortened. */
export type SmsPart = string | ShrinkablePart;

const ELLIPSIS = '...';
const DEFAULT_MIN_CHARS = 6;

function shortened(chars: readonly string[], keep: number): string {
  if (keep >= chars.length) return chars.join('');
  return chars.slice(0, keep).join('').replace(/[\s,;:.\-/(]+$/, '') + ELLIPSIS;
}

/** How a text is made safe for its channel and how its length is counted there. */
interface Channel {
  readonly encode: (text: string) => string;
  readonly measure: (text: string) => number;
}
const SMS_CHANNEL: Channel = { encode: toGsm7, measure: (text) => gsm7Length(text) ?? Infinity };

interface Fitted {
  readonly text: string;
  readonly fits: boolean;
  /** Characters kept of the most shortened name; Infinity when no name was shortened. */
  readonly shortestKept: number;
}

/**
 * While too long, the longest shrinkable part loses characters (and gets '...'), so long names share
 * the room fairly. Reports whether the text fits once every name is at its minimum.
 */
function fitParts(parts: readonly SmsPart[], limit: number, channel: Channel): Fitted {
  const pieces = parts.map((part) => {
    if (typeof part === 'string') return { text: channel.encode(part), chars: undefined, keep: 0, min: 0 };
    const chars = [...channel.encode(part.shrinkable.replace(/\s+/g, ' ').trim())];
    return { text: chars.join(''), chars, keep: chars.length, min: part.min ?? DEFAULT_MIN_CHARS };
  });
  const lengths = pieces.map((p) => channel.measure(p.text));
  let total = lengths.reduce((sum, n) => sum + n, 0);
  let fits = true;

  while (total > limit) {
    let longest = -1;
    let runnerUp = 0;
    pieces.forEach((piece, i) => {
      if (piece.chars === undefined || piece.keep <= piece.min) return;
      const length = lengths[i] ?? 0;
      if (longest < 0 || length > (lengths[longest] ?? 0)) {
        if (longest >= 0) runnerUp = Math.max(runnerUp, lengths[longest] ?? 0);
        longest = i;
      } else runnerUp = Math.max(runnerUp, length);
    });
    const piece = pieces[longest];
    if (piece?.chars === undefined) {
      fits = false;
      break;
    }
    // Cut half of what is still too long (or of the lead over the next name) at once: fewer rounds,
    // still fair, and never too much, because even extension characters count only 2.
    const lead = (lengths[longest] ?? 0) - runnerUp;
    piece.keep -= Math.max(1, Math.min(Math.floor(Math.min(total - limit, lead) / 2), piece.keep - piece.min));
    piece.text = shortened(piece.chars, piece.keep);
    const length = channel.measure(piece.text);
    total += length - (lengths[longest] ?? 0);
    lengths[longest] = length;
  }
  // Never two full stops in a row: 'Gans küch...' or '+2 Pos.' before '. Entscheiden' keeps its own.
  const text = pieces
    .reduce((out, p) => out + (out.endsWith('.') && /^\.(?!\.)/.test(p.text) ? p.text.slice(1) : p.text), '')
    .replace(/\.{4}/g, ELLIPSIS);
  const shortestKept = Math.min(...pieces.filter((p) => p.chars !== undefined && p.keep < p.chars.length).map((p) => p.keep));
  return { text, fits, shortestKept };
}

/**
 * Joins the parts into one GSM-7 segment. While too long, the longest shrinkable
 * part loses a character (and gets '...'), so long names share the room fairly.
 * Throws if the fixed parts alone cannot fit — a template or link that is too long is a bug, not input.
 */
export function fitSms(parts: readonly SmsPart[], limit: number = SMS_SEGMENT_LIMIT): string {
  const fitted = fitParts(parts, limit, SMS_CHANNEL);
  if (!fitted.fits) throw new RangeError(`SMS cannot fit ${limit} GSM-7 characters even with every name shortened: ${fitted.text}`);
  return fitted.text;
}

// ---------------------------------------------------------------------------
// Formatting in the reader's language and time zone
// ---------------------------------------------------------------------------

export const MESSAGE_TIME_ZONE = 'Europe/Berlin';
const WEEKDAYS: Record<Language, readonly string[]> = {
  de: ['So', 'Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const berlinParts = new Intl.DateTimeFormat('en-US', {
  timeZone: MESSAGE_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function wallClock(time: string | Date): { year: number; month: number; day: number; hh: string; mm: string } {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a date-time: ${String(time)}`);
  const parts = berlinParts.formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return { year: Number(part('year')), month: Number(part('month')), day: Number(part('day')), hh: part('hour'), mm: part('minute') };
}

/** `Sa 28.11. 08:00` / `Sat 28 Nov 08:00`, Berlin wall-clock time: short enough for an SMS, unambiguous within the 60 days a request may look ahead. */
export function formatDateTime(time: string | Date, language: Language): string {
  const { year, month, day, hh, mm } = wallClock(time);
  const weekday = WEEKDAYS[language][new Date(Date.UTC(year, month - 1, day)).getUTCDay()] ?? '';
  return language === 'de'
    ? `${weekday} ${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}. ${hh}:${mm}`
    : `${weekday} ${day} ${MONTHS_EN[month - 1] ?? ''} ${hh}:${mm}`;
}

/** `08:30`: answer deadlines are at most an SLA window (minutes to hours) away, so the time alone is clear. */
export function formatTime(time: string | Date): string {
  const { hh, mm } = wallClock(time);
  return `${hh}:${mm}`;
}

const numberFormats: Record<Language, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { maximumFractionDigits: 3 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 }),
};
const UNIT_LABELS: Record<Language, Record<Unit, readonly [one: string, many: string]>> = {
  de: { piece: ['Stk', 'Stk'], kg: ['kg', 'kg'], case: ['Kart.', 'Kart.'], litre: ['l', 'l'] },
  en: { piece: ['pc', 'pcs'], kg: ['kg', 'kg'], case: ['case', 'cases'], litre: ['l', 'l'] },
};

/** `10 Stk`, `2,5 kg`, `1.000 Kart.` / `10 pcs`, `2.5 kg`, `1 case`. */
export function formatQuantity(quantity: number, unit: Unit, language: Language): string {
  const [one, many] = UNIT_LABELS[language][unit];
  return `${numberFormats[language].format(quantity)} ${quantity === 1 ? one : many}`;
}

const priceFormats: Record<Language, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
};

/** `12,50 €`, `-1.249,90 €` / `€12.50`, `-€1,249.90`. `€` is a GSM-7 extension character: it counts 2 in an SMS. */
export function formatPrice(eur: number, language: Language): string {
  const sign = eur < 0 ? '-' : '';
  const amount = priceFormats[language].format(Math.abs(eur));
  return language === 'de' ? `${sign}${amount} €` : `${sign}€${amount}`;
}

const kmFormats: Record<Language, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 }),
};
const formatKm = (km: number, language: Language): string => `${kmFormats[language].format(km)} km`;

// ---------------------------------------------------------------------------
// Message kinds and their parameters
// ---------------------------------------------------------------------------

/** The kinds about a customer request: each names the request's facts (lines, needed-by, fulfilment). */
export const REQUEST_MESSAGE_KINDS = ['reserved', 'partial', 'decisionNeeded', 'reminder', 'handedToPartner', 'unfulfilled', 'sourced', 'stockArrived'] as const;
/** The kinds about a customer of the tandem without a request: a handover, a special price. */
export const CUSTOMER_MESSAGE_KINDS = ['handover', 'priceDecision'] as const;
/** Every message kind; a new kind needs a template in each language (the records below insist). */
export const ALL_MESSAGE_KINDS = [...REQUEST_MESSAGE_KINDS, ...CUSTOMER_MESSAGE_KINDS] as const;
/**
 * The request kinds: what a request's notification log records, and so what the API's
 * `notifications[].kind` lists (openapi.ts). Customer kinds are never logged on a request.
 */
export const MESSAGE_KINDS = REQUEST_MESSAGE_KINDS;
export type RequestMessageKind = (typeof REQUEST_MESSAGE_KINDS)[number];
export type CustomerMessageKind = (typeof CUSTOMER_MESSAGE_KINDS)[number];
export type MessageKind = (typeof ALL_MESSAGE_KINDS)[number];

/**
 * The kinds where a person must answer by a deadline (each carries a decision link); the rest only inform.
 * Quiet hours hold back non-urgent SMS only: an urgent SMS goes out at once, day or night, and emails are never held.
 */
export const URGENT_KINDS = ['decisionNeeded', 'reminder', 'handedToPartner', 'stockArrived', 'priceDecision'] as const satisfies readonly MessageKind[];
const URGENT: ReadonlySet<MessageKind> = new Set(URGENT_KINDS);

/** True if someone must answer this kind by a deadline, so quiet hours must not hold its SMS back. */
export function isUrgent(kind: MessageKind): boolean {
  return URGENT.has(kind);
}

export interface MessageLine {
  readonly sku: string;
  readonly productName: string;
  readonly quantity: number;
  readonly unit: Unit;
}

export interface MessageStore {
  readonly name: string;
  readonly city: string;
  readonly street?: string;
  readonly postcode?: string;
  /** From the customer's home store. */
  readonly distanceKm?: number;
}

/** What every request kind names; its email prints them as the request facts. */
interface RequestFacts {
  readonly requestId: string;
  readonly customerName: string;
  /** Everything the customer asked for. */
  readonly lines: readonly MessageLine[];
  readonly neededBy: string;
  readonly fulfilment: 'pickup' | 'delivery';
  readonly note?: string;
  /** For the greeting of the email. */
  readonly recipientName?: string;
}

/** What every customer kind names (there is no request). */
interface CustomerFacts {
  readonly customerName: string;
  readonly customerId: string;
  /** For the greeting of the email. */
  readonly recipientName?: string;
}

interface DecisionTask {
  /** The short, single-use decision link. */
  readonly link: string;
  /** When the task passes on (to the partner, or to UNFULFILLED). */
  readonly answerBy: string;
  /** Who gets the task if this recipient does not answer; absent when no one does. */
  readonly nextHolderName?: string;
}

export interface MessageParams {
  reserved: RequestFacts & { readonly store: MessageStore; readonly reservedUntil?: string };
  partial: RequestFacts & {
    readonly store: MessageStore;
    readonly reserved: readonly MessageLine[];
    readonly missing: readonly MessageLine[];
  };
  decisionNeeded: RequestFacts &
    DecisionTask & {
      readonly missing: readonly MessageLine[];
      /** What other stores could give, for the decider to weigh. */
      readonly offers?: readonly { readonly store: MessageStore; readonly lines: readonly MessageLine[] }[];
    };
  reminder: RequestFacts & DecisionTask;
  handedToPartner: RequestFacts & DecisionTask & { readonly fromName: string };
  unfulfilled: RequestFacts & {
    readonly reason: { readonly kind: 'timeout' } | { readonly kind: 'declined'; readonly text: string; readonly byName?: string };
  };
  sourced: RequestFacts & { readonly store: MessageStore; readonly decidedByName: string };
  /** Stock of a product the holder's open decision waits for has just been counted at a store. */
  stockArrived: RequestFacts & DecisionTask & { readonly store: MessageStore; readonly arrived: readonly MessageLine[] };
  /** A newly won customer passes from the field manager to the inside manager: at the end of the handover period, or early. */
  handover: CustomerFacts & {
    readonly city: string;
    /** ISO date-time. */
    readonly handedOverOn: string;
    /** The field manager. */
    readonly fromName: string;
    /** The inside manager. */
    readonly toName: string;
    /** Before the handover period ended. */
    readonly early: boolean;
  };
  /** A field manager asks for a special price; the inside manager approves, counters or rejects it by answerBy. */
  priceDecision: CustomerFacts &
    DecisionTask & {
      readonly productName: string;
      readonly sku: string;
      readonly weeklyVolume: number;
      readonly unit: Unit;
      /** EUR per unit. */
      readonly proposedPrice: number;
      /** EUR per unit, from the volume tier. */
      readonly suggestedPrice: number;
      readonly requestedByName: string;
    };
}

export interface RenderedMessage {
  readonly sms: string;
  readonly email: { readonly subject: string; readonly body: string };
}

// ---------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------

interface Phrases {
  readonly more: (n: number) => string;
  readonly fulfilment: Record<'pickup' | 'delivery', string>;
  readonly of: string;
  readonly greeting: (name?: string) => string;
  readonly labels: {
    customer: string; neededBy: string; request: string; lines: string; store: string; note: string;
    missing: string; reserved: string; offers: string; link: string; answerBy: string; reservedUntil: string;
    city: string; handover: string; from: string; to: string;
    product: string; weeklyVolume: string; proposedPrice: string; suggestedPrice: string; difference: string; requestedBy: string;
  };
  readonly choices: readonly string[];
  readonly afterDeadline: (next?: string) => string;
  readonly roles: Record<'field' | 'inside', string>;
  readonly early: string;
  readonly perWeek: string;
  readonly priceChoices: (requestedByName: string) => readonly string[];
  readonly priceAfterDeadline: (next?: string) => string;
  readonly signature: string;
}

const PHRASES: Record<Language, Phrases> = {
  de: {
    more: (n) => ` +${n} Pos.`,
    fulfilment: { pickup: 'Abholung', delivery: 'Lieferung' },
    of: 'von',
    greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
    labels: {
      customer: 'Kunde', neededBy: 'Benötigt', request: 'Anfrage', lines: 'Positionen', store: 'Markt', note: 'Notiz',
      missing: 'Es fehlen', reserved: 'Reserviert', offers: 'Bestand in anderen Märkten', link: 'Entscheiden',
      answerBy: 'Antwort bis', reservedUntil: 'Reserviert bis',
      city: 'Ort', handover: 'Übergabe', from: 'Von', to: 'An',
      product: 'Artikel', weeklyVolume: 'Menge pro Woche', proposedPrice: 'Vorgeschlagener Preis', suggestedPrice: 'Staffelpreis',
      difference: 'Abweichung', requestedBy: 'Angefragt von',
    },
    choices: [
      'Beschafft: Den Markt nennen, der die Ware hat; sie wird dort für den Kunden reserviert.',
      'Alternative: Ein anderes Produkt (Artikel und Menge) anbieten.',
      'Abgelehnt: Die Anfrage wird mit dem Grund geschlossen; beide im Tandem werden informiert.',
    ],
    afterDeadline: (next) =>
      next ? `Ohne Antwort geht die Aufgabe dann an ${next}.` : 'Ohne Antwort gilt die Anfrage dann als nicht erfüllt.',
    roles: { field: 'Außendienst', inside: 'Innendienst' },
    early: 'vorzeitig',
    perWeek: '/Woche',
    priceChoices: (by) => [
      'Freigeben: Der vorgeschlagene Preis gilt für den Kunden.',
      `Gegenangebot: Einen anderen Preis nennen; ${by} wird informiert.`,
      `Ablehnen: Es bleibt beim Staffelpreis; ${by} erfährt den Grund.`,
    ],
    priceAfterDeadline: (next) => (next ? `Ohne Antwort geht die Aufgabe dann an ${next}.` : 'Ohne Antwort bleibt es dann beim Staffelpreis.'),
    signature: 'Tandem 360',
  },
  en: {
    more: (n) => ` +${n} more`,
    fulfilment: { pickup: 'pickup', delivery: 'delivery' },
    of: 'of',
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    labels: {
      customer: 'Customer', neededBy: 'Needed by', request: 'Request', lines: 'Lines', store: 'Store', note: 'Note',
      missing: 'Missing', reserved: 'Reserved', offers: 'Stock in other stores', link: 'Decide', answerBy: 'Answer by',
      reservedUntil: 'Reserved until',
      city: 'City', handover: 'Handover', from: 'From', to: 'To',
      product: 'Product', weeklyVolume: 'Weekly volume', proposedPrice: 'Proposed price', suggestedPrice: 'Volume-tier price',
      difference: 'Difference', requestedBy: 'Requested by',
    },
    choices: [
      'Sourced: name the store that has the goods; they are reserved there for the customer.',
      'Alternative: offer another product (SKU and quantity).',
      'Declined: the request is closed with your reason; both partners are told.',
    ],
    afterDeadline: (next) => (next ? `Without an answer the task then goes to ${next}.` : 'Without an answer the request is then unfulfilled.'),
    roles: { field: 'field manager', inside: 'inside manager' },
    early: 'early',
    perWeek: '/week',
    priceChoices: (by) => [
      'Approve: the proposed price applies to the customer.',
      `Counter: name another price; ${by} is told.`,
      `Reject: the volume-tier price stays; ${by} is told your reason.`,
    ],
    priceAfterDeadline: (next) => (next ? `Without an answer the task then goes to ${next}.` : 'Without an answer the volume-tier price then stays.'),
    signature: 'Tandem 360',
  },
};

const name = (text: string): ShrinkablePart => ({ shrinkable: text });

/** `Großmarkt Düsseldorf` already names its city; `Großmarkt Nord, Hamburg` needs it added. */
const storeLabel = (store: MessageStore): string => (store.name.includes(store.city) ? store.name : `${store.name}, ${store.city}`);

/** The first line as SMS parts: quantity (never shortened), product name (shortenable), and how many more lines. */
function firstLineParts(lines: readonly MessageLine[], language: Language, prefixQuantity = ''): SmsPart[] {
  const [first] = lines;
  if (!first) throw new RangeError('a message needs at least one line');
  const more = lines.length > 1 ? PHRASES[language].more(lines.length - 1) : '';
  return [`${prefixQuantity}${formatQuantity(first.quantity, first.unit, language)} `, name(first.productName), more];
}

/** `6 von 10 kg Lachs…` for the first missing line of a partial reservation. */
function partialLineParts(params: MessageParams['partial'], language: Language): SmsPart[] {
  const [first] = params.missing;
  if (!first) throw new RangeError('a partial message needs at least one missing line');
  const wanted = params.lines.find((l) => l.sku === first.sku);
  const have = wanted ? wanted.quantity - first.quantity : 0;
  const prefix = `${numberFormats[language].format(Math.round(have * 1000) / 1000)} ${PHRASES[language].of} `;
  return firstLineParts([wanted ?? first, ...params.missing.slice(1)], language, prefix);
}

/** `12,50 €/kg` / `€12.50/kg`. */
const unitPrice = (eur: number, unit: Unit, language: Language): string => `${formatPrice(eur, language)}/${UNIT_LABELS[language][unit][0]}`;
/** `40 Stk/Woche` / `40 pcs/week`. */
const weekly = (quantity: number, unit: Unit, language: Language): string => `${formatQuantity(quantity, unit, language)}${PHRASES[language].perWeek}`;

/**
 * Texts that say less, longest first: the first in which no name must be cut below
 * COMFORT_CHARS is sent, else the last (which must fit with every name at its minimum).
 */
interface SmsVariants {
  readonly variants: readonly (readonly SmsPart[])[];
}
const firstFitting = (...variants: SmsPart[][]): SmsVariants => ({ variants });
const COMFORT_CHARS = 14;

type SmsTemplate<K extends MessageKind> = (p: MessageParams[K], language: Language) => SmsPart[] | SmsVariants;

function renderSms(text: SmsPart[] | SmsVariants): string {
  if (!('variants' in text)) return fitSms(text);
  for (const parts of text.variants.slice(0, -1)) {
    const fitted = fitParts(parts, SMS_SEGMENT_LIMIT, SMS_CHANNEL);
    if (fitted.fits && fitted.shortestKept >= COMFORT_CHARS) return fitted.text;
  }
  return fitSms(text.variants[text.variants.length - 1] ?? []);
}

// One template per kind, so the kinds can be compared at a glance. Plain strings (quantities, dates,
// prices, the link) are kept whole; name(...) parts are what fitSms may shorten. A link always comes last:
// it can take 89 of the 160 characters, so kinds with a link fall back to shorter texts where names would suffer.

const SMS: Record<Language, { [K in MessageKind]: SmsTemplate<K> }> = {
  de: {
    reserved: (p, l) => ['Reserviert: ', ...firstLineParts(p.lines, l), ' für ', name(p.customerName), ' in ', name(storeLabel(p.store)), `. ${PHRASES.de.fulfilment[p.fulfilment]} ${formatDateTime(p.neededBy, l)}`],
    partial: (p, l) => ['Teilweise reserviert: ', ...partialLineParts(p, l), ' für ', name(p.customerName), ' in ', name(storeLabel(p.store)), `. Benötigt ${formatDateTime(p.neededBy, l)}`],
    decisionNeeded: (p, l) => firstFitting(
      [name(p.customerName), ' braucht ', ...firstLineParts(p.missing, l), ` bis ${formatDateTime(p.neededBy, l)}. Entscheiden bis ${formatTime(p.answerBy)}: ${p.link}`],
      [name(p.customerName), ' braucht ', ...firstLineParts(p.missing, l), `. Antwort bis ${formatTime(p.answerBy)}: ${p.link}`],
    ),
    reminder: (p, l) => firstFitting(
      ['Erinnerung: ', name(p.customerName), ' wartet auf ', ...firstLineParts(p.lines, l), `, entscheiden bis ${formatTime(p.answerBy)}: ${p.link}`],
      ['Erinnerung: ', name(p.customerName), ` wartet auf deine Entscheidung bis ${formatTime(p.answerBy)}: ${p.link}`],
    ),
    handedToPartner: (p, l) => firstFitting(
      ['Übernahme: ', name(p.customerName), ' braucht ', ...firstLineParts(p.lines, l), ` bis ${formatDateTime(p.neededBy, l)}. Entscheiden bis ${formatTime(p.answerBy)}: ${p.link}`],
      ['Übernahme: ', name(p.customerName), ' braucht ', ...firstLineParts(p.lines, l), `. Entscheiden bis ${formatTime(p.answerBy)}: ${p.link}`],
      ['Übernahme: ', name(p.customerName), ` wartet auf deine Entscheidung bis ${formatTime(p.answerBy)}: ${p.link}`],
    ),
    unfulfilled: (p, l) => ['Nicht erfüllt: ', ...firstLineParts(p.lines, l), ' für ', name(p.customerName), `, benötigt ${formatDateTime(p.neededBy, l)}. `, ...(p.reason.kind === 'timeout' ? ['Keine Antwort in der Frist.'] : ['Abgelehnt: ', name(p.reason.text)])],
    sourced: (p, l) => ['Beschafft: ', ...firstLineParts(p.lines, l), ' für ', name(p.customerName), ' in ', name(storeLabel(p.store)), `, benötigt ${formatDateTime(p.neededBy, l)}. Von `, name(p.decidedByName)],
    stockArrived: (p, l) => firstFitting(
      ['Eingetroffen: ', ...firstLineParts(p.arrived, l), ' in ', name(storeLabel(p.store)), ' für ', name(p.customerName), `. Entscheiden: ${p.link}`],
      ['Ware für ', name(p.customerName), ' eingetroffen in ', name(storeLabel(p.store)), `. Entscheiden: ${p.link}`],
    ),
    handover: (p, l) => [p.early ? 'Vorzeitige Übergabe: ' : 'Übergabe: ', name(p.customerName), ' (', name(p.city), `) geht ab ${formatDateTime(p.handedOverOn, l)} von `, name(p.fromName), ' an ', name(p.toName), '.'],
    priceDecision: (p, l) => firstFitting(
      [`Sonderpreis ${formatPrice(p.proposedPrice, l)} statt ${unitPrice(p.suggestedPrice, p.unit, l)} für ${weekly(p.weeklyVolume, p.unit, l)} `, name(p.productName), ' an ', name(p.customerName), `? Antwort bis ${formatTime(p.answerBy)}: ${p.link}`],
      [`Sonderpreis ${formatPrice(p.proposedPrice, l)} statt ${unitPrice(p.suggestedPrice, p.unit, l)} für `, name(p.productName), ' an ', name(p.customerName), `? Antwort bis ${formatTime(p.answerBy)}: ${p.link}`],
      [`Sonderpreis ${formatPrice(p.proposedPrice, l)} für `, name(p.productName), ' an ', name(p.customerName), `? Antwort bis ${formatTime(p.answerBy)}: ${p.link}`],
    ),
  },
  en: {
    reserved: (p, l) => ['Reserved: ', ...firstLineParts(p.lines, l), ' for ', name(p.customerName), ' at ', name(storeLabel(p.store)), `. ${p.fulfilment === 'pickup' ? 'Pickup' : 'Delivery'} ${formatDateTime(p.neededBy, l)}`],
    partial: (p, l) => ['Partly reserved: ', ...partialLineParts(p, l), ' for ', name(p.customerName), ' at ', name(storeLabel(p.store)), `. Needed ${formatDateTime(p.neededBy, l)}`],
    decisionNeeded: (p, l) => firstFitting(
      [name(p.customerName), ' needs ', ...firstLineParts(p.missing, l), ` by ${formatDateTime(p.neededBy, l)}. Decide by ${formatTime(p.answerBy)}: ${p.link}`],
      [name(p.customerName), ' needs ', ...firstLineParts(p.missing, l), `. Decide by ${formatTime(p.answerBy)}: ${p.link}`],
    ),
    reminder: (p, l) => firstFitting(
      ['Reminder: ', name(p.customerName), ' waits for ', ...firstLineParts(p.lines, l), `. Decide by ${formatTime(p.answerBy)}: ${p.link}`],
      ['Reminder: ', name(p.customerName), ` waits for your decision by ${formatTime(p.answerBy)}: ${p.link}`],
    ),
    handedToPartner: (p, l) => firstFitting(
      ['Over to you: ', name(p.customerName), ' needs ', ...firstLineParts(p.lines, l), ` by ${formatDateTime(p.neededBy, l)}. Decide by ${formatTime(p.answerBy)}: ${p.link}`],
      ['Over to you: ', name(p.customerName), ' needs ', ...firstLineParts(p.lines, l), `. Decide by ${formatTime(p.answerBy)}: ${p.link}`],
      ['Over to you: ', name(p.customerName), ` waits for your decision by ${formatTime(p.answerBy)}: ${p.link}`],
    ),
    unfulfilled: (p, l) => ['Unfulfilled: ', ...firstLineParts(p.lines, l), ' for ', name(p.customerName), `, needed ${formatDateTime(p.neededBy, l)}. `, ...(p.reason.kind === 'timeout' ? ['No answer in time.'] : ['Declined: ', name(p.reason.text)])],
    sourced: (p, l) => ['Sourced: ', ...firstLineParts(p.lines, l), ' for ', name(p.customerName), ' at ', name(storeLabel(p.store)), `, needed ${formatDateTime(p.neededBy, l)}. By `, name(p.decidedByName)],
    stockArrived: (p, l) => firstFitting(
      ['In stock: ', ...firstLineParts(p.arrived, l), ' at ', name(storeLabel(p.store)), ' for ', name(p.customerName), `. Decide: ${p.link}`],
      ['Goods for ', name(p.customerName), ' arrived at ', name(storeLabel(p.store)), `. Decide: ${p.link}`],
    ),
    handover: (p, l) => [p.early ? 'Early handover: ' : 'Handover: ', name(p.customerName), ' (', name(p.city), ') passes from ', name(p.fromName), ' to ', name(p.toName), ` on ${formatDateTime(p.handedOverOn, l)}.`],
    priceDecision: (p, l) => firstFitting(
      [`Special price ${formatPrice(p.proposedPrice, l)} instead of ${unitPrice(p.suggestedPrice, p.unit, l)} for ${weekly(p.weeklyVolume, p.unit, l)} `, name(p.productName), ' to ', name(p.customerName), `? Answer by ${formatTime(p.answerBy)}: ${p.link}`],
      [`Special price ${formatPrice(p.proposedPrice, l)} instead of ${unitPrice(p.suggestedPrice, p.unit, l)} for `, name(p.productName), ' to ', name(p.customerName), `? Answer by ${formatTime(p.answerBy)}: ${p.link}`],
      [`Special price ${formatPrice(p.proposedPrice, l)} for `, name(p.productName), ' to ', name(p.customerName), `? Answer by ${formatTime(p.answerBy)}: ${p.link}`],
    ),
  },
};

/** SNS refuses an email Subject of 100 characters or more, or with a line break or control character. */
export const EMAIL_SUBJECT_LIMIT = 99;
const SUBJECT_CHANNEL: Channel = { encode: (text) => text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' '), measure: (text) => text.length };

function fitSubject(parts: readonly SmsPart[]): string {
  const fitted = fitParts(parts, EMAIL_SUBJECT_LIMIT, SUBJECT_CHANNEL);
  if (!fitted.fits) throw new RangeError(`email subject cannot fit ${EMAIL_SUBJECT_LIMIT} characters even with every name shortened: ${fitted.text}`);
  return fitted.text;
}

interface EmailText {
  /** Names are name(...) parts, shortened if the subject would reach SNS's limit. */
  readonly subject: readonly SmsPart[];
  /** What happened, first thing in the body. */
  readonly lead: string;
  /** Sections after the facts. */
  readonly sections: readonly string[];
}
type EmailTemplate<K extends MessageKind> = (p: MessageParams[K], language: Language) => EmailText;

const lineList = (lines: readonly MessageLine[], language: Language): string =>
  lines.map((l) => `- ${formatQuantity(l.quantity, l.unit, language)} ${l.productName} (${l.sku})`).join('\n');

function storeBlock(store: MessageStore, language: Language): string {
  const address = [store.street, [store.postcode, store.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const distance = store.distanceKm === undefined ? '' : ` (${formatKm(store.distanceKm, language)})`;
  return `${PHRASES[language].labels.store}: ${store.name}, ${address}${distance}`;
}

function decisionBlock(
  task: DecisionTask,
  language: Language,
  choices: readonly string[] = PHRASES[language].choices,
  afterDeadline: (next?: string) => string = PHRASES[language].afterDeadline,
): string {
  const { labels } = PHRASES[language];
  return [
    `${labels.link}: ${task.link}`,
    ...choices.map((c) => `- ${c}`),
    `${labels.answerBy} ${formatDateTime(task.answerBy, language)}. ${afterDeadline(task.nextHolderName)}`,
  ].join('\n');
}

const priceDecisionBlock = (p: MessageParams['priceDecision'], language: Language): string =>
  decisionBlock(p, language, PHRASES[language].priceChoices(p.requestedByName), PHRASES[language].priceAfterDeadline);

const EMAIL: Record<Language, { [K in MessageKind]: EmailTemplate<K> }> = {
  de: {
    reserved: (p, l) => ({
      subject: ['Reserviert für ', name(p.customerName), ': ', name(p.store.name)],
      lead: `Die Ware für ${p.customerName} ist vollständig reserviert.`,
      sections: [storeBlock(p.store, l), ...(p.reservedUntil ? [`${PHRASES.de.labels.reservedUntil}: ${formatDateTime(p.reservedUntil, l)}`] : [])],
    }),
    partial: (p, l) => ({
      subject: ['Teilweise reserviert für ', name(p.customerName)],
      lead: `Für ${p.customerName} ist nur ein Teil der Ware reserviert.`,
      sections: [storeBlock(p.store, l), `${PHRASES.de.labels.reserved}:\n${lineList(p.reserved, l)}`, `${PHRASES.de.labels.missing}:\n${lineList(p.missing, l)}`],
    }),
    decisionNeeded: (p, l) => ({
      subject: ['Entscheidung nötig: ', name(p.customerName), `, bis ${formatTime(p.answerBy)}`],
      lead: `Für ${p.customerName} fehlt Ware. Bitte entscheiden, wie es weitergeht.`,
      sections: [`${PHRASES.de.labels.missing}:\n${lineList(p.missing, l)}`, ...offerSections(p.offers, l), decisionBlock(p, l)],
    }),
    reminder: (p, l) => ({
      subject: ['Erinnerung: Entscheidung für ', name(p.customerName), ` bis ${formatTime(p.answerBy)}`],
      lead: `Die Entscheidung für ${p.customerName} steht noch aus.`,
      sections: [decisionBlock(p, l)],
    }),
    handedToPartner: (p, l) => ({
      subject: ['Übernommen von ', name(p.fromName), ': Entscheidung für ', name(p.customerName)],
      lead: `${p.fromName} hat nicht rechtzeitig geantwortet; die Entscheidung für ${p.customerName} liegt jetzt bei dir.`,
      sections: [decisionBlock(p, l)],
    }),
    unfulfilled: (p) => ({
      subject: ['Nicht erfüllt: Anfrage von ', name(p.customerName)],
      lead:
        p.reason.kind === 'timeout'
          ? `Die Anfrage von ${p.customerName} ist nicht erfüllt: Bis zur Frist kam keine Entscheidung.`
          : `Die Anfrage von ${p.customerName} wurde${p.reason.byName ? ` von ${p.reason.byName}` : ''} abgelehnt. Grund: ${p.reason.text}`,
      sections: ['Bitte den Kunden informieren.'],
    }),
    sourced: (p, l) => ({
      subject: ['Beschafft für ', name(p.customerName), ': ', name(p.store.name)],
      lead: `${p.decidedByName} hat die Ware für ${p.customerName} beschafft; sie ist dort reserviert.`,
      sections: [storeBlock(p.store, l)],
    }),
    stockArrived: (p, l) => ({
      subject: ['Ware eingetroffen für ', name(p.customerName), ': ', name(p.store.name)],
      lead: `Für die offene Entscheidung zu ${p.customerName} ist Ware eingetroffen. Mit "Beschafft" und diesem Markt wird sie reserviert.`,
      sections: [storeBlock(p.store, l), `${PHRASES.de.labels.offers}:\n${lineList(p.arrived, l)}`, decisionBlock(p, l)],
    }),
    handover: (p) => ({
      subject: [p.early ? 'Vorzeitige Übergabe: ' : 'Übergabe: ', name(p.customerName), ' an ', name(p.toName)],
      lead: p.early
        ? `${p.fromName} übergibt den neu gewonnenen Kunden ${p.customerName} schon vor Ende der Übergabezeit an ${p.toName}.`
        : `Die Übergabezeit für den neu gewonnenen Kunden ${p.customerName} ist vorbei: Er geht von ${p.fromName} an ${p.toName}.`,
      sections: [`Ab jetzt ist ${p.toName} (${PHRASES.de.roles.inside}) für den Kunden zuständig.`],
    }),
    priceDecision: (p, l) => ({
      subject: ['Sonderpreis für ', name(p.customerName), ': ', name(p.productName), `, bis ${formatTime(p.answerBy)}`],
      lead: `${p.requestedByName} bittet für ${p.customerName} um einen Sonderpreis: ${unitPrice(p.proposedPrice, p.unit, l)} statt ${unitPrice(p.suggestedPrice, p.unit, l)} für ${p.productName}. Bitte freigeben, ein Gegenangebot machen oder ablehnen.`,
      sections: [priceDecisionBlock(p, l)],
    }),
  },
  en: {
    reserved: (p, l) => ({
      subject: ['Reserved for ', name(p.customerName), ': ', name(p.store.name)],
      lead: `The goods for ${p.customerName} are fully reserved.`,
      sections: [storeBlock(p.store, l), ...(p.reservedUntil ? [`${PHRASES.en.labels.reservedUntil}: ${formatDateTime(p.reservedUntil, l)}`] : [])],
    }),
    partial: (p, l) => ({
      subject: ['Partly reserved for ', name(p.customerName)],
      lead: `Only part of the goods for ${p.customerName} is reserved.`,
      sections: [storeBlock(p.store, l), `${PHRASES.en.labels.reserved}:\n${lineList(p.reserved, l)}`, `${PHRASES.en.labels.missing}:\n${lineList(p.missing, l)}`],
    }),
    decisionNeeded: (p, l) => ({
      subject: ['Decision needed: ', name(p.customerName), `, by ${formatTime(p.answerBy)}`],
      lead: `Goods are missing for ${p.customerName}. Please decide how to proceed.`,
      sections: [`${PHRASES.en.labels.missing}:\n${lineList(p.missing, l)}`, ...offerSections(p.offers, l), decisionBlock(p, l)],
    }),
    reminder: (p, l) => ({
      subject: ['Reminder: decision for ', name(p.customerName), ` by ${formatTime(p.answerBy)}`],
      lead: `The decision for ${p.customerName} is still open.`,
      sections: [decisionBlock(p, l)],
    }),
    handedToPartner: (p, l) => ({
      subject: ['Taken over from ', name(p.fromName), ': decision for ', name(p.customerName)],
      lead: `${p.fromName} did not answer in time; the decision for ${p.customerName} is now yours.`,
      sections: [decisionBlock(p, l)],
    }),
    unfulfilled: (p) => ({
      subject: ['Unfulfilled: request of ', name(p.customerName)],
      lead:
        p.reason.kind === 'timeout'
          ? `The request of ${p.customerName} is unfulfilled: no decision came in time.`
          : `The request of ${p.customerName} was declined${p.reason.byName ? ` by ${p.reason.byName}` : ''}. Reason: ${p.reason.text}`,
      sections: ['Please tell the customer.'],
    }),
    sourced: (p, l) => ({
      subject: ['Sourced for ', name(p.customerName), ': ', name(p.store.name)],
      lead: `${p.decidedByName} sourced the goods for ${p.customerName}; they are reserved there.`,
      sections: [storeBlock(p.store, l)],
    }),
    stockArrived: (p, l) => ({
      subject: ['Stock arrived for ', name(p.customerName), ': ', name(p.store.name)],
      lead: `Goods your open decision for ${p.customerName} waits for have arrived. Answer "sourced" with this store to reserve them.`,
      sections: [storeBlock(p.store, l), `${PHRASES.en.labels.offers}:\n${lineList(p.arrived, l)}`, decisionBlock(p, l)],
    }),
    handover: (p) => ({
      subject: [p.early ? 'Early handover: ' : 'Handover: ', name(p.customerName), ' to ', name(p.toName)],
      lead: p.early
        ? `${p.fromName} hands the newly won customer ${p.customerName} over to ${p.toName} before the handover period ends.`
        : `The handover period for the newly won customer ${p.customerName} is over: the customer passes from ${p.fromName} to ${p.toName}.`,
      sections: [`From now on ${p.toName} (${PHRASES.en.roles.inside}) looks after the customer.`],
    }),
    priceDecision: (p, l) => ({
      subject: ['Special price for ', name(p.customerName), ': ', name(p.productName), `, by ${formatTime(p.answerBy)}`],
      lead: `${p.requestedByName} asks for a special price for ${p.customerName}: ${unitPrice(p.proposedPrice, p.unit, l)} instead of ${unitPrice(p.suggestedPrice, p.unit, l)} for ${p.productName}. Please approve, counter or reject.`,
      sections: [priceDecisionBlock(p, l)],
    }),
  },
};

function offerSections(offers: MessageParams['decisionNeeded']['offers'], language: Language): string[] {
  if (!offers || offers.length === 0) return [];
  const blocks = offers.map((o) => `${storeBlock(o.store, language)}\n${lineList(o.lines, language)}`);
  return [`${PHRASES[language].labels.offers}:\n${blocks.join('\n')}`];
}

// The facts block after the lead: the request's for request kinds, the customer's own for the others.

type FactsTemplate<K extends MessageKind> = (p: MessageParams[K], language: Language) => string;

function requestFacts(facts: RequestFacts, language: Language): string {
  const { labels, fulfilment } = PHRASES[language];
  const note = facts.note?.trim();
  return [
    `${labels.customer}: ${facts.customerName}`,
    `${labels.neededBy}: ${formatDateTime(facts.neededBy, language)} (${fulfilment[facts.fulfilment]})`,
    `${labels.request}: ${facts.requestId}`,
    `${labels.lines}:\n${lineList(facts.lines, language)}`,
    ...(note ? [`${labels.note}: ${note}`] : []),
  ].join('\n');
}

function handoverFacts(p: MessageParams['handover'], language: Language): string {
  const { labels, roles, early } = PHRASES[language];
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.city}: ${p.city}`,
    `${labels.handover}: ${formatDateTime(p.handedOverOn, language)}${p.early ? ` (${early})` : ''}`,
    `${labels.from}: ${p.fromName} (${roles.field})`,
    `${labels.to}: ${p.toName} (${roles.inside})`,
  ].join('\n');
}

const percentFormats: Record<Language, Intl.NumberFormat> = {
  de: new Intl.NumberFormat('de-DE', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
  en: new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }),
};

function priceFacts(p: MessageParams['priceDecision'], language: Language): string {
  const { labels } = PHRASES[language];
  const difference = Math.round((p.proposedPrice - p.suggestedPrice) * 100) / 100;
  const percent = p.suggestedPrice > 0 ? ` (${percentFormats[language].format(difference / p.suggestedPrice).replace(/\u00a0/g, ' ')})` : '';
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.product}: ${p.productName} (${p.sku})`,
    `${labels.weeklyVolume}: ${formatQuantity(p.weeklyVolume, p.unit, language)}`,
    `${labels.proposedPrice}: ${unitPrice(p.proposedPrice, p.unit, language)}`,
    `${labels.suggestedPrice}: ${unitPrice(p.suggestedPrice, p.unit, language)}`,
    `${labels.difference}: ${difference > 0 ? '+' : ''}${unitPrice(difference, p.unit, language)}${percent}`,
    `${labels.requestedBy}: ${p.requestedByName}`,
  ].join('\n');
}

const FACTS: { [K in MessageKind]: FactsTemplate<K> } = {
  reserved: requestFacts,
  partial: requestFacts,
  decisionNeeded: requestFacts,
  reminder: requestFacts,
  handedToPartner: requestFacts,
  unfulfilled: requestFacts,
  sourced: requestFacts,
  stockArrived: requestFacts,
  handover: handoverFacts,
  priceDecision: priceFacts,
};

function emailBody(recipientName: string | undefined, facts: string, text: EmailText, language: Language): string {
  const { greeting, signature } = PHRASES[language];
  return [greeting(recipientName), text.lead, facts, ...text.sections, signature].join('\n\n') + '\n';
}

/** The SMS and email of one kind for one recipient's language. */
export function renderMessage<K extends MessageKind>(kind: K, params: MessageParams[K], language: Language = 'de'): RenderedMessage {
  const sms = renderSms((SMS[language][kind] as SmsTemplate<K>)(params, language));
  const text = (EMAIL[language][kind] as EmailTemplate<K>)(params, language);
  const facts = (FACTS[kind] as FactsTemplate<K>)(params, language);
  return { sms, email: { subject: fitSubject(text.subject), body: emailBody(params.recipientName, facts, text, language) } };
}
