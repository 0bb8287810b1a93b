/**
 * Every message kind in every language, with the longest realistic values and with short everyday
 * ones: the SMS is one GSM-7 segment (with the whole decision link, last, where an answer is needed),
 * the email subject suits SNS and the body carries every detail unshortened.
 */
import { DECISION_REF_PATTERN } from '../../../functions/customer-request/domain/decision';
import {
  ALL_MESSAGE_KINDS,
  CUSTOMER_MESSAGE_KINDS,
  EMAIL_SUBJECT_LIMIT,
  formatDateTime,
  formatPrice,
  formatQuantity,
  gsm7Length,
  isUrgent,
  MESSAGE_KINDS,
  REQUEST_MESSAGE_KINDS,
  renderMessage,
  SMS_SEGMENT_LIMIT,
  URGENT_KINDS,
  type MessageKind,
  type MessageLine,
  type MessageParams,
  type MessageStore,
} from '../../../functions/customer-request/domain/messages';
import { LANGUAGES, type Language } from '../../../functions/domain/model';

/** Exactly `length` characters: the text cut, or padded with umlauts. */
const sized = (text: string, length: number, filler = 'ä'): string => text.padEnd(length, filler).slice(0, length);

// The longest realistic values: names at the model's maximum (customer and product 120, person, store and
// city 80), full of umlauts and typographic characters; the largest quantity with the most decimals; and
// the longest decision link: the API's own execute-api address with its stage and the 22-character reference.
const REF = 'Xq3vN8c1Zk7YpR2sT5w_-A';
const LONGEST_LINK = `https://abcdefghij.execute-api.eu-central-1.amazonaws.com/v1/tasks/${REF}`;
const LONG_CUSTOMER = sized('Großküche Schloßhotel Bärenhöhle – Gästehaus „Zur Güldenen Möwe“, Müller-Lüdenscheidt & Söhne, Inh. Jürgen Weißbäcker e. K.', 120);
const LONG_PRODUCT = sized('Rinderroulade „Hausfrauenart“ in Rotweinsoße, gefüllt mit Speck, Gewürzgurke & Zwiebeln, tiefgekühlt, Größe XXL, Großküchengebinde', 120);
const LONG_PRODUCT_2 = sized('Sahneheringsfilets nach Hausfrauenart mit Äpfeln, Gurken und Zwiebeln in Schmand-Joghurt-Soße, Eimer für Großküchen à 5 kg', 120, 'ö');
const LONG_PERSON = sized('Anna-Lena Müller-Lüdenscheidt-Weißbäcker von und zu Bärenhöhle-Schloßberg', 80, 'ü');
const LONG_CITY = sized('Hellschen-Heringsand-Unterschaar bei Heide in Dithmarschen, Gewerbegebiet Süd-Ost', 80);
const LONG_REASON = 'Ware ist „ausverkauft“ – der Lieferant meldet einen Engpass bei Rinderrouladen bis Mitte Dezember; Ersatz über Großmarkt Nord geprüft, dort ebenfalls nicht lieferbar. '
  .repeat(4)
  .slice(0, 500);
const LONG_STORE: MessageStore = {
  // The city is not part of the name, so the SMS names both.
  name: sized('Großmarkt Gastronomie-Großhandel für Großküchen, Hotellerie & Gemeinschaftsverpflegung Süd', 80),
  city: LONG_CITY,
  street: sized('Äußere Nürnberger Straße zwischen Güterbahnhof und Großmarkthalle 123–125', 80),
  postcode: '25764',
  distanceKm: 123.4,
};
const LONG_LINE: MessageLine = { sku: 'FLE-0042', productName: LONG_PRODUCT, quantity: 9999.999, unit: 'kg' };
const LONG_LINES: MessageLine[] = Array.from({ length: 50 }, (_, i) => ({
  sku: `CON-${String(100 + i).padStart(4, '0')}`,
  productName: i % 2 === 0 ? LONG_PRODUCT : LONG_PRODUCT_2,
  quantity: 9999.999,
  unit: 'kg' as const,
}));

const longFacts = (lines: MessageLine[]) => ({
  requestId: sized('S123-20261127-', 80, '9'),
  customerName: LONG_CUSTOMER,
  lines,
  neededBy: '2026-11-28T08:00:00+01:00',
  fulfilment: 'delivery' as const,
  note: sized('Bitte an die Anlieferung Hof Süd, Tor 3 – Küchenchef Jürgen Weißbäcker anrufen. ', 500, 'ü'),
  recipientName: LONG_PERSON,
});
const longTask = { link: LONGEST_LINK, answerBy: '2026-11-27T10:30:00+01:00', nextHolderName: LONG_PERSON };

