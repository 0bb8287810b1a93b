/**
 * Every message kind in every language, with the longest realistic values and with short everyday
 * ones: the SMS is one GSM-7 segment (with the whole link, last, where the kind has one), the email
 * subject suits SNS and the body carries every detail unshortened.
 */
import { DECISION_REF_PATTERN } from '../../../functions/customer-request/domain/decision';
import {
  ALL_MESSAGE_KINDS,
  CUSTOMER_MESSAGE_KINDS,
  EMAIL_SUBJECT_LIMIT,
  formatDate,
  formatDateTime,
  formatDeadline,
  formatPrice,
  formatQuantity,
  gsm7Length,
  isUrgent,
  MESSAGE_KINDS,
  PRICE_OUTCOMES,
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
// A registration names at most 10 kitchen focuses of at most 40 characters each.
const LONG_MENU_FOCUS = Array.from({ length: 10 }, (_, i) => sized(`${i + 1}. Süddeutsche Küche, Spätzle & Maultaschen`, 40, 'ö'));
const LONG_TOPIC = 'Neue Speisekarte „Wildwochen“ durchgehen – Rehrücken, Hirschgulasch & Maronen; Mengen für die Weihnachtsfeiern klären. '
  .repeat(5)
  .slice(0, 500);
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

// The story's tandem: Peter Schmidt in the field, Anmar Al-Jaeibaje inside.
const FIELD = 'Peter Schmidt';
const INSIDE = 'Anmar Al-Jaeibaje';
const longCustomer = { customerName: LONG_CUSTOMER, customerId: 'C999999', recipientName: LONG_PERSON };
const rheinblick = { customerName: 'Restaurant Rheinblick', customerId: 'C000123' };
const adler = { customerName: 'Hotel Adler', customerId: 'C000123' };
/** Caviar by the case is as dear as it gets: four-digit prices, each '€' counting 2 in GSM-7. */
const longPriceFacts = { ...longCustomer, productName: LONG_PRODUCT, sku: 'FIS-9999', unit: 'case' as const };
const salmon = { productName: 'Lachsfilet', sku: 'FIS-0007', unit: 'kg' as const };

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
  welcome: {
    // The field manager's copy, with the onboarding link; the inside manager's has none.
    short: {
      ...rheinblick,
      city: 'Düsseldorf',
      menuFocus: ['Fisch', 'italienisch'],
      wonByName: FIELD,
      insideName: INSIDE,
      handoverOn: '2027-01-08T10:15:00+01:00',
      link: LINK,
      recipientName: FIELD,
    },
    longest: [{ link: LONGEST_LINK }, {}].map((link) => ({
      ...longCustomer,
      city: LONG_CITY,
      menuFocus: LONG_MENU_FOCUS,
      wonByName: LONG_PERSON,
      insideName: `${LONG_PERSON.slice(0, 70)} Weißbäck`,
      handoverOn: '2026-11-30T23:59:00+01:00',
      ...link,
    })),
  },
  visitReminder: {
    short: { ...rheinblick, city: 'Düsseldorf', partnerName: INSIDE, handoverOn: '2027-01-08T10:15:00+01:00', link: LINK, recipientName: FIELD },
    longest: [{ ...longCustomer, city: LONG_CITY, partnerName: LONG_PERSON, handoverOn: '2026-11-30T23:59:00+01:00', link: LONGEST_LINK }],
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
    // The first ask, a reminder and the hand-over to the partner, each with and without a next holder.
    longest: [{}, { phase: 'reminder' as const }, { phase: 'handedToPartner' as const, fromName: LONG_PERSON }].flatMap((phase) =>
      [{ ...longTask }, { link: LONGEST_LINK, answerBy: longTask.answerBy }].map((task) => ({
        ...longPriceFacts,
        weeklyVolume: 9999.999,
        proposedPrice: 1249.9,
        suggestedPrice: 1389.95,
        requestedByName: LONG_PERSON,
        ...task,
        ...phase,
      })),
    ),
  },
  priceCounter: {
    // To the field manager; if they do not answer, the counter-offer lapses (no next holder).
    short: {
      ...adler,
      ...salmon,
      weeklyVolume: 40,
      proposedPrice: 12.5,
      counterPrice: 13.2,
      counteredByName: INSIDE,
      link: LINK,
      answerBy: '2026-11-27T10:30:00+01:00',
      recipientName: FIELD,
    },
    longest: [{ ...longTask }, { link: LONGEST_LINK, answerBy: longTask.answerBy }].map((task) => ({
      ...longPriceFacts,
      weeklyVolume: 9999.999,
      proposedPrice: 1249.9,
      counterPrice: 1389.95,
      note: sized('Mehr geht bei „Kaviar“ – Einkauf & Marge – nicht; ab 12 Kartons pro Woche nochmal sprechen. ', 500, 'ü'),
      counteredByName: LONG_PERSON,
      ...task,
    })),
  },
  priceOutcome: {
    short: { ...adler, ...salmon, outcome: 'approved', price: 11.9, validUntil: '2027-11-30', byName: INSIDE, recipientName: FIELD },
    // Each outcome with what it realistically carries: a price and its end, a 500-character reason, who decided.
    longest: PRICE_OUTCOMES.map((outcome) => ({
      ...longPriceFacts,
      outcome,
      ...(outcome === 'approved' || outcome === 'counterAccepted' ? { price: 1249.9, validUntil: '2027-12-31' } : {}),
      ...(outcome === 'rejected' ? { reason: LONG_REASON } : {}),
      ...(outcome === 'expired' || outcome === 'counterLapsed' ? {} : { byName: LONG_PERSON }),
    })),
  },
  followUpDue: {
    short: { ...rheinblick, topic: 'Neue Speisekarte ansehen', dueOn: '2026-12-07', createdByName: FIELD, snoozed: false, link: LINK, recipientName: INSIDE },
    longest: [false, true].map((snoozed) => ({ ...longCustomer, topic: LONG_TOPIC, dueOn: '2026-11-30', createdByName: LONG_PERSON, snoozed, link: LONGEST_LINK })),
  },
};

