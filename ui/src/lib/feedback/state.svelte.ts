// The feedback view's state: the filter, the insights it gives, overrides and the export.
import type { ExportReport, FeedbackOverride, Insights, InsightsFilter, IpcError, Polarity, Theme } from '../bindings';
import { ipc, normaliseError } from '../ipc';
import { banner } from '../app/errors.svelte';
import { customPeriodError, periodDays, type PeriodKey } from './period';

/** The local day as `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

class FeedbackState {
  period = $state<PeriodKey>('12m');
  customFrom = $state('');
  customTo = $state('');
  segment = $state<string | null>(null);
  owner = $state<string | null>(null);
  theme = $state<string | null>(null);
  data = $state.raw<Insights | null>(null);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  /** A sentence about the custom period, when it cannot be asked for. */
  periodError = $state<string | null>(null);
  exporting = $state<'xlsx' | 'csv' | null>(null);
  exported = $state<ExportReport | null>(null);
  /** The response whose reading is being edited. */
  editing = $state<number | null>(null);
  /** Segments and owners seen in an unfiltered load, so a filter never hides its own choices. */
  segments = $state.raw<string[]>([]);
  owners = $state.raw<string[]>([]);
  #seq = 0;

  filter(today: string = todayIso()): InsightsFilter | null {
    let from: string;
    let to: string;
    if (this.period === 'custom') {
      const err = customPeriodError(this.customFrom, this.customTo, today);
      this.periodError = err;
      if (err) return null;
      from = this.customFrom;
      to = this.customTo;
    } else {
      this.periodError = null;
      ({ from, to } = periodDays(this.period, today));
    }
    return { from, to, segment: this.segment, owner: this.owner, theme: this.theme, account_id: null };
  }

  async load(): Promise<void> {
    const f = this.filter();
    if (!f) return;
    const seq = ++this.#seq;
    this.loading = true;
    this.error = null;
    try {
      const d = await ipc.feedbackInsights(f);
      if (seq !== this.#seq) return;
      this.data = d;
      if (!f.segment && !f.owner && !f.theme) {
        this.segments = d.by_segment.map((g) => g.group).filter((g) => g !== '').sort();
        this.owners = d.by_owner.map((g) => g.group).filter((g) => g !== '').sort();
      }
    } catch (e) {
      if (seq === this.#seq) this.error = normaliseError(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  /** Keeps the AM's reading of one response (or clears it with nulls), then reloads. */
  async override(id: number, themes: string[] | null, sentiment: Polarity | null): Promise<boolean> {
    const change: FeedbackOverride = { id, themes, sentiment };
    try {
      await ipc.setFeedbackOverride(change);
      this.editing = null;
      await this.load();
      return true;
    } catch (e) {
      banner.show(e);
      return false;
    }
  }

  async saveTaxonomy(themes: Theme[]): Promise<IpcError | null> {
    try {
      await ipc.saveTaxonomy(themes);
      await this.load();
      return null;
    } catch (e) {
      return normaliseError(e);
    }
  }

  async export(format: 'xlsx' | 'csv'): Promise<void> {
    const f = this.filter();
    if (!f || this.exporting) return;
    this.exporting = format;
    this.exported = null;
    try {
      this.exported = await ipc.exportInsights(f, format);
    } catch (e) {
      banner.show(e);
    } finally {
      this.exporting = null;
    }
  }

  async openExported(folder: boolean): Promise<void> {
    const path = this.exported?.files[0];
    if (!path) return;
    try {
      await ipc.openExport(path, folder);
    } catch (e) {
      banner.show(e);
    }
  }
}

export const feedback = new FeedbackState();