// Short, everyday values: the story's restaurant, a goose, and a short link on our own domain.
const LINK = 'https://tandem360.example.com/d/Xq3vN8c1Zk7YpR2sT5wLbA';
const GOOSE: MessageLine = { sku: 'GEF-0001', productName: 'Gans küchenfertig, tiefgekühlt, ca. 4,5 kg', quantity: 10, unit: 'piece' };
const NEARBY: MessageStore = { name: 'Großmarkt Düsseldorf', city: 'Düsseldorf', postcode: '40231', distanceKm: 5.1 };
const shortFacts = {
  requestId: 'S002-20261127-0042',
  customerName: 'Restaurant Rheinblick',
  lines: [GOOSE],
  neededBy: '2026-11-28T08:00:00+01:00',
  fulfilment: 'pickup' as const,
  recipientName: 'Peter Schmidt',
};
const shortTask = { link: LINK, answerBy: '2026-11-27T10:30:00+01:00', nextHolderName: 'Peter Schmidt' };

/** Per kind: everyday params, and the longest realistic ones (each a variant that matters: one line or fifty, …). */
interface Examples<K extends MessageKind> {
  readonly short: MessageParams[K];
  readonly longest: readonly MessageParams[K][];
}
const forEachRequest = <T>(make: (facts: ReturnType<typeof longFacts>) => T): T[] => [make(longFacts([LONG_LINE])), make(longFacts(LONG_LINES))];

// A mapped type over every kind: a new kind does not compile until it has examples here.
const EXAMPLES: { readonly [K in MessageKind]: Examples<K> } = {
  reserved: {
    short: { ...shortFacts, store: NEARBY, reservedUntil: '2026-11-28T12:00:00+01:00' },
    longest: forEachRequest((f) => ({ ...f, store: LONG_STORE, reservedUntil: '2026-11-28T12:00:00+01:00' })),
  },
  partial: {
    short: { ...shortFacts, store: NEARBY, reserved: [{ ...GOOSE, quantity: 6 }], missing: [{ ...GOOSE, quantity: 4 }] },
    longest: forEachRequest((f) => ({ ...f, store: LONG_STORE, reserved: [{ ...LONG_LINE, quantity: 0.001 }], missing: f.lines.map((l, i) => (i === 0 ? { ...l, quantity: 9999.998 } : l)) })),
  },
  decisionNeeded: {
    short: { ...shortFacts, ...shortTask, missing: [{ ...GOOSE, quantity: 4 }] },
    longest: forEachRequest((f) => ({ ...f, ...longTask, missing: f.lines, offers: [{ store: LONG_STORE, lines: f.lines }] })),
  },
  reminder: {
    short: { ...shortFacts, ...shortTask },
    longest: forEachRequest((f) => ({ ...f, ...longTask })),
  },
  handedToPartner: {
    short: { ...shortFacts, ...shortTask, fromName: 'Anmar Al-Jaeibaje' },
    longest: forEachRequest((f) => ({ ...f, ...longTask, fromName: LONG_PERSON })),
  },
  unfulfilled: {
    short: { ...shortFacts, reason: { kind: 'declined', text: 'Keine Gänse vor Montag lieferbar', byName: 'Anmar Al-Jaeibaje' } },
    longest: [
      ...forEachRequest((f) => ({ ...f, reason: { kind: 'declined' as const, text: LONG_REASON, byName: LONG_PERSON } })),
      ...forEachRequest((f) => ({ ...f, reason: { kind: 'timeout' as const } })),
    ],
  },
  sourced: {
    short: { ...shortFacts, store: NEARBY, decidedByName: 'Anmar Al-Jaeibaje' },
    longest: forEachRequest((f) => ({ ...f, store: LONG_STORE, decidedByName: LONG_PERSON })),
  },
  stockArrived: {
    short: { ...shortFacts, ...shortTask, store: NEARBY, arrived: [{ ...GOOSE, quantity: 12 }] },
    longest: forEachRequest((f) => ({ ...f, ...longTask, store: LONG_STORE, arrived: f.lines })),
  },
  handover: {
    short: {
      customerName: 'Restaurant Rheinblick',
      customerId: 'C000123',
      city: 'Düsseldorf',
      handedOverOn: '2026-11-30T08:00:00+01:00',
      fromName: 'Anmar Al-Jaeibaje',
      toName: 'Peter Schmidt',
      early: false,
      recipientName: 'Peter Schmidt',
    },
    longest: [true, false].map((early) => ({
      customerName: LONG_CUSTOMER,
      customerId: 'C999999',
      city: LONG_CITY,
      handedOverOn: '2026-11-28T23:59:00+01:00',
      fromName: LONG_PERSON,
      toName: `${LONG_PERSON.slice(0, 70)} Weißbäck`,
      early,
      recipientName: LONG_PERSON,
    })),
  },
  priceDecision: {
    short: {
      customerName: 'Hotel Adler',
      customerId: 'C000123',
      productName: 'Lachsfilet',
      sku: 'FIS-0007',
      weeklyVolume: 40,
      unit: 'kg',
      proposedPrice: 12.5,
      suggestedPrice: 13.9,
      requestedByName: 'Anmar Al-Jaeibaje',
      ...shortTask,
      recipientName: 'Peter Schmidt',
    },
    // Caviar by the case is as dear as it gets: four-digit prices, each '€' counting 2 in GSM-7.
    longest: [{ ...longTask }, { link: LONGEST_LINK, answerBy: longTask.answerBy }].map((task) => ({
      customerName: LONG_CUSTOMER,
      customerId: 'C999999',
      productName: LONG_PRODUCT,
      sku: 'FIS-9999',
      weeklyVolume: 9999.999,
      unit: 'case' as const,
      proposedPrice: 1249.9,
      suggestedPrice: 1389.95,
      requestedByName: LONG_PERSON,
      ...task,
      recipientName: LONG_PERSON,
    })),
  },
};

