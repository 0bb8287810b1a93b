import type { ValidationError } from '../../../functions/domain/errors';
import {
  executionNameFor,
  parseSubmission,
  submissionFingerprint,
  type CustomerRequestSubmissionInput,
} from '../../../functions/customer-request/domain/submission';
import { STORY_CUSTOMER_ID, STORY_STORES } from '../../../functions/seed/generate';
import { STORY_SKUS } from '../../../functions/seed/products';
import { validationErrorOf as refuse } from '../../support/validation';

const NOW = new Date('2026-11-27T10:00:00+01:00');

/** The story: a Düsseldorf restaurant needs 10 geese tomorrow morning. */
const story = (): CustomerRequestSubmissionInput => ({
  requestId: 'S002-20261127-0042',
  customerId: STORY_CUSTOMER_ID,
  lines: [{ sku: STORY_SKUS.goose, quantity: 10, unit: 'piece' }],
  neededBy: '2026-11-28T08:00:00+01:00',
  fulfilment: 'pickup',
});

const withChanges = (changes: Record<string, unknown>): Record<string, unknown> => ({ ...story(), ...changes });
const withLine = (line: Record<string, unknown>): Record<string, unknown> =>
  withChanges({ lines: [{ sku: STORY_SKUS.goose, quantity: 10, unit: 'piece', ...line }] });
const without = (field: string): Record<string, unknown> => {
  const body: Record<string, unknown> = { ...story() };
  delete body[field];
  return body;
};

const validationErrorOf = (body: unknown): ValidationError => refuse(() => parseSubmission(body, NOW));

describe('parseSubmission accepts what a store system may send', () => {
  test("the story's request (10 geese tomorrow at 08:00) parses unchanged", () => {
    expect(parseSubmission(story(), NOW)).toEqual(story());
  });

  test('an unknown customer may be given as a prospect with name and postcode, trimmed', () => {
    const parsed = parseSubmission(
      withChanges({ customerId: undefined, prospect: { name: '  Trattoria Neu  ', postcode: '40233', city: 'Düsseldorf' } }),
      NOW,
    );
    expect(parsed.prospect).toEqual({ name: 'Trattoria Neu', postcode: '40233', city: 'Düsseldorf' });
    expect(parsed.customerId).toBeUndefined();
  });

  test('kg and litre take up to 3 decimals, pieces and cases whole numbers', () => {
    const parsed = parseSubmission(
      withChanges({
        lines: [
          { sku: STORY_SKUS.tuna, quantity: 11.125, unit: 'kg' },
          { sku: 'GET-0100', quantity: 0.001, unit: 'litre' },
          { sku: 'TKK-0102', quantity: 4, unit: 'case' },
          { sku: STORY_SKUS.goose, quantity: 10_000, unit: 'piece' },
        ],
      }),
      NOW,
    );
    expect(parsed.lines.map((l) => l.quantity)).toEqual([11.125, 0.001, 4, 10_000]);
  });

  test('the note is trimmed and keeps its newlines; a preferred store is kept', () => {
    const parsed = parseSubmission(withChanges({ note: '  Bitte vorher anrufen.\nTor 3.  ', preferredStoreId: STORY_STORES.nearby }), NOW);
    expect(parsed.note).toBe('Bitte vorher anrufen.\nTor 3.');
    expect(parsed.preferredStoreId).toBe(STORY_STORES.nearby);
  });

  test('a 500-character note, an 80-character id and needed-by exactly 60 days ahead are still accepted', () => {
    const sixtyDays = new Date(NOW.getTime() + 60 * 24 * 3600 * 1000).toISOString();
    const parsed = parseSubmission(withChanges({ note: 'ü'.repeat(500), requestId: `A${'x'.repeat(79)}`, neededBy: sixtyDays }), NOW);
    expect(parsed.note).toHaveLength(500);
  });
});

