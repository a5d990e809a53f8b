// The journey on screen: friction per stage, renewal outcomes in words, checklist progress,
// the period presets, and the timeline's team filter.
import type { ActivityView, HandoffView, JourneyView, RenewalTally, StageSummary } from '../bindings';
import { formatPercent } from '../format';

/** The period presets, in months, with the key that picks each. */
export const PERIODS: readonly { months: number; key: string; label: string }[] = [
  { months: 3, key: '1', label: '3 months' },
  { months: 6, key: '2', label: '6 months' },
  { months: 12, key: '3', label: '12 months' },
  { months: 24, key: '4', label: '24 months' },
];

/** The first day of a period of `months` ending on `to` (YYYY-MM-DD, local calendar). */
export function periodStart(to: string, months: number): string {
  const [y, m, d] = to.split('-').map(Number) as [number, number, number];
  const start = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 0)).getUTCDate();
  start.setUTCDate(Math.min(d, last));
  return start.toISOString().slice(0, 10);
}

/** Of the stays begun in the period, the share that overran; null with none, or no expected time. */
export function overrunShare(s: StageSummary): number | null {
  if (s.expected_days === null || s.entered === 0) return null;
  return s.overran / s.entered;
}

/** The friction point: the stage whose stays overran most often (at least two overruns). */
export function frictionStage(stages: readonly StageSummary[]): StageSummary | null {
  let best: StageSummary | null = null;
  for (const s of stages) {
    const share = overrunShare(s);
    if (share === null || s.overran < 2) continue;
    const bestShare = best ? overrunShare(best) ?? 0 : -1;
    if (share > bestShare || (share === bestShare && best !== null && s.stalled_arr > best.stalled_arr)) best = s;
  }
  return best;
}

/** "3 of 4 renewed (75 %)"; "none decided" with no renewal in the period. */
export function renewalText(t: RenewalTally): string {
  const n = t.renewed + t.churned;
  if (n === 0) return 'none decided';
  return `${t.renewed} of ${n} renewed (${formatPercent(t.renewed / n)})`;
}

/** The renewal-rate gap between accounts that stalled and those that did not, in points; null
 *  unless both groups have a decided renewal. */
export function stallGap(v: Pick<JourneyView, 'renewals'>): number | null {
  const rate = (t: RenewalTally) => (t.renewed + t.churned === 0 ? null : t.renewed / (t.renewed + t.churned));
  const a = rate(v.renewals.stalled);
  const b = rate(v.renewals.not_stalled);
  return a === null || b === null ? null : Math.round((b - a) * 100);
}

/** Items done of all. */
export function progress(h: HandoffView): { done: number; total: number } {
  return { done: h.items.filter((i) => i.done_on !== null).length, total: h.items.length };
}

/** The teams present in a timeline, most touchpoints first. */
export function timelineTeams(items: readonly ActivityView[]): string[] {
  const n = new Map<string, number>();
  for (const a of items) n.set(a.team, (n.get(a.team) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([t]) => t);
}
