// Time-to-value on screen: a cohort's figures in words, and the headline sentence.
import type { ReachedBy, TtvCohort, TtvView, TtvWaiting } from '../bindings';
import { formatDate, formatPercent } from '../format';

/** "33 %" of "9 observed"; a horizon no account has lived through yet reads "—". */
export function shareText(b: ReachedBy | undefined): { share: string; of: string } {
  if (!b || b.share === null) return { share: '—', of: 'none observed yet' };
  return { share: formatPercent(b.share), of: `${b.reached} of ${b.observed}` };
}

/** "52 d"; an unknown median (fewer than half there yet) reads "—". */
export function daysText(v: number | null): string {
  return v === null ? '—' : `${Math.round(v)} d`;
}

/** "−36 %" for a cut (a fall in days), "+12 %" for a rise; null when there is no comparison. */
export function cutText(cut: number | null): string | null {
  if (cut === null) return null;
  const pct = formatPercent(Math.abs(cut));
  return cut >= 0 ? `−${pct}` : `+${pct}`;
}

/** The headline: the latest settled cohort against the same quarter a year earlier. */
export function headline(v: Pick<TtvView, 'reduction' | 'latest' | 'baseline' | 'target_cut'>): { text: string; tone: 'good' | 'bad' | 'neutral' } {
  if (v.reduction === null || v.latest === null || v.baseline === null) {
    return { text: 'No cut to report yet: it needs two settled contract-start quarters a year apart, with three accounts or more each.', tone: 'neutral' };
  }
  const met = v.reduction > v.target_cut;
  const moved = v.reduction >= 0 ? `${formatPercent(v.reduction)} faster` : `${formatPercent(-v.reduction)} slower`;
  return {
    text: `The ${v.latest} cohort reached first value ${moved} than ${v.baseline} (median days); the target is more than ${formatPercent(v.target_cut)} faster.`,
    tone: met ? 'good' : 'bad',
  };
}

/** Why a cohort is not compared, or null when it is. */
export function cohortNote(c: TtvCohort): string | null {
  if (!c.settled) return 'Still settling: its quarter ended less than 150 days ago.';
  if (c.accounts < 3) return 'Too few accounts to compare.';
  if (c.median_first_days === null) return 'Fewer than half have reached first value.';
  return null;
}

/** What the plan says about a waiting account's first value. */
export function planText(w: Pick<TtvWaiting, 'first_value_due' | 'has_first_value_milestone'>): string {
  if (w.first_value_due) return `Planned for ${formatDate(w.first_value_due)}`;
  return w.has_first_value_milestone ? 'First-value milestone open, no due day' : 'No first-value milestone in the plan';
}
