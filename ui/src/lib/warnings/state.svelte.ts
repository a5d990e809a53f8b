// The Warnings view's state: the alerts, the filters, the selection, and the user's actions on
// them. Kept across screens, so going to an account and back keeps the filters and the cursor.
// The Rust side filters and draws a page at a time: a book of thousands never crosses IPC whole.
import type { AlertAction, AlertQuery, AlertView, IpcError, WarningsView } from '../bindings';
import { ipc, normaliseError } from '../ipc';
import { banner } from '../app/errors.svelte';
import { NO_FILTERS, type WarningFilters } from './derive';

/** Rows asked for at a time. */
export const PAGE = 200;

class WarningsState {
  data = $state.raw<WarningsView | null>(null);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  /** Snoozed and resolved ones too. */
  all = $state(false);
  filters = $state<WarningFilters>({ ...NO_FILTERS });
  /** Alerts ticked for a bulk action. */
  checked = $state<Set<number>>(new Set());
  /** The alert the keyboard is on. */
  cursor = $state<number | null>(null);
  acting = $state(false);
  /** How many rows are asked for: grows a page at a time as the user scrolls or walks down. */
  limit = $state(PAGE);
  #seq = 0;

  readonly rows: AlertView[] = $derived(this.data ? this.data.alerts : []);
  /** Rows matching the filters beyond those drawn. */
  readonly more: number = $derived(this.data ? Math.max(0, this.data.totals.matching - this.data.alerts.length) : 0);

  query(): AlertQuery {
    const f = this.filters;
    return {
      all: this.all,
      severity: f.severity || null,
      rule: f.rule || null,
      segment: f.segment || null,
      owner: f.owner || null,
      limit: this.limit,
    };
  }

  /** The filters changed: the first page of what they match. */
  refilter(): Promise<void> {
    this.limit = PAGE;
    return this.load();
  }

  /** The next page. */
  showMore(): Promise<void> {
    this.limit += PAGE;
    return this.load();
  }

  async load(): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    this.error = null;
    try {
      const d = await ipc.warnings(this.query());
      if (seq !== this.#seq) return;
      this.data = d;
      const ids = new Set(d.alerts.map((a) => a.id));
      this.checked = new Set([...this.checked].filter((id) => ids.has(id)));
      if (this.cursor !== null && !ids.has(this.cursor)) this.cursor = null;
      // What is on screen now has been seen: the next notification will not count it.
      const unseen = d.alerts.filter((a) => !a.seen && a.state === 'open').map((a) => a.id);
      if (unseen.length > 0) void ipc.markWarningsSeen(unseen).catch(() => {});
    } catch (e) {
      if (seq === this.#seq) this.error = normaliseError(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  toggle(id: number): void {
    const next = new Set(this.checked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.checked = next;
  }

  /** Ticks every row shown, or clears the ticks when all are ticked already. */
  toggleAll(): void {
    const shown = this.rows.map((a) => a.id);
    const all = shown.length > 0 && shown.every((id) => this.checked.has(id));
    this.checked = all ? new Set() : new Set(shown);
  }

  /** The ticked alerts, or the one under the cursor when none is ticked. */
  targets(): number[] {
    if (this.checked.size > 0) return [...this.checked];
    return this.cursor !== null ? [this.cursor] : [];
  }

  async act(ids: number[], action: AlertAction): Promise<boolean> {
    if (ids.length === 0) return false;
    this.acting = true;
    // The cursor stays where it was in the list: on the warning that takes the acted one's place.
    const at = this.rows.findIndex((a) => a.id === this.cursor);
    try {
      await ipc.actOnWarnings(ids, action);
      this.checked = new Set();
      await this.load();
      if (at >= 0 && this.cursor === null && this.rows.length > 0) this.cursor = this.rows[Math.min(at, this.rows.length - 1)]!.id;
      return true;
    } catch (e) {
      banner.show(e);
      return false;
    } finally {
      this.acting = false;
    }
  }

  move(n: number): void {
    const rows = this.rows;
    if (rows.length === 0) return;
    const i = rows.findIndex((a) => a.id === this.cursor);
    const next = i < 0 ? (n > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + n));
    this.cursor = rows[next]!.id;
  }
}

export const warnings = new WarningsState();
