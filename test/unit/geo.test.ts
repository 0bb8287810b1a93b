import { distanceKm, nearest } from '../../functions/domain/geo';

const DUESSELDORF = { lat: 51.2277, lon: 6.7735 };
const KOELN = { lat: 50.9375, lon: 6.9603 };
const BERLIN = { lat: 52.52, lon: 13.405 };
const MUENCHEN = { lat: 48.1351, lon: 11.582 };
const HAMBURG = { lat: 53.5511, lon: 9.9937 };

describe('distanceKm', () => {
  test('Düsseldorf to Köln is about 34 km', () => {
    expect(Math.abs(distanceKm(DUESSELDORF, KOELN) - 34)).toBeLessThanOrEqual(3);
  });

  test('Berlin to München is about 504 km', () => {
    expect(Math.abs(distanceKm(BERLIN, MUENCHEN) - 504)).toBeLessThanOrEqual(10);
  });

  test('a place is 0 km from itself and distance is symmetric', () => {
    expect(distanceKm(BERLIN, BERLIN)).toBe(0);
    expect(distanceKm(HAMBURG, MUENCHEN)).toBeCloseTo(distanceKm(MUENCHEN, HAMBURG), 9);
  });
});

describe('nearest', () => {
  const cities = [
    { id: 'muc', at: MUENCHEN },
    { id: 'ham', at: HAMBURG },
    { id: 'koe', at: KOELN },
    { id: 'ber', at: BERLIN },
  ];

  test('returns the requested number of items, nearest first, with their distances', () => {
    const result = nearest(DUESSELDORF, cities, (c) => c.at, 2, (c) => c.id);
    expect(result.map((r) => r.item.id)).toEqual(['koe', 'ham']);
    expect(result[0]?.distanceKm).toBeCloseTo(distanceKm(DUESSELDORF, KOELN), 9);
  });

  test('equal distances are ordered by id whatever the input order', () => {
    const twins = [
      { id: 'b', at: KOELN },
      { id: 'a', at: KOELN },
      { id: 'c', at: KOELN },
    ];
    expect(nearest(DUESSELDORF, twins, (c) => c.at, 3, (c) => c.id).map((r) => r.item.id)).toEqual(['a', 'b', 'c']);
  });

  test('asking for more items than exist returns them all, and a count of 0 returns none', () => {
    expect(nearest(DUESSELDORF, cities, (c) => c.at, 10)).toHaveLength(4);
    expect(nearest(DUESSELDORF, cities, (c) => c.at, 0)).toEqual([]);
  });
});
