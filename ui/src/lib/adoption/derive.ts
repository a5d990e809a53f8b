// Adoption on screen: utilisation and its change in words, and a feature's trend.
import type { FeatureUse } from '../bindings';
import { formatPercent } from '../format';

/** "64 %"; unknown reads "—". */
export function utilText(u: number | null): string {
  return u === null ? '—' : formatPercent(u);
}

/** The change in utilisation in points, with a tone from 5 points either way. */
export function pointsText(now: number | null, then: number | null): { text: string; tone: 'good' | 'bad' | 'neutral' } {
  if (now === null || then === null) return { text: '—', tone: 'neutral' };
  const pts = Math.round((now - then) * 100);
  const text = pts === 0 ? '0 pts' : `${pts > 0 ? '+' : '−'}${Math.abs(pts)} pts`;
  return { text, tone: pts >= 5 ? 'good' : pts <= -5 ? 'bad' : 'neutral' };
}

/** A feature's last 30 days against the 30 before: new, dropped, up, down (by a fifth) or steady. */
export function featureTrend(f: Pick<FeatureUse, 'events_30' | 'events_prev_30'>): 'new' | 'dropped' | 'up' | 'down' | 'steady' | 'unused' {
  const { events_30: now, events_prev_30: before } = f;
  if (now === 0 && before === 0) return 'unused';
  if (before === 0) return 'new';
  if (now === 0) return 'dropped';
  if (now >= before * 1.2) return 'up';
  if (now <= before * 0.8) return 'down';
  return 'steady';
}
