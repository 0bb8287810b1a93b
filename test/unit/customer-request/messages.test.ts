import {
  fitSms,
  formatDateTime,
  formatQuantity,
  gsm7Length,
  MESSAGE_KINDS,
  renderMessage,
  toGsm7,
  type MessageLine,
  type MessageParams,
  type MessageStore,
  type RequestMessageKind,
} from '../../../functions/customer-request/domain/messages';
import { LANGUAGES, type Language } from '../../../functions/domain/model';
import { STORY_STORES } from '../../../functions/seed/generate';
import { buildPeople } from '../../../functions/seed/people';
import { buildProducts, STORY_SKUS } from '../../../functions/seed/products';
import { buildStores } from '../../../functions/seed/stores';

const products = buildProducts();
const stores = buildStores();
const people = buildPeople();
const longestOf = <T>(items: readonly T[], text: (t: T) => string): T =>
  items.reduce((a, b) => (text(b).length > text(a).length ? b : a));

const goose = products.find((p) => p.sku === STORY_SKUS.goose);
const nearby = stores.find((s) => s.storeId === STORY_STORES.nearby);
if (!goose || !nearby) throw new Error('story fixtures missing');

/** A short link on our own domain: 32 characters of base plus the 22-character reference. */
const LINK = 'https://tandem360.example.com/d/Xq3vN8c1Zk7YpR2sT5wLbA';

// The story, as the tandem sees it.
const storyFacts = {
  requestId: 'S002-20261127-0042',
  customerName: 'Restaurant Rheinblick',
  lines: [{ sku: goose.sku, productName: goose.name, quantity: 10, unit: goose.unit }] as MessageLine[],
  neededBy: '2026-11-28T08:00:00+01:00',
  fulfilment: 'pickup' as const,
  note: 'Gänse für die Weihnachtsfeier',
  recipientName: 'Anmar Al-Jaeibaje',
};
const storyStore: MessageStore = { name: nearby.name, city: nearby.city, postcode: nearby.postcode, distanceKm: 5.1 };
const task = { link: LINK, answerBy: '2026-11-27T10:30:00+01:00', nextHolderName: 'Peter Schmidt' };

/** The params of every request kind (MESSAGE_KINDS); the customer kinds have their own examples in message-templates.test.ts. */
type RequestParams = Pick<MessageParams, RequestMessageKind>;

function paramsFor(facts: typeof storyFacts, store: MessageStore, extra: { personName: string; reason: string }): RequestParams {
  const first = facts.lines[0];
  if (!first) throw new Error('no lines');
  return {
    reserved: { ...facts, store, reservedUntil: '2026-11-28T12:00:00+01:00' },
    partial: { ...facts, store, reserved: [{ ...first, quantity: 2 }], missing: facts.lines.map((l, i) => (i === 0 ? { ...l, quantity: l.quantity - 2 } : l)) },
    decisionNeeded: { ...facts, ...task, missing: facts.lines, offers: [{ store, lines: [{ ...first, quantity: 4 }] }] },
    reminder: { ...facts, ...task },
    handedToPartner: { ...facts, ...task, fromName: extra.personName },
    unfulfilled: { ...facts, reason: { kind: 'declined', text: extra.reason, byName: extra.personName } },
    sourced: { ...facts, store, decidedByName: extra.personName },
    stockArrived: { ...facts, ...task, store, arrived: [{ ...first, quantity: 12 }] },
  };
}

const render = (kind: RequestMessageKind, params: RequestParams, language: Language) =>
  renderMessage(kind, params[kind] as never, language);

const story = paramsFor(storyFacts, storyStore, { personName: 'Anmar Al-Jaeibaje', reason: 'Keine Gänse vor Montag lieferbar' });

// The longest realistic values: the longest product name in the catalogue, a 120-character customer
// name (the model's maximum) full of umlauts and typographic characters, the longest store and person
// names of the seed, the largest quantity with the most decimals, and 50 lines.
const longestProduct = longestOf(products, (p) => p.name);
const longestStore = longestOf(stores, (s) => s.name);
const longestPerson = longestOf(people, (p) => p.name);
const LONG_CUSTOMER = 'Gaststätte „Zur Überführung“ – Hôtel-Restaurant Müller-Lüdenscheidt & Söhne am Königsplatz, Inh. Jürgen Weißbäcker e. K.'
  .padEnd(120, 'ä')
  .slice(0, 120);
const extreme = paramsFor(
  {
    ...storyFacts,
    customerName: LONG_CUSTOMER,
    lines: Array.from({ length: 50 }, (_, i) => ({
      sku: `CON-${String(100 + i).padStart(4, '0')}`,
      productName: longestProduct.name,
      quantity: 9999.999,
      unit: 'kg' as const,
    })),
    note: 'ü'.repeat(500),
  },
  { name: longestStore.name, city: `${longestStore.city} Süd-Ost`, postcode: longestStore.postcode, distanceKm: 123.4 },
  { personName: `${longestPerson.name}-${'Ö'.repeat(60)}`, reason: 'Ware ist „ausverkauft“ – Lieferant meldet Engpass bis Mitte Dezember. '.repeat(7).slice(0, 500) },
);