const render = (kind: MessageKind, params: MessageParams[MessageKind], language: Language) => renderMessage(kind, params as never, language);

/** Keys whose values the email shows formatted (dates, enums), not verbatim. */
const FORMATTED_KEYS = new Set(['neededBy', 'answerBy', 'reservedUntil', 'handedOverOn', 'fulfilment', 'unit', 'kind']);

/** Every string in the params that the email must show as it is: names, ids, SKUs, the note, the reason, the link. */
function verbatimTexts(value: unknown, key = ''): string[] {
  if (typeof value === 'string') return FORMATTED_KEYS.has(key) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((v) => verbatimTexts(v, key));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => verbatimTexts(v, k));
  return [];
}

const CASES = ALL_MESSAGE_KINDS.flatMap((kind) =>
  LANGUAGES.flatMap((language) => [
    ...EXAMPLES[kind].longest.map((params, i) => ({ kind, language, example: `longest #${i + 1}`, params })),
    { kind, language, example: 'short', params: EXAMPLES[kind].short },
  ]),
);

describe('every kind in every language', () => {
  test('has examples, and the examples are realistic', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...ALL_MESSAGE_KINDS].sort());
    expect(REF).toMatch(DECISION_REF_PATTERN);
    expect(LONGEST_LINK).toHaveLength(89);
    expect([LONG_CUSTOMER, LONG_PRODUCT, LONG_PRODUCT_2].map((n) => n.length)).toEqual([120, 120, 120]);
    expect([LONG_PERSON, LONG_CITY, LONG_STORE.name].map((n) => n.length)).toEqual([80, 80, 80]);
    expect(LONG_REASON).toHaveLength(500);
  });

  test.each(CASES)('$kind, $language, $example: one GSM-7 segment, a subject SNS accepts, every detail in the body', ({ kind, language, params }) => {
    const { sms, email } = render(kind, params, language);

    const length = gsm7Length(sms);
    expect({ sms, length }).toEqual({ sms, length: expect.any(Number) as number });
    expect(length).toBeLessThanOrEqual(SMS_SEGMENT_LIMIT);

    expect(email.subject.trim().length).toBeGreaterThan(0);
    expect(email.subject.length).toBeLessThan(100);
    expect(email.subject.length).toBeLessThanOrEqual(EMAIL_SUBJECT_LIMIT);
    expect(email.subject).not.toMatch(/[\p{Cc}\u2028\u2029]/u);

    for (const text of verbatimTexts(params)) expect(email.body).toContain(text.trim());
    expect(email.body).toContain(params.customerName);

    // Urgent is exactly: someone must answer by a deadline, through the link.
    expect(isUrgent(kind)).toBe('link' in params);
    if ('link' in params) {
      expect(sms.endsWith(params.link)).toBe(true);
      expect(sms.split(params.link)).toHaveLength(2);
      expect(email.body).toContain(params.link);
      expect(email.body).toContain(formatDateTime(params.answerBy, language));
    }
  });
});

describe('urgent and informational kinds', () => {
  test('the urgent kinds are those where a person must answer by a deadline', () => {
    expect(ALL_MESSAGE_KINDS.filter(isUrgent)).toEqual([...URGENT_KINDS]);
    expect([...URGENT_KINDS].sort()).toEqual(['decisionNeeded', 'handedToPartner', 'priceDecision', 'reminder', 'stockArrived']);
    expect(isUrgent('handover')).toBe(false);
    expect(isUrgent('reserved')).toBe(false);
  });

  test('request kinds and customer kinds together are all kinds; MESSAGE_KINDS stays the request kinds a request logs', () => {
    expect([...ALL_MESSAGE_KINDS]).toEqual([...REQUEST_MESSAGE_KINDS, ...CUSTOMER_MESSAGE_KINDS]);
    expect(MESSAGE_KINDS).toBe(REQUEST_MESSAGE_KINDS);
  });
});

