// Pure helpers of the Warnings view: filtering, snooze dates, and the words for states.
import type { AlertView, Evidence, RuleId, Severity } from '../bindings';
import { formatDate, formatDateTime } from '../format';

export type WarningFilters = { rule: RuleId | ''; segment: string; owner: string; severity: Severity | '' };

export const NO_FILTERS: WarningFilters = { rule: '', segment: '', owner: '', severity: '' };

export const SEVERITY_LABEL: Record<Severity, string> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

/** The ISO day `days` after the ISO day `from` (calendar arithmetic, no time zone). */
export function addDays(from: string, days: number): string {
  const [y, m, d] = from.split('-').map(Number);
  const t = new Date(Date.UTC(y!, m! - 1, d! + days));
  return t.toISOString().slice(0, 10);
}

/** One figure behind an alert: "63 days ago · 30 Sep 2026". */
export function evidenceText(e: Evidence): string {
  return e.on ? `${e.value} · ${formatDate(e.on)}` : e.value;
}

/** Where the alert stands, in words, e.g. "Snoozed until 9 Dec 2026 by ana". */
export function stateText(a: AlertView): string {
  const by = a.state_by && a.state_at ? ` by ${a.state_by}, ${formatDateTime(a.state_at)}` : '';
  switch (a.state) {
    case 'open':
      return a.state_by === 'Rapport' ? `Open again${by.replace(' by Rapport', '')}` : `Open since ${formatDateTime(a.fired_at)}`;
    case 'snoozed':
      return a.snoozed_until ? `Snoozed until ${formatDate(a.snoozed_until)}${by}` : `Snoozed until it changes${by}`;
    case 'resolved':
      return `Resolved${by}`;
  }
}
