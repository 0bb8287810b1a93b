/**
 * What the tandem reads about a customer request, or about a customer (onboarding and
 * handover, a special price, a follow-up): one SMS (a single GSM-7 segment with the
 * essentials and, where there is one, the whole link, last) and one email (every
 * detail) per message kind, in German (default) or English.
 */
import { MAX_EXTENSION_WEEKS } from '../../customer-lifecycle/domain/onboarding';
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

const weekdayOf = (year: number, month: number, day: number, language: Language): string =>
  WEEKDAYS[language][new Date(Date.UTC(year, month - 1, day)).getUTCDay()] ?? '';

/** `Sa 28.11.` / `Sat 28 Nov`. */
function dayLabel(year: number, month: number, day: number, language: Language): string {
  const weekday = weekdayOf(year, month, day, language);
  return language === 'de'
    ? `${weekday} ${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.`
    : `${weekday} ${day} ${MONTHS_EN[month - 1] ?? ''}`;
}

/** `Sa 28.11. 08:00` / `Sat 28 Nov 08:00`, Berlin wall-clock time: short enough for an SMS, unambiguous within the 60 days a request may look ahead. */
export function formatDateTime(time: string | Date, language: Language): string {
  const { year, month, day, hh, mm } = wallClock(time);
  return `${dayLabel(year, month, day, language)} ${hh}:${mm}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `Mo 30.11.` / `Mon 30 Nov` for a calendar day (`2026-11-30`, taken as it is) or the Berlin day of a date-time:
 * a follow-up's or a handover's day, at most months away. With `year`, `30.11.2027` / `30 Nov 2027`: a price's
 * validity may end a year or more ahead, where a weekday would not tell the year.
 */
export function formatDate(date: string | Date, language: Language, options: { readonly year?: boolean } = {}): string {
  const match = typeof date === 'string' ? ISO_DATE.exec(date) : null;
  const { year, month, day } = match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : wallClock(date);
  const real = new Date(Date.UTC(year, month - 1, day));
  if (real.getUTCMonth() !== month - 1 || real.getUTCDate() !== day) throw new RangeError(`not a date: ${String(date)}`);
  if (!options.year) return dayLabel(year, month, day, language);
  return language === 'de'
    ? `${String(day).padStart(2, '0')}.${String(month).padStart(2, '0')}.${year}`
    : `${day} ${MONTHS_EN[month - 1] ?? ''} ${year}`;
}

/** `08:30`: answer deadlines are at most an SLA window (minutes to hours) away, so the time alone is clear. */
export function formatTime(time: string | Date): string {
  const { hh, mm } = wallClock(time);
  return `${hh}:${mm}`;
}

/**
 * `Fr 10:30` / `Fri 10:30`: a deadline a day or more away (a special price's window is days, not minutes),
 * where the time alone would not tell the day; the weekday does, for any deadline within six days.
 */
export function formatDeadline(time: string | Date, language: Language): string {
  const { year, month, day, hh, mm } = wallClock(time);
  return `${weekdayOf(year, month, day, language)} ${hh}:${mm}`;
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
/** The kinds about a customer of the tandem without a request: onboarding and handover, a special price, a follow-up. */
export const CUSTOMER_MESSAGE_KINDS = ['handover', 'welcome', 'visitReminder', 'priceDecision', 'priceCounter', 'priceOutcome', 'followUpDue'] as const;
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
 * The kinds where a person must answer by a deadline (each carries a decision link); the rest only inform
 * (some with a link too: onboarding and follow-up links have no deadline that would pass the task on).
 * Quiet hours hold back non-urgent SMS only: an urgent SMS goes out at once, day or night, and emails are never held.
 */
export const URGENT_KINDS = ['decisionNeeded', 'reminder', 'handedToPartner', 'stockArrived', 'priceDecision', 'priceCounter'] as const satisfies readonly MessageKind[];
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

/** How a special price ended, for both partners. */
export const PRICE_OUTCOMES = ['approved', 'rejected', 'expired', 'counterAccepted', 'counterDeclined', 'counterLapsed'] as const;
export type PriceOutcome = (typeof PRICE_OUTCOMES)[number];

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
  /** The field manager registered a newly won customer; both partners hear who won it and when it passes to whom. */
  welcome: CustomerFacts & {
    readonly city: string;
    /** As registered, e.g. "Fisch", "italienisch". */
    readonly menuFocus: readonly string[];
    /** The field manager who won the customer. */
    readonly wonByName: string;
    /** The inside manager who takes the customer over. */
    readonly insideName: string;
    /** ISO date-time of the planned handover. */
    readonly handoverOn: string;
    /** The field manager's onboarding link (hand over now, or extend once); absent for the inside manager. */
    readonly link?: string;
  };
  /** Monthly during the handover period, to the field manager: a joint visit with the inside manager is due. */
  visitReminder: CustomerFacts & {
    readonly city: string;
    /** The inside manager. */
    readonly partnerName: string;
    /** ISO date-time of the planned handover. */
    readonly handoverOn: string;
    /** The onboarding link (hand over now, or extend once). */
    readonly link: string;
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
      /** Absent for the first ask; a reminder to the same holder, or the task passed on to the partner. */
      readonly phase?: 'reminder' | 'handedToPartner';
      /** Who did not answer in time, for `handedToPartner`. */
      readonly fromName?: string;
    };
  /** The inside manager countered; the field manager answers by answerBy whether the customer accepts. */
  priceCounter: CustomerFacts &
    DecisionTask & {
      readonly productName: string;
      readonly sku: string;
      readonly unit: Unit;
      readonly weeklyVolume: number;
      /** EUR per unit, what the field manager asked for. */
      readonly proposedPrice: number;
      /** EUR per unit, what the inside manager offers instead. */
      readonly counterPrice: number;
      readonly note?: string;
      readonly counteredByName: string;
    };
  /** How a special price ended, for both partners. */
  priceOutcome: CustomerFacts & {
    readonly productName: string;
    readonly sku: string;
    readonly unit: Unit;
    readonly outcome: PriceOutcome;
    /** EUR per unit, the agreed price (approved, counterAccepted). */
    readonly price?: number;
    /** YYYY-MM-DD, the last day the agreed price applies. */
    readonly validUntil?: string;
    /** Why it was rejected (up to 500 characters). */
    readonly reason?: string;
    /** Who decided; absent when no one answered. */
    readonly byName?: string;
  };
  /** On a follow-up's due day, to its owner. */
  followUpDue: CustomerFacts & {
    /** What to follow up on (3–500 characters). */
    readonly topic: string;
    /** YYYY-MM-DD. */
    readonly dueOn: string;
    readonly createdByName: string;
    /** Snoozed once already: it cannot be snoozed again. */
    readonly snoozed: boolean;
    /** Done, snooze or hand to the partner. */
    readonly link: string;
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
    menuFocus: string; wonBy: string; handoverTo: string; plannedHandover: string; partner: string; onboardingLink: string;
    counterPrice: string; counterDifference: string; counteredBy: string;
    outcome: string; agreedPrice: string; validUntil: string; reason: string; decidedBy: string;
    topic: string; dueOn: string; createdBy: string; followUpLink: string;
  };
  readonly choices: readonly string[];
  readonly afterDeadline: (next?: string) => string;
  readonly roles: Record<'field' | 'inside', string>;
  readonly early: string;
  readonly perWeek: string;
  readonly priceChoices: (requestedByName: string) => readonly string[];
  readonly priceAfterDeadline: (next?: string) => string;
  /** The words around a price question in an SMS. */
  readonly priceAsk: { readonly forWord: string; readonly toWord: string; readonly answerBy: string; readonly by: string };
  /** The SMS and subject prefix of a price decision after the first ask. */
  readonly pricePhase: Record<'reminder' | 'handedToPartner', string>;
  /** The sentence before the ask in a price decision's email after the first ask. */
  readonly pricePhaseLead: { readonly reminder: string; readonly handedToPartner: (fromName?: string) => string };
  readonly counterChoices: (counterPrice: string) => readonly string[];
  /** The SMS and subject headline of each price outcome. */
  readonly outcomes: Record<PriceOutcome, string>;
  /** What the plan of a newly won customer is until the handover. */
  readonly onboardingPlan: (p: { wonByName: string; insideName: string; handoverOn: string }) => string;
  readonly onboardingChoices: (insideName: string) => readonly string[];
  readonly followUpChoices: (snoozed: boolean) => readonly string[];
  readonly snoozedOnce: string;
  readonly tellCustomer: string;
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
      menuFocus: 'Küche', wonBy: 'Gewonnen von', handoverTo: 'Übergabe an', plannedHandover: 'Geplante Übergabe', partner: 'Tandempartner',
      onboardingLink: 'Übergeben oder verlängern',
      counterPrice: 'Gegenangebot', counterDifference: 'Abweichung vom Vorschlag', counteredBy: 'Gegenangebot von',
      outcome: 'Ergebnis', agreedPrice: 'Vereinbarter Preis', validUntil: 'Gültig bis', reason: 'Grund', decidedBy: 'Entschieden von',
      topic: 'Thema', dueOn: 'Fällig', createdBy: 'Angelegt von', followUpLink: 'Bearbeiten',
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
    priceAsk: { forWord: 'für', toWord: 'an', answerBy: 'Antwort bis', by: 'Bis' },
    pricePhase: { reminder: 'Erinnerung: ', handedToPartner: 'Übernahme: ' },
    pricePhaseLead: {
      reminder: 'Die Entscheidung über diesen Sonderpreis steht noch aus.',
      handedToPartner: (from) => `${from ?? 'Dein Tandempartner'} hat nicht rechtzeitig geantwortet; die Entscheidung liegt jetzt bei dir.`,
    },
    counterChoices: (price) => [
      `Angenommen: Der Kunde nimmt das Gegenangebot an; für ihn gilt ${price}.`,
      'Abgelehnt: Der Kunde lehnt ab; es bleibt beim Staffelpreis.',
    ],
    outcomes: {
      approved: 'Sonderpreis freigegeben',
      rejected: 'Sonderpreis abgelehnt',
      expired: 'Keine Antwort auf Sonderpreis',
      counterAccepted: 'Gegenangebot angenommen',
      counterDeclined: 'Gegenangebot abgelehnt',
      counterLapsed: 'Keine Antwort auf Gegenangebot',
    },
    onboardingPlan: (p) =>
      `So geht es weiter: Bis zur Übergabe am ${p.handoverOn} betreut ${p.wonByName} (Außendienst) den Kunden, und einmal im Monat besucht ihr ihn gemeinsam; Tandem 360 erinnert an jeden Besuch. Danach ist ${p.insideName} (Innendienst) für den Kunden zuständig.`,
    onboardingChoices: (inside) => [
      `Jetzt übergeben: ${inside} übernimmt den Kunden sofort; das ist endgültig.`,
      `Verlängern: Die Übergabezeit einmal um bis zu ${MAX_EXTENSION_WEEKS} Wochen verlängern, solange sie noch läuft.`,
    ],
    followUpChoices: (snoozed) => [
      'Erledigt: Die Wiedervorlage ist abgeschlossen.',
      snoozed
        ? 'Verschieben: Nicht mehr möglich, sie wurde schon einmal verschoben.'
        : 'Verschieben: Einmal auf einen späteren Tag legen; an dem Tag kommt die Erinnerung erneut.',
      'Übergeben: Einmal an den Partner im Tandem abgeben, der sie dann übernimmt.',
    ],
    snoozedOnce: 'schon einmal verschoben',
    tellCustomer: 'Bitte den Kunden informieren.',
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
      menuFocus: 'Menu focus', wonBy: 'Won by', handoverTo: 'Handover to', plannedHandover: 'Planned handover', partner: 'Tandem partner',
      onboardingLink: 'Hand over or extend',
      counterPrice: 'Counter-offer', counterDifference: 'Difference from proposal', counteredBy: 'Counter-offer by',
      outcome: 'Outcome', agreedPrice: 'Agreed price', validUntil: 'Valid until', reason: 'Reason', decidedBy: 'Decided by',
      topic: 'Topic', dueOn: 'Due', createdBy: 'Created by', followUpLink: 'Open',
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
    priceAsk: { forWord: 'for', toWord: 'to', answerBy: 'Reply by', by: 'By' },
    pricePhase: { reminder: 'Reminder: ', handedToPartner: 'Over to you: ' },
    pricePhaseLead: {
      reminder: 'The decision on this special price is still open.',
      handedToPartner: (from) => `${from ?? 'Your tandem partner'} did not answer in time; the decision is now yours.`,
    },
    counterChoices: (price) => [
      `Accepted: the customer accepts the counter-offer; ${price} applies to them.`,
      'Declined: the customer declines; the volume-tier price stays.',
    ],
    outcomes: {
      approved: 'Special price approved',
      rejected: 'Special price rejected',
      expired: 'Special price not answered',
      counterAccepted: 'Counter-offer accepted',
      counterDeclined: 'Counter-offer declined',
      counterLapsed: 'Counter-offer not answered',
    },
    onboardingPlan: (p) =>
      `What happens next: until the handover on ${p.handoverOn} ${p.wonByName} (field manager) looks after the customer, and once a month you visit them together; Tandem 360 reminds you of each visit. Then ${p.insideName} (inside manager) looks after the customer.`,
    onboardingChoices: (inside) => [
      `Hand over now: ${inside} takes the customer over at once; this is final.`,
      `Extend: extend the handover period once by up to ${MAX_EXTENSION_WEEKS} weeks, while it is still running.`,
    ],
    followUpChoices: (snoozed) => [
      'Done: the follow-up is closed.',
      snoozed ? 'Snooze: no longer possible, it was snoozed once already.' : 'Snooze: move it once to a later day; the reminder comes again on that day.',
      'Hand over: pass it once to your tandem partner, who then owns it.',
    ],
    snoozedOnce: 'snoozed once already',
    tellCustomer: 'Please tell the customer.',
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
/** The outcomes that end in a special price (the rest leave the volume-tier price). */
const isAgreed = (outcome: PriceOutcome): boolean => outcome === 'approved' || outcome === 'counterAccepted';
/** `11,90 €/kg ` before the product, when the outcome ends in a price. */
const agreedPrice = (p: MessageParams['priceOutcome'], language: Language): string =>
  p.price === undefined || !isAgreed(p.outcome) ? '' : `${unitPrice(p.price, p.unit, language)} `;
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

interface PriceAskFacts {
  readonly customerName: string;
  readonly productName: string;
  readonly weeklyVolume: number;
  readonly unit: Unit;
  readonly answerBy: string;
  readonly link: string;
}

/**
 * A price to answer by a deadline (`Sonderpreis 12,50 € statt 13,90 €/kg für 40 kg/Woche Lachsfilet an
 * Hotel Adler? Antwort bis Fr 10:30: <link>`), saying less as names and link grow: the volume, then the
 * price compared with, then the product; the asked price, the deadline and the link are always there.
 */
function priceAsk(opening: string, comparison: string, p: PriceAskFacts, language: Language): SmsVariants {
  const { forWord, toWord, answerBy, by } = PHRASES[language].priceAsk;
  const product = name(p.productName);
  const customer = name(p.customerName);
  const deadline = formatDeadline(p.answerBy, language);
  return firstFitting(
    [`${opening} ${comparison} ${forWord} ${weekly(p.weeklyVolume, p.unit, language)} `, product, ` ${toWord} `, customer, `? ${answerBy} ${deadline}: ${p.link}`],
    [`${opening} ${comparison} ${forWord} `, product, ` ${toWord} `, customer, `? ${answerBy} ${deadline}: ${p.link}`],
    [`${opening} ${forWord} `, product, ` ${toWord} `, customer, `? ${answerBy} ${deadline}: ${p.link}`],
    [`${opening} ${forWord} `, product, ` ${toWord} `, customer, `? ${by} ${deadline}: ${p.link}`],
    [`${opening} ${forWord} `, customer, `? ${by} ${deadline}: ${p.link}`],
  );
}

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
    // The German day ends with its own full stop: `am Mo 30.11.`
    welcome: (p, l) => p.link === undefined
      ? ['Neukunde: ', name(p.customerName), ' (', name(p.city), '), gewonnen von ', name(p.wonByName), '. Übergabe an ', name(p.insideName), ` am ${formatDate(p.handoverOn, l)}`]
      : firstFitting(
        ['Neukunde: ', name(p.customerName), ' (', name(p.city), '). Übergabe an ', name(p.insideName), ` am ${formatDate(p.handoverOn, l)} Übergeben/Verlängern: ${p.link}`],
        ['Neukunde: ', name(p.customerName), '. Übergabe an ', name(p.insideName), ` am ${formatDate(p.handoverOn, l)} Übergeben/Verlängern: ${p.link}`],
        ['Neukunde ', name(p.customerName), `: Übergabe am ${formatDate(p.handoverOn, l)} Übergeben/Verlängern: ${p.link}`],
        ['Neukunde ', name(p.customerName), `, Übergabe am ${formatDate(p.handoverOn, l)}: ${p.link}`],
      ),
    visitReminder: (p, l) => firstFitting(
      ['Gemeinsamer Besuch fällig: ', name(p.customerName), ' (', name(p.city), ') mit ', name(p.partnerName), `. Übergabe am ${formatDate(p.handoverOn, l)} Übergeben/Verlängern: ${p.link}`],
      ['Gemeinsamer Besuch fällig: ', name(p.customerName), ' mit ', name(p.partnerName), `. Übergeben/Verlängern: ${p.link}`],
      ['Gemeinsamer Besuch bei ', name(p.customerName), ` fällig. Übergeben/Verlängern: ${p.link}`],
      ['Gemeinsamer Besuch bei ', name(p.customerName), ` fällig: ${p.link}`],
    ),
    priceDecision: (p, l) => priceAsk(`${p.phase ? PHRASES.de.pricePhase[p.phase] : ''}Sonderpreis ${formatPrice(p.proposedPrice, l)}`, `statt ${unitPrice(p.suggestedPrice, p.unit, l)}`, p, l),
    priceCounter: (p, l) => priceAsk(`Gegenangebot ${formatPrice(p.counterPrice, l)}`, `statt ${unitPrice(p.proposedPrice, p.unit, l)}`, p, l),
    priceOutcome: (p, l) => [
      `${PHRASES.de.outcomes[p.outcome]}: ${agreedPrice(p, l)}`, name(p.productName), ' für ', name(p.customerName),
      ...(isAgreed(p.outcome)
        ? [validity(p, l), ...(p.byName ? ['. Von ', name(p.byName)] : [])]
        : p.outcome === 'rejected'
          ? [...(p.reason ? ['. Grund: ', name(p.reason)] : []), ...(p.byName ? ['. Von ', name(p.byName)] : [])]
          : ['. Es bleibt beim Staffelpreis.']),
    ],
    followUpDue: (p) => firstFitting(
      ['Wiedervorlage ', name(p.customerName), ': ', name(p.topic), `. ${p.snoozed ? 'Erledigt/Übergeben' : 'Erledigt/Verschieben/Übergeben'}: ${p.link}`],
      ['Wiedervorlage ', name(p.customerName), ': ', name(p.topic), `. Bearbeiten: ${p.link}`],
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
    welcome: (p, l) => p.link === undefined
      ? ['New customer: ', name(p.customerName), ' (', name(p.city), '), won by ', name(p.wonByName), '. Handover to ', name(p.insideName), ` on ${formatDate(p.handoverOn, l)}.`]
      : firstFitting(
        ['New customer: ', name(p.customerName), ' (', name(p.city), '). Handover to ', name(p.insideName), ` on ${formatDate(p.handoverOn, l)}. Hand over/extend: ${p.link}`],
        ['New customer: ', name(p.customerName), '. Handover to ', name(p.insideName), ` on ${formatDate(p.handoverOn, l)}. Hand over/extend: ${p.link}`],
        ['New customer ', name(p.customerName), `: handover on ${formatDate(p.handoverOn, l)}. Hand over/extend: ${p.link}`],
        ['New customer ', name(p.customerName), `, handover on ${formatDate(p.handoverOn, l)}: ${p.link}`],
      ),
    visitReminder: (p, l) => firstFitting(
      ['Joint visit due: ', name(p.customerName), ' (', name(p.city), ') with ', name(p.partnerName), `. Handover on ${formatDate(p.handoverOn, l)}. Hand over/extend: ${p.link}`],
      ['Joint visit due: ', name(p.customerName), ' with ', name(p.partnerName), `. Hand over/extend: ${p.link}`],
      ['Joint visit due: ', name(p.customerName), `. Hand over/extend: ${p.link}`],
      ['Joint visit due: ', name(p.customerName), `: ${p.link}`],
    ),
    priceDecision: (p, l) => priceAsk(`${p.phase ? PHRASES.en.pricePhase[p.phase] : ''}Special price ${formatPrice(p.proposedPrice, l)}`, `instead of ${unitPrice(p.suggestedPrice, p.unit, l)}`, p, l),
    priceCounter: (p, l) => priceAsk(`Counter-offer ${formatPrice(p.counterPrice, l)}`, `instead of ${unitPrice(p.proposedPrice, p.unit, l)}`, p, l),
    priceOutcome: (p, l) => [
      `${PHRASES.en.outcomes[p.outcome]}: ${agreedPrice(p, l)}`, name(p.productName), ' for ', name(p.customerName),
      ...(isAgreed(p.outcome)
        ? [validity(p, l), ...(p.byName ? ['. By ', name(p.byName)] : [])]
        : p.outcome === 'rejected'
          ? [...(p.reason ? ['. Reason: ', name(p.reason)] : []), ...(p.byName ? ['. By ', name(p.byName)] : [])]
          : ['. The volume-tier price stays.']),
    ],
    followUpDue: (p) => firstFitting(
      ['Follow-up ', name(p.customerName), ': ', name(p.topic), `. ${p.snoozed ? 'Done/hand over' : 'Done/snooze/hand over'}: ${p.link}`],
      ['Follow-up ', name(p.customerName), ': ', name(p.topic), `. Open: ${p.link}`],
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

const priceCounterBlock = (p: MessageParams['priceCounter'], language: Language): string =>
  decisionBlock(p, language, PHRASES[language].counterChoices(unitPrice(p.counterPrice, p.unit, language)), PHRASES[language].priceAfterDeadline);

/** `Die Entscheidung … steht noch aus. ` before a price decision's ask, after the first ask. */
function pricePhaseLead(p: MessageParams['priceDecision'], language: Language): string {
  const { pricePhaseLead: lead } = PHRASES[language];
  if (p.phase === undefined) return '';
  return `${p.phase === 'reminder' ? lead.reminder : lead.handedToPartner(p.fromName)} `;
}

/** `11,90 €/kg für Lachsfilet` / `€11.90/kg for Lachsfilet`, or the product alone when no price is known. */
const agreedOffer = (p: MessageParams['priceOutcome'], language: Language): string =>
  p.price === undefined ? p.productName : `${unitPrice(p.price, p.unit, language)} ${language === 'de' ? 'für' : 'for'} ${p.productName}`;

/** `, gültig bis 30.11.2027` / `, valid until 30 Nov 2027`, when the outcome ends in a price with an end. */
function validity(p: MessageParams['priceOutcome'], language: Language): string {
  if (p.validUntil === undefined || !isAgreed(p.outcome)) return '';
  return `, ${PHRASES[language].labels.validUntil.toLowerCase()} ${formatDate(p.validUntil, language, { year: true })}`;
}

/** The field manager's onboarding link and what it offers; nothing for the inside manager, who has no link. */
function onboardingBlock(link: string | undefined, insideName: string, language: Language): string[] {
  if (link === undefined) return [];
  const { labels, onboardingChoices } = PHRASES[language];
  return [[`${labels.onboardingLink}: ${link}`, ...onboardingChoices(insideName).map((c) => `- ${c}`)].join('\n')];
}

function followUpBlock(p: MessageParams['followUpDue'], language: Language): string {
  const { labels, followUpChoices } = PHRASES[language];
  return [`${labels.followUpLink}: ${p.link}`, ...followUpChoices(p.snoozed).map((c) => `- ${c}`)].join('\n');
}

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
    welcome: (p, l) => ({
      subject: ['Neukunde: ', name(p.customerName), ' (', name(p.city), ')'],
      lead: `${p.wonByName} hat ${p.customerName} als Neukunden gewonnen.`,
      sections: [PHRASES.de.onboardingPlan({ ...p, handoverOn: formatDateTime(p.handoverOn, l) }), ...onboardingBlock(p.link, p.insideName, l)],
    }),
    visitReminder: (p, l) => ({
      subject: ['Gemeinsamer Besuch fällig: ', name(p.customerName)],
      lead: `Diesen Monat steht der gemeinsame Besuch bei ${p.customerName} an. Bitte mit ${p.partnerName} einen Termin abstimmen.`,
      sections: [`Bis zur Übergabe am ${formatDateTime(p.handoverOn, l)} besucht ihr den Kunden einmal im Monat gemeinsam.`, ...onboardingBlock(p.link, p.partnerName, l)],
    }),
    priceDecision: (p, l) => ({
      subject: [p.phase ? PHRASES.de.pricePhase[p.phase] : '', 'Sonderpreis für ', name(p.customerName), ': ', name(p.productName), `, bis ${formatDeadline(p.answerBy, l)}`],
      lead: `${pricePhaseLead(p, l)}${p.requestedByName} bittet für ${p.customerName} um einen Sonderpreis: ${unitPrice(p.proposedPrice, p.unit, l)} statt ${unitPrice(p.suggestedPrice, p.unit, l)} für ${p.productName}. Bitte freigeben, ein Gegenangebot machen oder ablehnen.`,
      sections: [priceDecisionBlock(p, l)],
    }),
    priceCounter: (p, l) => ({
      subject: ['Gegenangebot für ', name(p.customerName), ': ', name(p.productName), `, bis ${formatDeadline(p.answerBy, l)}`],
      lead: `${p.counteredByName} macht für ${p.customerName} ein Gegenangebot: ${unitPrice(p.counterPrice, p.unit, l)} statt der vorgeschlagenen ${unitPrice(p.proposedPrice, p.unit, l)} für ${p.productName}. Bitte mit dem Kunden klären, ob er annimmt.`,
      sections: [priceCounterBlock(p, l)],
    }),
    priceOutcome: (p, l) => ({
      subject: [`${PHRASES.de.outcomes[p.outcome]}: `, name(p.productName), ' für ', name(p.customerName)],
      lead: {
        approved: `Der Sonderpreis für ${p.customerName} ist freigegeben: ${agreedOffer(p, l)}${validity(p, l)}.`,
        rejected: `Der Sonderpreis für ${p.customerName} ist abgelehnt: Für ${p.productName} bleibt es beim Staffelpreis.${p.reason ? ` Grund: ${p.reason}` : ''}`,
        expired: `Über den Sonderpreis für ${p.customerName} hat niemand rechtzeitig entschieden: Für ${p.productName} bleibt es beim Staffelpreis.`,
        counterAccepted: `${p.customerName} nimmt das Gegenangebot an: ${agreedOffer(p, l)}${validity(p, l)}.`,
        counterDeclined: `${p.customerName} lehnt das Gegenangebot ab: Für ${p.productName} bleibt es beim Staffelpreis.`,
        counterLapsed: `Das Gegenangebot für ${p.customerName} wurde nicht rechtzeitig beantwortet: Für ${p.productName} bleibt es beim Staffelpreis.`,
      }[p.outcome],
      sections: [PHRASES.de.tellCustomer],
    }),
    followUpDue: (p, l) => ({
      subject: ['Wiedervorlage für ', name(p.customerName), ': ', name(p.topic)],
      lead: `Heute ist die Wiedervorlage für ${p.customerName} fällig: ${p.topic}`,
      sections: [followUpBlock(p, l)],
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
    welcome: (p, l) => ({
      subject: ['New customer: ', name(p.customerName), ' (', name(p.city), ')'],
      lead: `${p.wonByName} has won ${p.customerName} as a new customer.`,
      sections: [PHRASES.en.onboardingPlan({ ...p, handoverOn: formatDateTime(p.handoverOn, l) }), ...onboardingBlock(p.link, p.insideName, l)],
    }),
    visitReminder: (p, l) => ({
      subject: ['Joint visit due: ', name(p.customerName)],
      lead: `This month's joint visit to ${p.customerName} is due. Please agree a date with ${p.partnerName}.`,
      sections: [`Until the handover on ${formatDateTime(p.handoverOn, l)} you visit the customer together once a month.`, ...onboardingBlock(p.link, p.partnerName, l)],
    }),
    priceDecision: (p, l) => ({
      subject: [p.phase ? PHRASES.en.pricePhase[p.phase] : '', 'Special price for ', name(p.customerName), ': ', name(p.productName), `, by ${formatDeadline(p.answerBy, l)}`],
      lead: `${pricePhaseLead(p, l)}${p.requestedByName} asks for a special price for ${p.customerName}: ${unitPrice(p.proposedPrice, p.unit, l)} instead of ${unitPrice(p.suggestedPrice, p.unit, l)} for ${p.productName}. Please approve, counter or reject.`,
      sections: [priceDecisionBlock(p, l)],
    }),
    priceCounter: (p, l) => ({
      subject: ['Counter-offer for ', name(p.customerName), ': ', name(p.productName), `, by ${formatDeadline(p.answerBy, l)}`],
      lead: `${p.counteredByName} counters for ${p.customerName}: ${unitPrice(p.counterPrice, p.unit, l)} instead of the proposed ${unitPrice(p.proposedPrice, p.unit, l)} for ${p.productName}. Please ask the customer whether they accept.`,
      sections: [priceCounterBlock(p, l)],
    }),
    priceOutcome: (p, l) => ({
      subject: [`${PHRASES.en.outcomes[p.outcome]}: `, name(p.productName), ' for ', name(p.customerName)],
      lead: {
        approved: `The special price for ${p.customerName} is approved: ${agreedOffer(p, l)}${validity(p, l)}.`,
        rejected: `The special price for ${p.customerName} is rejected: the volume-tier price for ${p.productName} stays.${p.reason ? ` Reason: ${p.reason}` : ''}`,
        expired: `No one decided on the special price for ${p.customerName} in time: the volume-tier price for ${p.productName} stays.`,
        counterAccepted: `${p.customerName} accepts the counter-offer: ${agreedOffer(p, l)}${validity(p, l)}.`,
        counterDeclined: `${p.customerName} declines the counter-offer: the volume-tier price for ${p.productName} stays.`,
        counterLapsed: `The counter-offer for ${p.customerName} was not answered in time: the volume-tier price for ${p.productName} stays.`,
      }[p.outcome],
      sections: [PHRASES.en.tellCustomer],
    }),
    followUpDue: (p, l) => ({
      subject: ['Follow-up for ', name(p.customerName), ': ', name(p.topic)],
      lead: `The follow-up for ${p.customerName} is due today: ${p.topic}`,
      sections: [followUpBlock(p, l)],
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

/** `-1,40 €/kg (-10,1 %)`: how far `price` lies from `from`, per unit and in percent. */
function priceDifference(price: number, from: number, unit: Unit, language: Language): string {
  const difference = Math.round((price - from) * 100) / 100;
  const percent = from > 0 ? ` (${percentFormats[language].format(difference / from).replace(/\u00a0/g, ' ')})` : '';
  return `${difference > 0 ? '+' : ''}${unitPrice(difference, unit, language)}${percent}`;
}

function priceFacts(p: MessageParams['priceDecision'], language: Language): string {
  const { labels } = PHRASES[language];
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.product}: ${p.productName} (${p.sku})`,
    `${labels.weeklyVolume}: ${formatQuantity(p.weeklyVolume, p.unit, language)}`,
    `${labels.proposedPrice}: ${unitPrice(p.proposedPrice, p.unit, language)}`,
    `${labels.suggestedPrice}: ${unitPrice(p.suggestedPrice, p.unit, language)}`,
    `${labels.difference}: ${priceDifference(p.proposedPrice, p.suggestedPrice, p.unit, language)}`,
    `${labels.requestedBy}: ${p.requestedByName}`,
  ].join('\n');
}

function counterFacts(p: MessageParams['priceCounter'], language: Language): string {
  const { labels } = PHRASES[language];
  const note = p.note?.trim();
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.product}: ${p.productName} (${p.sku})`,
    `${labels.weeklyVolume}: ${formatQuantity(p.weeklyVolume, p.unit, language)}`,
    `${labels.proposedPrice}: ${unitPrice(p.proposedPrice, p.unit, language)}`,
    `${labels.counterPrice}: ${unitPrice(p.counterPrice, p.unit, language)}`,
    `${labels.counterDifference}: ${priceDifference(p.counterPrice, p.proposedPrice, p.unit, language)}`,
    `${labels.counteredBy}: ${p.counteredByName}`,
    ...(note ? [`${labels.note}: ${note}`] : []),
  ].join('\n');
}

