import { ValidationError } from '../../functions/domain/errors';
import {
  checkCoverage,
  findTerritoryForPostcode,
  toRoutedRanges,
  type RoutedRange,
} from '../../functions/domain/postcode-routing';
import { generateSeed } from '../../functions/seed/generate';

const { territories } = generateSeed();
const ranges = toRoutedRanges(territories);

describe('postcode routing over the seed territories', () => {
  test('every postcode 01000–99999 resolves to exactly one of the 400 territories', () => {
    // Count, independently of the router, how many ranges claim each postcode.
    const claims = new Uint16Array(100_000);
    for (const r of ranges) for (let p = Number(r.from); p <= Number(r.to); p++) claims[p] = (claims[p] ?? 0) + 1;
    const ids = new Set(territories.map((t) => t.territoryId));

    const problems: string[] = [];
    for (let p = 1000; p <= 99_999; p++) {
      const postcode = String(p).padStart(5, '0');
      const territoryId = findTerritoryForPostcode(ranges, postcode);
      const range = ranges.find((r) => r.territoryId === territoryId && r.from <= postcode && postcode <= r.to);
      if (claims[p] !== 1 || territoryId === undefined || !ids.has(territoryId) || !range) {
        problems.push(`${postcode} → ${territoryId} (claimed ${claims[p]} times)`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('checkCoverage finds no gap and no overlap in the seed', () => {
    expect(checkCoverage(ranges)).toEqual({ gaps: [], overlaps: [] });
  });

  test('a postcode routes the same whatever the order of the ranges', () => {
    const reversed = [...ranges].reverse();
    for (const postcode of ['01000', '40233', '50667', '80331', '99999']) {
      expect(findTerritoryForPostcode(reversed, postcode)).toBe(findTerritoryForPostcode(ranges, postcode));
    }
  });
});

describe('checkCoverage on hand-made range lists', () => {
  test('reports a gap between ranges and at both ends of the domain', () => {
    const holey: RoutedRange[] = [
      { from: '01500', to: '40000', territoryId: 'T001' },
      { from: '40101', to: '99000', territoryId: 'T002' },
    ];
    expect(checkCoverage(holey)).toEqual({
      gaps: [
        { from: '01000', to: '01499' },
        { from: '40001', to: '40100' },
        { from: '99001', to: '99999' },
      ],
      overlaps: [],
    });
  });

  test('reports an overlap with both territories that claim it', () => {
    const overlapping: RoutedRange[] = [
      { from: '01000', to: '50099', territoryId: 'T001' },
      { from: '50000', to: '99999', territoryId: 'T002' },
    ];
    expect(checkCoverage(overlapping)).toEqual({
      gaps: [],
      overlaps: [{ from: '50000', to: '50099', territoryIds: ['T001', 'T002'] }],
    });
  });

  test('a postcode outside every range resolves to no territory', () => {
    const partial: RoutedRange[] = [{ from: '40000', to: '40999', territoryId: 'T001' }];
    expect(findTerritoryForPostcode(partial, '39999')).toBeUndefined();
    expect(findTerritoryForPostcode(partial, '41000')).toBeUndefined();
    expect(findTerritoryForPostcode(partial, '40500')).toBe('T001');
  });
});

describe('malformed postcodes', () => {
  test.each([['4023'], ['00123'], ['abcde'], [40233]])('%p is rejected with a ValidationError naming the postcode field', (postcode) => {
    let caught: unknown;
    try {
      findTerritoryForPostcode(ranges, postcode as string);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).field).toBe('postcode');
  });
});

describe('malformed ranges', () => {
  test('checkCoverage rejects a range whose end comes before its start', () => {
    const backwards: RoutedRange[] = [{ from: '40999', to: '40000', territoryId: 'T001' }];
    expect(() => checkCoverage(backwards)).toThrow(ValidationError);
  });
});
