import { ValidationError } from '../../../functions/domain/errors';
import { decisionRefProblem, isDecisionRef, newDecisionRef, parseDecision } from '../../../functions/customer-request/domain/decision';
import { STORY_STORES } from '../../../functions/seed/generate';
import { STORY_SKUS } from '../../../functions/seed/products';

function problemsOf(body: unknown): { field: string; problem: string }[] {
  try {
    parseDecision(body);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('parseDecision', () => {
  test('accepts each of the three outcomes', () => {
    expect(parseDecision({ outcome: 'sourced', storeId: STORY_STORES.nearby })).toEqual({ outcome: 'sourced', storeId: 'S001' });
    expect(parseDecision({ outcome: 'alternative', sku: STORY_SKUS.debonedChickenThighs, quantity: 4.5, note: ' mit Haut ' })).toEqual({
      outcome: 'alternative',
      sku: 'GEF-0002',
      quantity: 4.5,
      note: 'mit Haut',
    });
    expect(parseDecision({ outcome: 'declined', reason: '  Nicht lieferbar vor Montag ' })).toEqual({
      outcome: 'declined',
      reason: 'Nicht lieferbar vor Montag',
    });
  });

  test.each<[string, unknown, string]>([
    ['an unknown outcome', { outcome: 'maybe' }, 'outcome'],
    ['no outcome', { storeId: 'S001' }, 'outcome'],
    ['sourced without a store', { outcome: 'sourced' }, 'storeId'],
    ['sourced at a malformed store', { outcome: 'sourced', storeId: 'Düsseldorf' }, 'storeId'],
    ['an alternative without SKU', { outcome: 'alternative', quantity: 3 }, 'sku'],
    ['an alternative with a negative quantity', { outcome: 'alternative', sku: 'GEF-0002', quantity: -3 }, 'quantity'],
    ['an alternative with a control character in the note', { outcome: 'alternative', sku: 'GEF-0002', quantity: 3, note: 'a\u0000' }, 'note'],
    ['declined without a reason', { outcome: 'declined' }, 'reason'],
    ['declined with a 2-character reason', { outcome: 'declined', reason: ' no ' }, 'reason'],
    ['declined with a 501-character reason', { outcome: 'declined', reason: 'x'.repeat(501) }, 'reason'],
    ['a field of another outcome', { outcome: 'sourced', storeId: 'S001', reason: 'found it' }, '(record)'],
    ['a body that is a string', 'sourced', '(record)'],
    ['a body that is null', null, '(record)'],
  ])('%s is refused, naming the field', (_behaviour, body, field) => {
    expect(problemsOf(body).map((p) => p.field)).toContain(field);
  });

  test('an unknown outcome is explained with the allowed ones', () => {
    expect(problemsOf({ outcome: 'maybe' })).toEqual([{ field: 'outcome', problem: 'must be one of sourced, alternative, declined' }]);
  });
});

describe('decision references', () => {
  test('are 22 URL-safe characters (128 random bits) and recognised by isDecisionRef', () => {
    for (let i = 0; i < 1000; i++) {
      const ref = newDecisionRef();
      expect(ref).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(isDecisionRef(ref)).toBe(true);
      expect(encodeURIComponent(ref)).toBe(ref);
    }
  });

  test('do not repeat in 10,000 draws', () => {
    const refs = new Set(Array.from({ length: 10_000 }, newDecisionRef));
    expect(refs.size).toBe(10_000);
  });

  test.each([
    ['empty', ''],
    ['too short', 'AAAAAAAAAAAAAAAAAAAAA'],
    ['too long', 'AAAAAAAAAAAAAAAAAAAAAAA'],
    ['with padding', 'AAAAAAAAAAAAAAAAAAAA=='],
    ['with standard base64 characters', 'AAAAAAAAAAAAAAAAAAA+/A'],
    ['with a last character no 16 bytes can produce', 'AAAAAAAAAAAAAAAAAAAAAB'],
    ['a raw task token', 'AQCEAAAAKgAAAAMAAAAAAAAAAaTd...'],
  ])('isDecisionRef refuses %s', (_what, text) => {
    expect(isDecisionRef(text)).toBe(false);
  });

  test.each([
    ['empty', '', 'must have 22 characters, not 0'],
    ['too long', 'AAAAAAAAAAAAAAAAAAAAAAA', 'must have 22 characters, not 23'],
    ['with standard base64 characters', 'AAAAAAAAAAAAAAAAAAA+/A', 'may hold only letters, digits, - and _'],
    ['22 characters with one no reference has', 'AAAAAAAAAAAAAAAAAAAAä_', 'may hold only letters, digits, - and _'],
    ['a last character no 16 bytes can produce', 'AAAAAAAAAAAAAAAAAAAAAB', 'must end in A, Q, g or w'],
  ])('decisionRefProblem says what is wrong with %s (found writing the bad-input proof: a 22-character reference was told it needs 22 characters)', (_what, text, problem) => {
    expect(decisionRefProblem(text)).toBe(problem);
  });

  test('decisionRefProblem finds nothing wrong with a fresh reference', () => {
    expect(decisionRefProblem(newDecisionRef())).toBeUndefined();
  });
});