describe('handover', () => {
  const params = EXAMPLES.handover.short;

  test('reads naturally as an SMS', () => {
    expect(render('handover', params, 'de').sms).toBe('Übergabe: Restaurant Rheinblick (Düsseldorf) geht ab Mo 30.11. 08:00 von Anmar Al-Jaeibaje an Peter Schmidt.');
    expect(render('handover', params, 'en').sms).toBe('Handover: Restaurant Rheinblick (Düsseldorf) passes from Anmar Al-Jaeibaje to Peter Schmidt on Mon 30 Nov 08:00.');
    expect(render('handover', { ...params, early: true }, 'de').sms).toMatch(/^Vorzeitige Übergabe: /);
  });

  test('the email names the customer, who hands over to whom, and no request facts', () => {
    const { subject, body } = render('handover', { ...params, early: true }, 'de').email;
    expect(subject).toBe('Vorzeitige Übergabe: Restaurant Rheinblick an Peter Schmidt');
    for (const expected of [
      'Hallo Peter Schmidt,',
      'Kunde: Restaurant Rheinblick (C000123)',
      'Ort: Düsseldorf',
      'Übergabe: Mo 30.11. 08:00 (vorzeitig)',
      'Von: Anmar Al-Jaeibaje (Außendienst)',
      'An: Peter Schmidt (Innendienst)',
    ]) {
      expect(body).toContain(expected);
    }
    expect(body).not.toMatch(/Benötigt|Anfrage:|Positionen/);
    expect(render('handover', params, 'en').email.body).toContain('From: Anmar Al-Jaeibaje (field manager)');
  });
});

describe('priceDecision', () => {
  const params = EXAMPLES.priceDecision.short;

  test('reads naturally as an SMS, with the whole link last', () => {
    expect(render('priceDecision', params, 'de').sms).toBe(
      `Sonderpreis 12,50 € statt 13,90 €/kg für 40 kg/Woche Lachsfilet an Hotel Adler? Antwort bis 10:30: ${LINK}`,
    );
    expect(render('priceDecision', params, 'en').sms).toBe(
      `Special price €12.50 instead of €13.90/kg for 40 kg/week Lachsfilet to Hotel Adler? Answer by 10:30: ${LINK}`,
    );
    // With the longest link the SMS says less, but keeps the proposed price and the whole link.
    expect(render('priceDecision', { ...params, link: LONGEST_LINK }, 'de').sms).toBe(
      `Sonderpreis 12,50 € für Lachsfilet an Hotel Adler? Antwort bis 10:30: ${LONGEST_LINK}`,
    );
  });

  test('the email gives both prices per unit, the difference, the volume, and what each answer means', () => {
    const { subject, body } = render('priceDecision', params, 'de').email;
    expect(subject).toBe('Sonderpreis für Hotel Adler: Lachsfilet, bis 10:30');
    for (const expected of [
      'Kunde: Hotel Adler (C000123)',
      'Artikel: Lachsfilet (FIS-0007)',
      'Menge pro Woche: 40 kg',
      'Vorgeschlagener Preis: 12,50 €/kg',
      'Staffelpreis: 13,90 €/kg',
      'Abweichung: -1,40 €/kg (-10,1 %)',
      'Angefragt von: Anmar Al-Jaeibaje',
      `Entscheiden: ${LINK}`,
      '- Freigeben:',
      '- Gegenangebot:',
      '- Ablehnen:',
      'Antwort bis Fr 27.11. 10:30. Ohne Antwort geht die Aufgabe dann an Peter Schmidt.',
    ]) {
      expect(body).toContain(expected);
    }
    expect(render('priceDecision', { ...params, nextHolderName: undefined }, 'en').email.body).toContain('Without an answer the volume-tier price then stays.');
  });

  test('prices are in the reader’s format', () => {
    expect(formatPrice(12.5, 'de')).toBe('12,50 €');
    expect(formatPrice(12.5, 'en')).toBe('€12.50');
    expect(formatPrice(1249.9, 'de')).toBe('1.249,90 €');
    expect(formatPrice(-1.4, 'en')).toBe('-€1.40');
    expect(gsm7Length(formatPrice(12.5, 'de'))).toBe(8);
  });

  test('the longest SMS keeps the proposed price whole', () => {
    for (const language of LANGUAGES) {
      const [longest] = EXAMPLES.priceDecision.longest;
      if (!longest) throw new Error('no example');
      expect(render('priceDecision', longest, language).sms).toContain(formatPrice(longest.proposedPrice, language));
      expect(render('priceDecision', longest, language).email.body).toContain(formatQuantity(longest.weeklyVolume, longest.unit, language));
    }
  });
});