describe('SMS: one GSM-7 segment', () => {
  test('every message kind in both languages fits one GSM-7 segment with the longest realistic names', () => {
    for (const language of LANGUAGES) {
      for (const kind of MESSAGE_KINDS) {
        for (const params of [story, extreme]) {
          const { sms } = render(kind, params, language);
          const length = gsm7Length(sms);
          expect({ kind, language, sms, fits: length !== undefined && length <= 160 }).toEqual({ kind, language, sms, fits: true });
        }
      }
    }
  });

  test('every product of the catalogue fits with a 120-character customer name, in every kind and language', () => {
    for (const product of products) {
      const facts = { ...storyFacts, customerName: LONG_CUSTOMER, lines: [{ sku: product.sku, productName: product.name, quantity: 10_000, unit: product.unit }] };
      const params = paramsFor(facts, storyStore, { personName: longestPerson.name, reason: 'Nicht lieferbar' });
      for (const language of LANGUAGES) for (const kind of MESSAGE_KINDS) expect(gsm7Length(render(kind, params, language).sms)).toBeLessThanOrEqual(160);
    }
  });

  test('the link and the quantity are never shortened, however long the names', () => {
    for (const language of LANGUAGES) {
      for (const kind of ['decisionNeeded', 'reminder', 'handedToPartner', 'stockArrived'] as const) {
        expect(render(kind, extreme, language).sms.endsWith(`: ${LINK}`)).toBe(true);
      }
      // stockArrived names the arrived quantity, not the requested one.
      for (const kind of MESSAGE_KINDS.filter((k) => k !== 'stockArrived')) expect(render(kind, extreme, language).sms).toContain(language === 'de' ? '9.999,999 kg' : '9,999.999 kg');
    }
  });

  test("the story's messages keep the names whole where they fit", () => {
    expect(render('reserved', story, 'de').sms).toBe(
      'Reserviert: 10 Stk Gans küchenfertig, tiefgekühlt, ca. 4,5 kg für Restaurant Rheinblick in Großmarkt Düsseldorf. Abholung Sa 28.11. 08:00',
    );
    expect(render('reserved', story, 'en').sms).toBe(
      'Reserved: 10 pcs Gans küchenfertig, tiefgekühlt, ca. 4,5 kg for Restaurant Rheinblick at Großmarkt Düsseldorf. Pickup Sat 28 Nov 08:00',
    );
    expect(render('decisionNeeded', story, 'de').sms).toBe(
      `Restaurant Rheinblick braucht 10 Stk Gans küchenfertig, ti... bis Sa 28.11. 08:00. Entscheiden bis 10:30: ${LINK}`,
    );
  });

  test('a partial reservation says how much of what is there', () => {
    expect(render('partial', story, 'de').sms).toContain('2 von 10 Stk Gans');
    expect(render('partial', story, 'en').sms).toContain('2 of 10 pcs Gans');
  });

  test('more lines than fit are counted, not dropped silently', () => {
    expect(render('reserved', extreme, 'de').sms).toContain('+49 Pos.');
    expect(render('reserved', extreme, 'en').sms).toContain('+49 more');
  });
});

describe('gsm7Length, toGsm7 and fitSms', () => {
  test('German umlauts, ß and é are one septet; the extension characters ^{}\\[~]|€ are two', () => {
    expect(gsm7Length('äöüÄÖÜßé')).toBe(8);
    expect(gsm7Length('^{}\\[~]|€')).toBe(18);
    expect(gsm7Length('10 € @ 5 %')).toBe(11);
  });

  test('characters outside GSM-7 make the length undefined', () => {
    for (const c of ['ê', '„', '“', '–', '…', '×', 'ç', '😀', '\t']) expect(gsm7Length(`a${c}b`)).toBeUndefined();
  });

  test('transliterates typographic quotes, dashes and accents so that every SMS stays GSM-7', () => {
    expect(toGsm7('„Gans“ – Crème fraîche, 4 × 2,5 kg…')).toBe('"Gans" - Crème fraiche, 4 x 2,5 kg...');
    expect(toGsm7('Hôtel Français ²')).toBe('Hotel Francais 2');
    expect(toGsm7('Grüße 😀')).toBe('Grüße ?');
  });

  test('shortens the longest name first, with "...", until the message fits', () => {
    const sms = fitSms(['To ', { shrinkable: 'A'.repeat(100) }, ' from ', { shrinkable: 'B'.repeat(60) }, ': ', 'https://x.example/d/1'], 100);
    expect(gsm7Length(sms)).toBeLessThanOrEqual(100);
    expect(sms).toMatch(/^To A+\.\.\. from B+\.\.\.: https:\/\/x\.example\/d\/1$/);
    const [as, bs] = [sms.match(/A+/)?.[0].length ?? 0, sms.match(/B+/)?.[0].length ?? 0];
    expect(Math.abs(as - bs)).toBeLessThanOrEqual(1);
  });

  test('leaves a message that fits alone, and refuses one whose fixed parts cannot fit', () => {
    expect(fitSms(['Hallo ', { shrinkable: 'Welt' }])).toBe('Hallo Welt');
    expect(() => fitSms(['x'.repeat(155), { shrinkable: 'a long customer name' }])).toThrow(RangeError);
  });

  test('an extension character counts twice when fitting', () => {
    const sms = fitSms(['€'.repeat(70), { shrinkable: 'Müller-Lüdenscheidt GmbH' }]);
    expect(gsm7Length(sms)).toBeLessThanOrEqual(160);
    expect(sms).toBe(`${'€'.repeat(70)}Müller-Lüdenscheidt GmbH`.slice(0, 70 + 17) + '...');
  });
});

