// The portfolio screen's state: data, sort, filters, selection and scroll. It lives outside the
// view so that opening an account and coming back keeps all of it.
import type { IpcError, Portfolio, PortfolioRow } from '../bindings';
import { ipc } from '../ipc';
import { appStatus } from '../app/status.svelte';
import { banner } from '../app/errors.svelte';
import { sortRows, nextSort, type SortKey, type SortState } from './sort';
import { emptyFilters, filterOptions, filterRows, toggleBand, type BandFilter, type Filters } from './filter';
import { moveIndex } from './virtual';
import { mark, markPainted } from '../perf';

class PortfolioState {
  /** Raw (not deeply reactive): up to 10,000 rows are replaced whole, never mutated. */
  data = $state.raw<Portfolio | null>(null);
  loading = $state(false);
  /** The last load error, kept for the empty/failed state; the banner shows it too. */
  error = $state<IpcError | null>(null);
  sort = $state<SortState>({ key: 'name', dir: 'asc' });
  filters = $state<Filters>(emptyFilters());
  selectedId = $state<number | null>(null);
  /** Scroll position of the table, restored when the view is shown again. */
  scrollTop = 0;

  allRows = $derived<PortfolioRow[]>(this.data?.rows ?? []);
  sorted = $derived(sortRows(this.allRows, this.sort));
  rows = $derived(filterRows(this.sorted, this.filters));
  options = $derived(filterOptions(this.allRows));
  selectedIndex = $derived(this.selectedId === null ? -1 : this.rows.findIndex((r) => r.id === this.selectedId));

  async load(): Promise<void> {
    this.loading = true;
    try {
      mark('portfolio-requested');
      const p = await ipc.portfolio();
      mark('portfolio-received');
      this.data = p;
      markPainted('portfolio-drawn');
      this.error = null;
      appStatus.set(p.status);
      if (this.selectedId !== null && !p.rows.some((r) => r.id === this.selectedId)) this.selectedId = null;
    } catch (e) {
      const err = e as IpcError;
      this.error = err;
      banner.show(err, { label: 'Retry', run: () => void this.load() });
    } finally {
      this.loading = false;
    }
  }

  sortBy(key: SortKey): void {
    this.sort = nextSort(this.sort, key);
  }

  toggleBand(band: BandFilter): void {
    this.filters.bands = toggleBand(this.filters.bands, band);
  }

  clearFilters(): void {
    this.filters = emptyFilters();
  }

  /** Moves the selection within the visible rows; returns the new index (-1 when empty). */
  move(step: number): number {
    const i = moveIndex(this.selectedIndex, step, this.rows.length);
    this.selectedId = i < 0 ? null : this.rows[i]!.id;
    return i;
  }

  /** After a demo reset: new data, same sort; filters and selection no longer apply. */
  async reload(): Promise<void> {
    this.filters = emptyFilters();
    this.selectedId = null;
    this.scrollTop = 0;
    await this.load();
  }
}

export const portfolio = new PortfolioState();
