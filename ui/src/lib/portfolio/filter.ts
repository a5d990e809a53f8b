// Filtering the account table: every active filter must match (AND); within the band filter any
// selected band matches (OR). An empty band list, a null select and an empty search match all.
import type { Band, LifecycleStage, PortfolioRow } from '../bindings';
import { STAGE_ORDER } from '../format';

/** A health band, or "unscored" for accounts without a score. */
export type BandFilter = Band | 'unscored';

export interface Filters {
  bands: BandFilter[];
  segment: string | null;
  owner: string | null;
  stage: LifecycleStage | null;
  /** Only accounts whose churn risk is at least this (0–1); null: any. */
  minRisk: number | null;
  search: string;
}

export function emptyFilters(): Filters {
  return { bands: [], segment: null, owner: null, stage: null, minRisk: null, search: '' };
}

export function isFiltered(f: Filters): boolean {
  return f.bands.length > 0 || f.segment !== null || f.owner !== null || f.stage !== null || f.minRisk !== null || f.search.trim() !== '';
}

/** Lower-cased names of a row set, worked out once per set rather than on every keystroke. */
const lowerBySet = new WeakMap<readonly PortfolioRow[], string[]>();

function lowerNames(rows: readonly PortfolioRow[]): string[] {
  let names = lowerBySet.get(rows);
  if (!names) {
    names = rows.map((r) => r.name.toLowerCase());
    lowerBySet.set(rows, names);
  }
  return names;
}

export function matches(row: PortfolioRow, f: Filters, needle: string, lowerName = row.name.toLowerCase()): boolean {
  if (f.bands.length > 0 && !f.bands.includes(row.band ?? 'unscored')) return false;
  if (f.segment !== null && row.segment !== f.segment) return false;
  if (f.owner !== null && row.owner !== f.owner) return false;
  if (f.stage !== null && row.stage !== f.stage) return false;
  if (f.minRisk !== null && (row.risk === null || row.risk < f.minRisk)) return false;
  if (needle !== '' && !lowerName.includes(needle)) return false;
  return true;
}

/** Rows that pass every filter, in their input order. Search is a case-insensitive substring of the name. */
export function filterRows(rows: readonly PortfolioRow[], f: Filters): PortfolioRow[] {
  const needle = f.search.trim().toLowerCase();
  if (!isFiltered(f)) return rows.slice();
  const names = lowerNames(rows);
  return rows.filter((r, i) => matches(r, f, needle, names[i]));
}

/** Toggles a band in the band filter, keeping the order green, yellow, red, unscored. */
export function toggleBand(bands: readonly BandFilter[], band: BandFilter): BandFilter[] {
  const order: BandFilter[] = ['green', 'yellow', 'red', 'unscored'];
  const set = new Set(bands);
  if (set.has(band)) set.delete(band);
  else set.add(band);
  return order.filter((b) => set.has(b));
}

export interface FilterOptions {
  segments: string[];
  owners: string[];
  stages: LifecycleStage[];
}

/** Distinct values present in the data for the select filters, sorted (stages in lifecycle order). */
export function filterOptions(rows: readonly PortfolioRow[]): FilterOptions {
  const segments = new Set<string>();
  const owners = new Set<string>();
  const stages = new Set<LifecycleStage>();
  for (const r of rows) {
    if (r.segment) segments.add(r.segment);
    if (r.owner) owners.add(r.owner);
    stages.add(r.stage);
  }
  const byText = (a: string, b: string) => a.localeCompare(b, 'en');
  return {
    segments: [...segments].sort(byText),
    owners: [...owners].sort(byText),
    stages: STAGE_ORDER.filter((s) => stages.has(s)),
  };
}
