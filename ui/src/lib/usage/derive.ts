// Usage import on screen: column roles in words, the preview's one-line summary, and progress.
import type { AccountKey, ColumnRole, ImportPreview, ImportProgress } from '../bindings';
import { formatDate, formatNumber } from '../format';

export const ROLES: ReadonlyArray<{ value: ColumnRole; label: string }> = [
  { value: 'account', label: 'Account' },
  { value: 'date', label: 'Date' },
  { value: 'active_users', label: 'Active users' },
  { value: 'seats_used', label: 'Seats used' },
  { value: 'feature', label: 'Feature events' },
  { value: 'ignore', label: 'Ignore' },
];

export const ACCOUNT_KEYS: ReadonlyArray<{ value: AccountKey; label: string }> = [
  { value: 'auto', label: 'CRM id, domain or name' },
  { value: 'crm_id', label: 'CRM id' },
  { value: 'domain', label: 'Domain' },
  { value: 'name', label: 'Name' },
];

const lines = (n: number): string => `${formatNumber(n)} line${n === 1 ? '' : 's'}`;

/** "1,204 lines to import for 12 accounts, 1 Nov 2026 to 30 Nov 2026; 2 cannot be (1 matches no account)." */
export function summary(p: Pick<ImportPreview, 'rows_ok' | 'accounts' | 'first_day' | 'last_day' | 'issues_total' | 'unmatched' | 'ambiguous'>): string {
  const span = p.first_day && p.last_day ? `, ${formatDate(p.first_day)} to ${formatDate(p.last_day)}` : '';
  let text = `${lines(p.rows_ok)} to import for ${formatNumber(p.accounts)} account${p.accounts === 1 ? '' : 's'}${span}`;
  if (p.issues_total === 0) return `${text}; every line is fine.`;
  const verb = (n: number): string => `${formatNumber(n)} match${n === 1 ? 'es' : ''}`;
  const why = [p.unmatched > 0 ? `${verb(p.unmatched)} no account` : '', p.ambiguous > 0 ? `${verb(p.ambiguous)} several` : ''].filter(Boolean);
  text += `; ${lines(p.issues_total)} cannot be imported`;
  return `${text}${why.length ? ` (${why.join(', ')})` : ''}.`;
}

/** 0–1 across the three phases (reading, writing, then scoring at the end). */
export function progressShare(p: ImportProgress | null): number {
  if (!p) return 0;
  const within = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  switch (p.phase) {
    case 'reading':
      return 0.3 * within;
    case 'writing':
      return 0.3 + 0.6 * within;
    case 'scoring':
      return 0.95;
  }
}

export function phaseText(p: ImportProgress | null): string {
  if (!p) return 'Starting…';
  switch (p.phase) {
    case 'reading':
      return 'Reading and checking the file…';
    case 'writing':
      return `Writing ${formatNumber(p.done)} of ${lines(p.total)}…`;
    case 'scoring':
      return `Scoring ${formatNumber(p.total)} accounts with the new usage…`;
  }
}