describe('parseSubmission rejects malformed requests with a ValidationError naming the field', () => {
  const cases: [behaviour: string, body: unknown, field: string][] = [
    ['missing requestId', without('requestId'), 'requestId'],
    ['missing lines', without('lines'), 'lines'],
    ['missing neededBy', without('neededBy'), 'neededBy'],
    ['missing fulfilment', without('fulfilment'), 'fulfilment'],
    ['neither customerId nor prospect', without('customerId'), 'customerId'],
    ['both customerId and prospect', withChanges({ prospect: { name: 'Neu', postcode: '40233' } }), 'prospect'],
    ['requestId as a number', withChanges({ requestId: 42 }), 'requestId'],
    ['requestId of 2 characters', withChanges({ requestId: 'ab' }), 'requestId'],
    ['requestId of 81 characters', withChanges({ requestId: 'a'.repeat(81) }), 'requestId'],
    ['requestId starting with a dash', withChanges({ requestId: '-abc' }), 'requestId'],
    ['requestId with a slash', withChanges({ requestId: 'abc/def' }), 'requestId'],
    ['customerId of the wrong shape', withChanges({ customerId: 'C12' }), 'customerId'],
    ['prospect without postcode', withChanges({ customerId: undefined, prospect: { name: 'Neu' } }), 'prospect.postcode'],
    ['prospect with a 4-digit postcode', withChanges({ customerId: undefined, prospect: { name: 'Neu', postcode: '4023' } }), 'prospect.postcode'],
    ['prospect with an empty name', withChanges({ customerId: undefined, prospect: { name: '   ', postcode: '40233' } }), 'prospect.name'],
    ['lines not a list', withChanges({ lines: { sku: STORY_SKUS.goose } }), 'lines'],
    ['no lines', withChanges({ lines: [] }), 'lines'],
    ['51 lines', withChanges({ lines: Array.from({ length: 51 }, (_, i) => ({ sku: `GEF-${String(100 + i).padStart(4, '0')}`, quantity: 1, unit: 'kg' })) }), 'lines'],
    ['quantity as a string', withLine({ quantity: '10' }), 'lines.0.quantity'],
    ['quantity missing', withLine({ quantity: undefined }), 'lines.0.quantity'],
    ['negative quantity', withLine({ quantity: -10 }), 'lines.0.quantity'],
    ['zero quantity', withLine({ quantity: 0 }), 'lines.0.quantity'],
    ['absurd quantity', withLine({ quantity: 1e9 }), 'lines.0.quantity'],
    ['10,001 pieces', withLine({ quantity: 10_001 }), 'lines.0.quantity'],
    ['half a goose', withLine({ quantity: 1.5 }), 'lines.0.quantity'],
    ['2.5 cases', withLine({ quantity: 2.5, unit: 'case' }), 'lines.0.quantity'],
    ['kg to 4 decimals', withLine({ quantity: 1.0005, unit: 'kg' }), 'lines.0.quantity'],
    ['an unknown unit', withLine({ unit: 'gram' }), 'lines.0.unit'],
    ['a malformed SKU', withLine({ sku: 'gef-1' }), 'lines.0.sku'],
    ['a line as a string', withChanges({ lines: ['10 geese'] }), 'lines.0'],
    [
      'the same SKU twice',
      withChanges({ lines: [{ sku: STORY_SKUS.goose, quantity: 10, unit: 'piece' }, { sku: STORY_SKUS.goose, quantity: 2, unit: 'piece' }] }),
      'lines.1.sku',
    ],
    ['needed-by in the past', withChanges({ neededBy: '2026-11-27T09:59:59+01:00' }), 'neededBy'],
    ['needed-by exactly now', withChanges({ neededBy: NOW.toISOString() }), 'neededBy'],
    ['needed-by 61 days ahead', withChanges({ neededBy: '2027-01-27T10:00:01+01:00' }), 'neededBy'],
    ['needed-by without offset', withChanges({ neededBy: '2026-11-28T08:00:00' }), 'neededBy'],
    ['needed-by as a date only', withChanges({ neededBy: '2026-11-28' }), 'neededBy'],
    ['needed-by as epoch millis', withChanges({ neededBy: 1795849200000 }), 'neededBy'],
    ['fulfilment neither pickup nor delivery', withChanges({ fulfilment: 'ship' }), 'fulfilment'],
    ['preferred store of the wrong shape', withChanges({ preferredStoreId: 'S1' }), 'preferredStoreId'],
    ['a 501-character note', withChanges({ note: 'x'.repeat(501) }), 'note'],
    ['a note with a bell character', withChanges({ note: 'ring\u0007' }), 'note'],
    ['a note with a tab', withChanges({ note: 'a\tb' }), 'note'],
    ['a note as a number', withChanges({ note: 7 }), 'note'],
  ];

  test.each(cases.map(([behaviour, body, field]) => ({ behaviour, body, field })))('$behaviour is refused at $field', ({ body, field }) => {
    const error = validationErrorOf(body);
    expect(error.problems.map((p) => p.field)).toContain(field);
    expect(error.message).toContain(`${field}: `);
  });

  test.each([
    ['null', null],
    ['a string', '{"requestId":"x"}'],
    ['an array', [story()]],
    ['a number', 42],
    ['undefined (empty body)', undefined],
  ])('a body that is %s is refused as not a JSON object', (_what, body) => {
    const error = validationErrorOf(body);
    expect(error.problems).toEqual([{ field: '(record)', problem: 'must be a JSON object (a customer request)' }]);
  });

  test('an unknown top-level field is refused, naming it and the allowed fields', () => {
    const error = validationErrorOf(withChanges({ colour: 'red' }));
    expect(error.message).toContain('unknown field "colour"');
    expect(error.message).toContain('requestId, customerId, prospect, lines, neededBy, fulfilment, preferredStoreId, note');
  });

  test('an unknown field in a line is refused at that line (a misspelt qty is not dropped)', () => {
    const error = validationErrorOf(withLine({ qty: 12 }));
    expect(error.problems).toContainEqual({ field: 'lines.0', problem: expect.stringContaining('unknown field "qty"') as unknown });
  });

  test('one answer lists every problem, cross-field rules included', () => {
    const error = validationErrorOf({
      requestId: 'x',
      lines: [{ sku: STORY_SKUS.goose, quantity: '10', unit: 'piece' }],
      neededBy: '2020-01-01T00:00:00Z',
      fulfilment: 'ship',
    });
    expect(error.problems.map((p) => p.field).sort()).toEqual(['customerId', 'fulfilment', 'lines.0.quantity', 'neededBy', 'requestId']);
  });
});

