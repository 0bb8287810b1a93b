import { idlePollMs } from '../../local/runtime/streams/stream-mapping';

describe('polling a drained stream', () => {
  test('keeps the mapping interval while records come and after one drained poll', () => {
    expect(idlePollMs(100, 0)).toBe(100);
    expect(idlePollMs(100, 1)).toBe(100);
  });

  test('doubles the wait with each further drained poll, up to 800 ms', () => {
    expect([2, 3, 4, 5, 50].map((n) => idlePollMs(100, n))).toEqual([200, 400, 800, 800, 800]);
  });

  test('leaves an interval at or above the cap as it is', () => {
    expect(idlePollMs(1_000, 10)).toBe(1_000);
  });
});