function outcomeFacts(p: MessageParams['priceOutcome'], language: Language): string {
  const { labels, outcomes } = PHRASES[language];
  const reason = p.reason?.trim();
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.product}: ${p.productName} (${p.sku})`,
    `${labels.outcome}: ${outcomes[p.outcome]}`,
    ...(p.price !== undefined && isAgreed(p.outcome) ? [`${labels.agreedPrice}: ${unitPrice(p.price, p.unit, language)}`] : []),
    ...(p.validUntil !== undefined && isAgreed(p.outcome) ? [`${labels.validUntil}: ${formatDate(p.validUntil, language, { year: true })}`] : []),
    ...(reason ? [`${labels.reason}: ${reason}`] : []),
    ...(p.byName ? [`${labels.decidedBy}: ${p.byName}`] : []),
  ].join('\n');
}

function welcomeFacts(p: MessageParams['welcome'], language: Language): string {
  const { labels, roles } = PHRASES[language];
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.city}: ${p.city}`,
    `${labels.menuFocus}: ${p.menuFocus.join(', ')}`,
    `${labels.wonBy}: ${p.wonByName} (${roles.field})`,
    `${labels.handoverTo}: ${p.insideName} (${roles.inside})`,
    `${labels.plannedHandover}: ${formatDateTime(p.handoverOn, language)}`,
  ].join('\n');
}

function visitFacts(p: MessageParams['visitReminder'], language: Language): string {
  const { labels, roles } = PHRASES[language];
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.city}: ${p.city}`,
    `${labels.partner}: ${p.partnerName} (${roles.inside})`,
    `${labels.plannedHandover}: ${formatDateTime(p.handoverOn, language)}`,
  ].join('\n');
}

function followUpFacts(p: MessageParams['followUpDue'], language: Language): string {
  const { labels, snoozedOnce } = PHRASES[language];
  return [
    `${labels.customer}: ${p.customerName} (${p.customerId})`,
    `${labels.topic}: ${p.topic.trim()}`,
    `${labels.dueOn}: ${formatDate(p.dueOn, language)}${p.snoozed ? ` (${snoozedOnce})` : ''}`,
    `${labels.createdBy}: ${p.createdByName}`,
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
  welcome: welcomeFacts,
  visitReminder: visitFacts,
  priceDecision: priceFacts,
  priceCounter: counterFacts,
  priceOutcome: outcomeFacts,
  followUpDue: followUpFacts,
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