describe('formatting', () => {
  test('needed-by is shown in Berlin time: Sa 28.11. 08:00 / Sat 28 Nov 08:00', () => {
    expect(formatDateTime('2026-11-28T07:00:00Z', 'de')).toBe('Sa 28.11. 08:00');
    expect(formatDateTime('2026-11-28T07:00:00Z', 'en')).toBe('Sat 28 Nov 08:00');
  });

  test('summer time and the day boundary follow Berlin, not UTC', () => {
    expect(formatDateTime('2026-07-03T22:30:00Z', 'de')).toBe('Sa 04.07. 00:30');
    expect(formatDateTime('2026-07-03T22:30:00Z', 'en')).toBe('Sat 4 Jul 00:30');
  });

  test('quantities use the language’s decimal mark and a short unit', () => {
    expect(formatQuantity(2.5, 'kg', 'de')).toBe('2,5 kg');
    expect(formatQuantity(10_000, 'case', 'de')).toBe('10.000 Kart.');
    expect(formatQuantity(1, 'case', 'en')).toBe('1 case');
    expect(formatQuantity(1.25, 'litre', 'en')).toBe('1.25 l');
  });
});

describe('emails carry the full details', () => {
  test('the decision email lists every line, the store with postcode, city and distance, needed-by, the note, the link and what each choice means', () => {
    const { subject, body } = render('decisionNeeded', story, 'de').email;
    expect(subject).toBe('Entscheidung nötig: Restaurant Rheinblick, bis 10:30');
    for (const expected of [
      'Hallo Anmar Al-Jaeibaje,',
      'Kunde: Restaurant Rheinblick',
      'Benötigt: Sa 28.11. 08:00 (Abholung)',
      'Anfrage: S002-20261127-0042',
      '- 10 Stk Gans küchenfertig, tiefgekühlt, ca. 4,5 kg (GEF-0001)',
      'Markt: Großmarkt Düsseldorf, 40231 Düsseldorf (5,1 km)',
      'Notiz: Gänse für die Weihnachtsfeier',
      `Entscheiden: ${LINK}`,
      '- Beschafft:',
      '- Alternative:',
      '- Abgelehnt:',
      'Antwort bis Fr 27.11. 10:30. Ohne Antwort geht die Aufgabe dann an Peter Schmidt.',
    ]) {
      expect(body).toContain(expected);
    }
  });

  test('an email keeps all 50 lines and the whole 500-character note that the SMS had to leave out', () => {
    for (const language of LANGUAGES) {
      const { body } = render('reserved', extreme, language).email;
      expect(body.match(/^- .*\(CON-\d{4}\)$/gm)).toHaveLength(50);
      expect(body).toContain('ü'.repeat(500));
      expect(body).toContain(LONG_CUSTOMER);
    }
  });

  test('every kind has a subject and a body in both languages, and English emails are in English', () => {
    for (const kind of MESSAGE_KINDS) {
      const de = render(kind, story, 'de');
      const en = render(kind, story, 'en');
      expect(de.email.subject.length).toBeGreaterThan(0);
      expect(en.email.body).toContain('Customer: Restaurant Rheinblick');
      expect(en.email.body).toContain('Needed by: Sat 28 Nov 08:00 (pickup)');
      expect(en.email.body).not.toContain('Kunde:');
    }
  });

  test('the unfulfilled email gives the reason of a decline, or says that no one answered in time', () => {
    expect(render('unfulfilled', story, 'de').email.body).toContain('von Anmar Al-Jaeibaje abgelehnt. Grund: Keine Gänse vor Montag lieferbar');
    const timeout = renderMessage('unfulfilled', { ...storyFacts, reason: { kind: 'timeout' } }, 'en');
    expect(timeout.email.body).toContain('no decision came in time');
    expect(timeout.sms).toContain('No answer in time.');
  });
});