describe('submissionFingerprint tells a retry from a conflicting reuse of the id', () => {
  const multi = (): CustomerRequestSubmissionInput => ({
    ...story(),
    lines: [
      { sku: STORY_SKUS.goose, quantity: 10, unit: 'piece' },
      { sku: STORY_SKUS.tuna, quantity: 11.5, unit: 'kg' },
    ],
    note: 'Tor 3',
  });
  const fingerprint = (body: unknown): string => submissionFingerprint(parseSubmission(body, NOW));

  test('is 64 hex characters and stable across calls', () => {
    expect(fingerprint(multi())).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint(multi())).toBe(fingerprint(multi()));
  });

  test('ignores key order, line order, surrounding whitespace of the note and the offset of the same instant', () => {
    const original = multi();
    const reordered = {
      note: '  Tor 3 ',
      neededBy: '2026-11-28T07:00:00Z',
      fulfilment: original.fulfilment,
      lines: [...original.lines].reverse().map((l) => ({ unit: l.unit, quantity: l.quantity, sku: l.sku })),
      customerId: original.customerId,
      requestId: original.requestId,
    };
    expect(fingerprint(reordered)).toBe(fingerprint(original));
  });

  test.each<[string, Record<string, unknown>]>([
    ['another quantity', { lines: [{ sku: STORY_SKUS.goose, quantity: 11, unit: 'piece' }, { sku: STORY_SKUS.tuna, quantity: 11.5, unit: 'kg' }] }],
    ['another needed-by instant', { neededBy: '2026-11-28T09:00:00+01:00' }],
    ['another note', { note: 'Tor 4' }],
    ['another fulfilment', { fulfilment: 'delivery' }],
    ['a preferred store added', { preferredStoreId: 'S001' }],
  ])('changes with %s', (_what, change) => {
    expect(fingerprint({ ...multi(), ...change })).not.toBe(fingerprint(multi()));
  });
});

describe('executionNameFor derives a valid Step Functions execution name from the request id', () => {
  // AWS allows more, but only these characters keep CloudWatch logging of executions possible.
  const LOGGABLE = /^[A-Za-z0-9_-]{1,80}$/;

  test('a short id becomes req-<id>', () => {
    expect(executionNameFor('S002-20261127-0042')).toBe('req-S002-20261127-0042');
  });

  test('the longest id (80 characters) gives an 80-character name, and ids sharing a long prefix stay apart', () => {
    const a = `${'A'.repeat(70)}0123456789`;
    const b = `${'A'.repeat(70)}0123456780`;
    expect(executionNameFor(a)).toMatch(LOGGABLE);
    expect(executionNameFor(a)).toHaveLength(80);
    expect(executionNameFor(a)).not.toBe(executionNameFor(b));
    expect(executionNameFor(a)).toBe(executionNameFor(a));
  });

  test('dots are replaced and a hash keeps a.b and a_b apart', () => {
    expect(executionNameFor('order.4711')).toMatch(LOGGABLE);
    expect(executionNameFor('order.4711')).not.toBe(executionNameFor('order_4711'));
    expect(executionNameFor('order_4711')).toBe('req-order_4711');
  });

  test('every id the schema allows yields a loggable name of at most 80 characters', () => {
    const alphabet = 'ABCxyz019._-';
    for (let n = 0; n < 500; n++) {
      const length = 3 + ((n * 7) % 78);
      const id = 'a' + Array.from({ length: length - 1 }, (_, i) => alphabet[(n * 31 + i * 17) % alphabet.length]).join('');
      expect(executionNameFor(id)).toMatch(LOGGABLE);
    }
  });
});