const render = (kind: MessageKind, params: MessageParams[MessageKind], language: Language) => renderMessage(kind, params as never, language);

/** Keys whose values the email shows formatted (dates, enums), not verbatim. */
const FORMATTED_KEYS = new Set(['neededBy', 'answerBy', 'reservedUntil', 'handedOverOn', 'handoverOn', 'dueOn', 'validUntil', 'fulfilment', 'unit', 'kind', 'outcome', 'phase']);

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
    expect(LONG_TOPIC).toHaveLength(500);
    expect(LONG_MENU_FOCUS.map((f) => f.length)).toEqual(Array<number>(10).fill(40));
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

    // Urgent is exactly: someone must answer by a deadline. Onboarding and follow-up links have none.
    expect(isUrgent(kind)).toBe('answerBy' in params);
    if ('answerBy' in params) expect(email.body).toContain(formatDateTime(params.answerBy, language));
    if ('link' in params && params.link !== undefined) {
      expect(sms.endsWith(params.link)).toBe(true);
      expect(sms.split(params.link)).toHaveLength(2);
      expect(email.body).toContain(params.link);
    }
  });
});

describe('urgent and informational kinds', () => {
  test('the urgent kinds are those where a person must answer by a deadline', () => {
    expect(ALL_MESSAGE_KINDS.filter(isUrgent)).toEqual([...URGENT_KINDS]);
    expect([...URGENT_KINDS].sort()).toEqual(['decisionNeeded', 'handedToPartner', 'priceCounter', 'priceDecision', 'reminder', 'stockArrived']);
    expect(CUSTOMER_MESSAGE_KINDS.filter(isUrgent)).toEqual(['priceDecision', 'priceCounter']);
    for (const kind of ['handover', 'welcome', 'visitReminder', 'priceOutcome', 'followUpDue', 'reserved'] as const) expect(isUrgent(kind)).toBe(false);
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
      `Sonderpreis 12,50 € statt 13,90 €/kg für 40 kg/Woche Lachsfilet an Hotel Adler? Antwort bis Fr 10:30: ${LINK}`,
    );
    expect(render('priceDecision', params, 'en').sms).toBe(
      `Special price €12.50 instead of €13.90/kg for 40 kg/week Lachsfilet to Hotel Adler? Reply by Fri 10:30: ${LINK}`,
    );
    // With the longest link the SMS says less, but keeps the proposed price, the deadline and the whole link.
    expect(render('priceDecision', { ...params, link: LONGEST_LINK }, 'de').sms).toBe(
      `Sonderpreis 12,50 € für Lachsfilet an Hotel Adler? Bis Fr 10:30: ${LONGEST_LINK}`,
    );
  });

  test('the deadline names its day: a price decision has days, not minutes', () => {
    expect(formatDeadline('2026-11-27T10:30:00+01:00', 'de')).toBe('Fr 10:30');
    expect(formatDeadline('2026-11-27T10:30:00+01:00', 'en')).toBe('Fri 10:30');
    // 23:30 UTC is already Saturday in Berlin.
    expect(formatDeadline('2026-11-27T23:30:00Z', 'de')).toBe('Sa 00:30');
  });

  test('a reminder and a hand-over to the partner say so first, in the SMS and the subject', () => {
    const reminder = render('priceDecision', { ...params, phase: 'reminder' }, 'de');
    expect(reminder.sms).toBe(`Erinnerung: Sonderpreis 12,50 € statt 13,90 €/kg für Lachsfilet an Hotel Adler? Antwort bis Fr 10:30: ${LINK}`);
    expect(reminder.email.subject).toBe('Erinnerung: Sonderpreis für Hotel Adler: Lachsfilet, bis Fr 10:30');
    expect(reminder.email.body).toContain('Die Entscheidung über diesen Sonderpreis steht noch aus. Anmar Al-Jaeibaje bittet');

    const handed = { ...params, phase: 'handedToPartner' as const, fromName: 'Peter Schmidt', nextHolderName: undefined };
    expect(render('priceDecision', handed, 'de').sms).toMatch(/^Übernahme: Sonderpreis 12,50 € /);
    expect(render('priceDecision', handed, 'en').sms).toMatch(/^Over to you: Special price €12.50 /);
    expect(render('priceDecision', handed, 'en').email.subject).toBe('Over to you: Special price for Hotel Adler: Lachsfilet, by Fri 10:30');
    expect(render('priceDecision', handed, 'de').email.body).toContain('Peter Schmidt hat nicht rechtzeitig geantwortet; die Entscheidung liegt jetzt bei dir.');
    expect(render('priceDecision', { ...handed, fromName: undefined }, 'en').email.body).toContain('Your tandem partner did not answer in time');
  });

  test('the first ask has no prefix', () => {
    for (const language of LANGUAGES) {
      const { sms, email } = render('priceDecision', params, language);
      expect(sms).toMatch(/^(Sonderpreis|Special price) /);
      expect(email.subject).toMatch(/^(Sonderpreis|Special price) /);
    }
  });

  test('the highest price the schema allows still fits, with every prefix and the longest names and link', () => {
    for (const language of LANGUAGES) {
      for (const longest of EXAMPLES.priceDecision.longest) {
        const sms = render('priceDecision', { ...longest, proposedPrice: 10_000 }, language).sms;
        expect(gsm7Length(sms)).toBeLessThanOrEqual(SMS_SEGMENT_LIMIT);
        expect(sms).toContain(formatPrice(10_000, language));
        expect(sms).toContain(formatDeadline(longest.answerBy, language));
      }
      for (const longest of EXAMPLES.priceCounter.longest) {
        expect(gsm7Length(render('priceCounter', { ...longest, counterPrice: 10_000 }, language).sms)).toBeLessThanOrEqual(SMS_SEGMENT_LIMIT);
      }
    }
  });

  test('the email gives both prices per unit, the difference, the volume, and what each answer means', () => {
    const { subject, body } = render('priceDecision', params, 'de').email;
    expect(subject).toBe('Sonderpreis für Hotel Adler: Lachsfilet, bis Fr 10:30');
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

describe('welcome', () => {
  const params = EXAMPLES.welcome.short;
  const forInside = { ...params, link: undefined, recipientName: INSIDE };

  test('the field manager gets the onboarding link last; the inside manager hears who won the customer', () => {
    expect(render('welcome', params, 'de').sms).toBe(`Neukunde: Restaurant Rheinblick. Übergabe an Anmar Al-Jaeibaje am Fr 08.01. Übergeben/Verlängern: ${LINK}`);
    expect(render('welcome', params, 'en').sms).toBe(`New customer: Restaurant Rheinblick. Handover to Anmar Al-Jaeibaje on Fri 8 Jan. Hand over/extend: ${LINK}`);
    expect(render('welcome', forInside, 'de').sms).toBe('Neukunde: Restaurant Rheinblick (Düsseldorf), gewonnen von Peter Schmidt. Übergabe an Anmar Al-Jaeibaje am Fr 08.01.');
    expect(render('welcome', forInside, 'en').sms).toBe('New customer: Restaurant Rheinblick (Düsseldorf), won by Peter Schmidt. Handover to Anmar Al-Jaeibaje on Fri 8 Jan.');
    // With the longest link the customer's name stays whole rather than the choices being named.
    expect(render('welcome', { ...params, link: LONGEST_LINK }, 'de').sms).toBe(`Neukunde Restaurant Rheinblick, Übergabe am Fr 08.01.: ${LONGEST_LINK}`);
  });

  test('the email gives the menu focus and the plan, and to the field manager the two choices of the link', () => {
    const { subject, body } = render('welcome', params, 'de').email;
    expect(subject).toBe('Neukunde: Restaurant Rheinblick (Düsseldorf)');
    for (const expected of [
      'Hallo Peter Schmidt,',
      'Peter Schmidt hat Restaurant Rheinblick als Neukunden gewonnen.',
      'Kunde: Restaurant Rheinblick (C000123)',
      'Küche: Fisch, italienisch',
      'Gewonnen von: Peter Schmidt (Außendienst)',
      'Übergabe an: Anmar Al-Jaeibaje (Innendienst)',
      'Geplante Übergabe: Fr 08.01. 10:15',
      'einmal im Monat besucht ihr ihn gemeinsam',
      `Übergeben oder verlängern: ${LINK}`,
      '- Jetzt übergeben: Anmar Al-Jaeibaje übernimmt den Kunden sofort; das ist endgültig.',
      '- Verlängern: Die Übergabezeit einmal um bis zu 4 Wochen verlängern',
    ]) {
      expect(body).toContain(expected);
    }
    const inside = render('welcome', forInside, 'en').email.body;
    expect(inside).toContain('Hello Anmar Al-Jaeibaje,');
    expect(inside).toContain('once a month you visit them together');
    expect(inside).not.toMatch(/Hand over now|Extend:/);
  });
});

describe('visitReminder', () => {
  const params = EXAMPLES.visitReminder.short;

  test('reads naturally as an SMS, with the onboarding link last', () => {
    expect(render('visitReminder', params, 'de').sms).toBe(`Gemeinsamer Besuch fällig: Restaurant Rheinblick mit Anmar Al-Jaeibaje. Übergeben/Verlängern: ${LINK}`);
    expect(render('visitReminder', params, 'en').sms).toBe(`Joint visit due: Restaurant Rheinblick with Anmar Al-Jaeibaje. Hand over/extend: ${LINK}`);
  });

  test('the email asks to agree a date with the partner and names the planned handover', () => {
    const { subject, body } = render('visitReminder', params, 'de').email;
    expect(subject).toBe('Gemeinsamer Besuch fällig: Restaurant Rheinblick');
    for (const expected of [
      'Bitte mit Anmar Al-Jaeibaje einen Termin abstimmen.',
      'Tandempartner: Anmar Al-Jaeibaje (Innendienst)',
      'Geplante Übergabe: Fr 08.01. 10:15',
      `Übergeben oder verlängern: ${LINK}`,
    ]) {
      expect(body).toContain(expected);
    }
  });
});

describe('priceCounter', () => {
  const params = EXAMPLES.priceCounter.short;

  test('reads naturally as an SMS: the counter-offer, the price it answers, the deadline with its day, the link', () => {
    expect(render('priceCounter', params, 'de').sms).toBe(
      `Gegenangebot 13,20 € statt 12,50 €/kg für 40 kg/Woche Lachsfilet an Hotel Adler? Antwort bis Fr 10:30: ${LINK}`,
    );
    expect(render('priceCounter', params, 'en').sms).toBe(
      `Counter-offer €13.20 instead of €12.50/kg for 40 kg/week Lachsfilet to Hotel Adler? Reply by Fri 10:30: ${LINK}`,
    );
    expect(render('priceCounter', { ...params, link: LONGEST_LINK }, 'de').sms).toBe(`Gegenangebot 13,20 € für Lachsfilet an Hotel Adler? Bis Fr 10:30: ${LONGEST_LINK}`);
  });

  test('the email gives both prices, who countered, the note, and what each answer of the customer means', () => {
    const { subject, body } = render('priceCounter', { ...params, note: 'Mehr geht bei Lachs nicht.' }, 'de').email;
    expect(subject).toBe('Gegenangebot für Hotel Adler: Lachsfilet, bis Fr 10:30');
    for (const expected of [
      'Anmar Al-Jaeibaje macht für Hotel Adler ein Gegenangebot: 13,20 €/kg statt der vorgeschlagenen 12,50 €/kg für Lachsfilet.',
      'Vorgeschlagener Preis: 12,50 €/kg',
      'Gegenangebot: 13,20 €/kg',
      'Abweichung vom Vorschlag: +0,70 €/kg (+5,6 %)',
      'Gegenangebot von: Anmar Al-Jaeibaje',
      'Notiz: Mehr geht bei Lachs nicht.',
      `Entscheiden: ${LINK}`,
      '- Angenommen: Der Kunde nimmt das Gegenangebot an; für ihn gilt 13,20 €/kg.',
      '- Abgelehnt: Der Kunde lehnt ab; es bleibt beim Staffelpreis.',
      'Antwort bis Fr 27.11. 10:30. Ohne Antwort bleibt es dann beim Staffelpreis.',
    ]) {
      expect(body).toContain(expected);
    }
    expect(render('priceCounter', params, 'en').email.body).toContain('- Declined: the customer declines; the volume-tier price stays.');
  });
});

describe('priceOutcome', () => {
  const base = { ...adler, ...salmon, recipientName: FIELD };
  const sms = (params: Omit<MessageParams['priceOutcome'], keyof typeof base>, language: Language = 'de') =>
    render('priceOutcome', { ...base, ...params }, language).sms;

  test('each outcome reads naturally as an SMS', () => {
    expect(sms({ outcome: 'approved', price: 11.9, validUntil: '2027-11-30', byName: INSIDE })).toBe(
      'Sonderpreis freigegeben: 11,90 €/kg Lachsfilet für Hotel Adler, gültig bis 30.11.2027. Von Anmar Al-Jaeibaje',
    );
    expect(sms({ outcome: 'approved', price: 11.9, validUntil: '2027-11-30', byName: INSIDE }, 'en')).toBe(
      'Special price approved: €11.90/kg Lachsfilet for Hotel Adler, valid until 30 Nov 2027. By Anmar Al-Jaeibaje',
    );
    expect(sms({ outcome: 'rejected', reason: 'Marge zu gering', byName: INSIDE })).toBe(
      'Sonderpreis abgelehnt: Lachsfilet für Hotel Adler. Grund: Marge zu gering. Von Anmar Al-Jaeibaje',
    );
    expect(sms({ outcome: 'expired' })).toBe('Keine Antwort auf Sonderpreis: Lachsfilet für Hotel Adler. Es bleibt beim Staffelpreis.');
    expect(sms({ outcome: 'counterAccepted', price: 13.2, validUntil: '2027-11-30', byName: FIELD })).toBe(
      'Gegenangebot angenommen: 13,20 €/kg Lachsfilet für Hotel Adler, gültig bis 30.11.2027. Von Peter Schmidt',
    );
    expect(sms({ outcome: 'counterDeclined', byName: FIELD })).toBe('Gegenangebot abgelehnt: Lachsfilet für Hotel Adler. Es bleibt beim Staffelpreis.');
    expect(sms({ outcome: 'counterLapsed' })).toBe('Keine Antwort auf Gegenangebot: Lachsfilet für Hotel Adler. Es bleibt beim Staffelpreis.');
    expect(sms({ outcome: 'counterLapsed' }, 'en')).toBe('Counter-offer not answered: Lachsfilet for Hotel Adler. The volume-tier price stays.');
  });

  test('every outcome has its own subject and lead, in both languages', () => {
    for (const language of LANGUAGES) {
      const emails = PRICE_OUTCOMES.map((outcome) => render('priceOutcome', { ...base, outcome }, language).email);
      expect(new Set(emails.map((e) => e.subject)).size).toBe(PRICE_OUTCOMES.length);
      expect(new Set(emails.map((e) => e.body)).size).toBe(PRICE_OUTCOMES.length);
    }
  });

  test('the email gives the agreed price and its end, or the reason, and who decided', () => {
    const approved = render('priceOutcome', EXAMPLES.priceOutcome.short, 'de').email;
    expect(approved.subject).toBe('Sonderpreis freigegeben: Lachsfilet für Hotel Adler');
    for (const expected of [
      'Der Sonderpreis für Hotel Adler ist freigegeben: 11,90 €/kg für Lachsfilet, gültig bis 30.11.2027.',
      'Artikel: Lachsfilet (FIS-0007)',
      'Vereinbarter Preis: 11,90 €/kg',
      'Gültig bis: 30.11.2027',
      'Entschieden von: Anmar Al-Jaeibaje',
      'Bitte den Kunden informieren.',
    ]) {
      expect(approved.body).toContain(expected);
    }
    const rejected = render('priceOutcome', { ...base, outcome: 'rejected', reason: 'Marge zu gering', byName: INSIDE }, 'en').email.body;
    expect(rejected).toContain('The special price for Hotel Adler is rejected: the volume-tier price for Lachsfilet stays. Reason: Marge zu gering');
    expect(rejected).not.toContain('Agreed price');
    expect(render('priceOutcome', { ...base, outcome: 'counterLapsed' }, 'de').email.body).toContain(
      'Das Gegenangebot für Hotel Adler wurde nicht rechtzeitig beantwortet: Für Lachsfilet bleibt es beim Staffelpreis.',
    );
  });
});

describe('followUpDue', () => {
  const params = EXAMPLES.followUpDue.short;

  test('reads naturally as an SMS; a snoozed follow-up no longer offers to snooze', () => {
    expect(render('followUpDue', params, 'de').sms).toBe(`Wiedervorlage Restaurant Rheinblick: Neue Speisekarte ansehen. Erledigt/Verschieben/Übergeben: ${LINK}`);
    expect(render('followUpDue', params, 'en').sms).toBe(`Follow-up Restaurant Rheinblick: Neue Speisekarte ansehen. Done/snooze/hand over: ${LINK}`);
    expect(render('followUpDue', { ...params, snoozed: true }, 'de').sms).toBe(`Wiedervorlage Restaurant Rheinblick: Neue Speisekarte ansehen. Erledigt/Übergeben: ${LINK}`);
  });

  test('the email gives the topic, the day, who created it, and the three choices', () => {
    const { subject, body } = render('followUpDue', params, 'de').email;
    expect(subject).toBe('Wiedervorlage für Restaurant Rheinblick: Neue Speisekarte ansehen');
    for (const expected of [
      'Hallo Anmar Al-Jaeibaje,',
      'Heute ist die Wiedervorlage für Restaurant Rheinblick fällig: Neue Speisekarte ansehen',
      'Thema: Neue Speisekarte ansehen',
      'Fällig: Mo 07.12.',
      'Angelegt von: Peter Schmidt',
      `Bearbeiten: ${LINK}`,
      '- Erledigt:',
      '- Verschieben: Einmal auf einen späteren Tag legen',
      '- Übergeben: Einmal an den Partner im Tandem abgeben',
    ]) {
      expect(body).toContain(expected);
    }
    const snoozed = render('followUpDue', { ...params, snoozed: true }, 'en').email.body;
    expect(snoozed).toContain('Due: Mon 7 Dec (snoozed once already)');
    expect(snoozed).toContain('- Snooze: no longer possible, it was snoozed once already.');
  });
});

describe('formatDate', () => {
  test('a calendar day as it is; a date-time by its day in Berlin', () => {
    expect(formatDate('2026-11-30', 'de')).toBe('Mo 30.11.');
    expect(formatDate('2026-11-30', 'en')).toBe('Mon 30 Nov');
    expect(formatDate('2027-01-08T10:15:00+01:00', 'de')).toBe('Fr 08.01.');
    // 23:30 UTC on the 29th is already the 30th in Berlin.
    expect(formatDate('2026-11-29T23:30:00Z', 'en')).toBe('Mon 30 Nov');
  });

  test('with the year for a date that may be a year away, and no weekday', () => {
    expect(formatDate('2027-11-30', 'de', { year: true })).toBe('30.11.2027');
    expect(formatDate('2027-11-30', 'en', { year: true })).toBe('30 Nov 2027');
  });

  test('refuses what is no date', () => {
    expect(() => formatDate('2026-02-30', 'de')).toThrow(RangeError);
    expect(() => formatDate('morgen', 'de')).toThrow(RangeError);
  });
});
