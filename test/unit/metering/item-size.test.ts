import { itemSize, writeUnits } from '../../../local/runtime/metering/item-size';

describe('DynamoDB item sizes by AWS rules', () => {
  test('names and string values count as UTF-8 bytes', () => {
    expect(itemSize({ pk: { S: 'abc' } })).toBe(5);
    expect(itemSize({ name: { S: 'Gänse' } })).toBe(4 + 6);
  });

  test('numbers take about one byte per two significant digits plus one; booleans and nulls one byte', () => {
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4);
    expect(itemSize({ n: { N: '100' } })).toBe(1 + 2);
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(2 + 2);
  });

  test('lists and maps add three bytes plus one per element', () => {
    expect(itemSize({ l: { L: [{ S: 'ab' }, { S: 'c' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ m: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + 1 + 1 + 1);
  });

  test('a write costs one unit per KB started, at least one', () => {
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
  });
});
