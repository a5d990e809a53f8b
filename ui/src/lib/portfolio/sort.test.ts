import { describe, expect, it } from 'vitest';
import { nextSort, sortRows, type SortKey, type SortState } from './sort';
import { row } from '../../test/rows';

// A: Beta, B: alpha, C: Gamma, D: delta — see the expected orders worked out per column below.
const rows = [
  row({ id: 1, name: 'Beta', arr: 50_000, score: 80, trend: [70, 80], delta: 3, days_to_renewal: 100, renewal_date: '2027-03-04', stage: 'value', owner: 'Zed' }),
  row({ id: 2, name: 'alpha', arr: 1_200_000, score: null, band: null, trend: [], delta: null, days_to_renewal: null, stage: 'onboarding', owner: 'Amy' }),
  row({ id: 3, name: 'Gamma', arr: 84_000, score: 40, trend: [60, 50, 40], delta: -5, days_to_renewal: 10, renewal_date: '2026-12-04', stage: 'at_risk', owner: 'Bob' }),
  row({ id: 4, name: 'delta', arr: 84_000, score: 80, trend: [50, 50], delta: 0, days_to_renewal: 400, renewal_date: '2027-12-29', stage: 'renewal', owner: '' }),
];

const ids = (key: SortKey, dir: 'asc' | 'desc') => sortRows(rows, { key, dir }).map((r) => r.id);

describe('sortRows', () => {
  const cases: Array<[SortKey, number[], number[]]> = [
    // name: case-insensitive
    ['name', [2, 1, 4, 3], [3, 4, 1, 2]],
    // arr: 50k, 84k (delta), 84k (Gamma), 1.2M; ties always by name ascending
    ['arr', [1, 4, 3, 2], [2, 4, 3, 1]],
    // score: 40, 80 (Beta), 80 (delta), null last
    ['score', [3, 1, 4, 2], [1, 4, 3, 2]],
    // trend change: Gamma −20, delta 0, Beta +10, alpha none (last)
    ['trend', [3, 4, 1, 2], [1, 4, 3, 2]],
    // delta: −5, 0, +3, null last
    ['delta', [3, 4, 1, 2], [1, 4, 3, 2]],
    // days to renewal: 10, 100, 400, none last
    ['renewal', [3, 1, 4, 2], [4, 1, 3, 2]],
    // lifecycle order: onboarding, value, renewal, at_risk
    ['stage', [2, 1, 4, 3], [3, 4, 1, 2]],
    // owner: Amy, Bob, Zed, empty owner last
    ['owner', [2, 3, 1, 4], [1, 3, 2, 4]],
  ];
  for (const [key, asc, desc] of cases) {
    it(`sorts by ${key} ascending`, () => expect(ids(key, 'asc')).toEqual(asc));
    it(`sorts by ${key} descending, nulls still last`, () => expect(ids(key, 'desc')).toEqual(desc));
  }

  it('does not modify its input', () => {
    const before = rows.map((r) => r.id);
    sortRows(rows, { key: 'score', dir: 'desc' });
    expect(rows.map((r) => r.id)).toEqual(before);
  });
});

describe('nextSort', () => {
  it('flips the direction on the same column', () => {
    expect(nextSort({ key: 'score', dir: 'asc' }, 'score')).toEqual({ key: 'score', dir: 'desc' });
    expect(nextSort({ key: 'score', dir: 'desc' }, 'score')).toEqual({ key: 'score', dir: 'asc' });
  });
  it('starts a new column ascending', () => {
    expect(nextSort({ key: 'name', dir: 'desc' }, 'arr')).toEqual({ key: 'arr', dir: 'asc' });
  });
});

describe('sorting by collation ranks', () => {
  it('keeps equal names in id order whichever the direction, and ranks owners by collation', () => {
    const rows = [
      row({ id: 3, name: 'beta', owner: 'Ümit' }),
      row({ id: 1, name: 'Beta', owner: 'zoe' }),
      row({ id: 2, name: 'alpha', owner: '' }),
      row({ id: 4, name: 'Alpha 10', owner: 'Anna' }),
      row({ id: 5, name: 'alpha 9', owner: 'anna' }),
    ];
    const ids = (s: SortState) => sortRows(rows, s).map((r) => r.id);
    // "alpha" < "alpha 9" < "Alpha 10" (numeric), then the two "beta"s by id.
    expect(ids({ key: 'name', dir: 'asc' })).toEqual([2, 5, 4, 1, 3]);
    expect(ids({ key: 'name', dir: 'desc' })).toEqual([1, 3, 4, 5, 2]);
    // Anna = anna < Ümit < zoe; no owner last; ties by name, then id.
    expect(ids({ key: 'owner', dir: 'asc' })).toEqual([5, 4, 3, 1, 2]);
    expect(ids({ key: 'owner', dir: 'desc' })).toEqual([1, 3, 5, 4, 2]);
    expect(rows.map((r) => r.id)).toEqual([3, 1, 2, 4, 5]);
  });
});
