// Sorting the account table. Missing values (no score, no renewal date...) always sort last,
// whichever the direction; ties fall back to name, then id, so the order is stable.
import type { PortfolioRow } from '../bindings';
import { STAGE_ORDER } from '../format';

export type SortKey = 'name' | 'arr' | 'score' | 'trend' | 'delta' | 'renewal' | 'stage' | 'owner';
export type SortDir = 'asc' | 'desc';

export interface SortState {
  key: SortKey;
  dir: SortDir;
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Change over the 90-day trend (last − first); null with fewer than 2 points. */
export function trendChange(row: PortfolioRow): number | null {
  const t = row.trend;
  if (t.length < 2) return null;
  return t[t.length - 1]! - t[0]!;
}

type Value = number | string | null;

function keyOf(row: PortfolioRow, key: SortKey): Value {
  switch (key) {
    case 'name':
      return row.name;
    case 'arr':
      return row.arr;
    case 'score':
      return row.score;
    case 'trend':
      return trendChange(row);
    case 'delta':
      return trendChange(row);
    case 'renewal':
      return row.days_to_renewal;
    case 'stage':
      return STAGE_ORDER.indexOf(row.stage);
    case 'owner':
      return row.owner === '' ? null : row.owner;
  }
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

export function compareRows(a: PortfolioRow, b: PortfolioRow, sort: SortState): number {
  const va = keyOf(a, sort.key);
  const vb = keyOf(b, sort.key);
  if (va === null && vb !== null) return 1;
  if (vb === null && va !== null) return -1;
  if (va !== null && vb !== null) {
    const c = compareValues(va, vb);
    if (c !== 0) return sort.dir === 'asc' ? c : -c;
  }
  const byName = collator.compare(a.name, b.name);
  return byName !== 0 ? byName : a.id - b.id;
}

/** A sorted copy; the input is not changed. */
export function sortRows(rows: readonly PortfolioRow[], sort: SortState): PortfolioRow[] {
  return [...rows].sort((a, b) => compareRows(a, b, sort));
}

/** Clicking a header: the same column flips direction, a new column starts ascending. */
export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: 'asc' };
}
