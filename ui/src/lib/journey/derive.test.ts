import { describe, expect, it } from 'vitest';
import type { ActivityView, HandoffView, StageSummary } from '../bindings';
import { frictionStage, overrunShare, periodStart, progress, renewalText, stallGap, timelineTeams } from './derive';

function stage(over: Partial<StageSummary>): StageSummary {
  return { stage: 'adoption', now: 0, arr_now: 0, entered: 0, left: 0, median_days: null, expected_days: 120, overran: 0, stalled_now: 0, stalled_arr: 0, after_stall: [], ...over };
}

describe('journey derive', () => {
  it('starts a period on the same day months earlier, clamped to short months', () => {
    expect(periodStart('2026-11-24', 12)).toBe('2025-11-24');
    expect(periodStart('2026-11-24', 3)).toBe('2026-08-24');
    expect(periodStart('2026-05-31', 3)).toBe('2026-02-28');
    expect(periodStart('2026-01-15', 24)).toBe('2024-01-15');
  });

  it('names the stage overrun most often, with two overruns at least', () => {
    const adoption = stage({ entered: 10, overran: 3 });
    const risk = stage({ stage: 'at_risk', entered: 4, overran: 2, expected_days: 60 });
    const value = stage({ stage: 'value', entered: 9, overran: 0, expected_days: null });
    const once = stage({ stage: 'expansion', entered: 1, overran: 1 });
    expect(overrunShare(adoption)).toBeCloseTo(0.3);
    expect(overrunShare(value)).toBeNull();
    expect(frictionStage([adoption, risk, value, once])?.stage).toBe('at_risk');
    expect(frictionStage([value, once])).toBeNull();
  });

  it('says how renewals went and the gap a stall makes', () => {
    expect(renewalText({ renewed: 3, churned: 1, renewed_arr: 0, churned_arr: 0 })).toBe('3 of 4 renewed (75\u00a0%)');
    expect(renewalText({ renewed: 0, churned: 0, renewed_arr: 0, churned_arr: 0 })).toBe('none decided');
    const renewals = { stalled: { renewed: 1, churned: 1, renewed_arr: 0, churned_arr: 0 }, not_stalled: { renewed: 9, churned: 1, renewed_arr: 0, churned_arr: 0 } };
    expect(stallGap({ renewals })).toBe(40);
    expect(stallGap({ renewals: { ...renewals, stalled: { renewed: 0, churned: 0, renewed_arr: 0, churned_arr: 0 } } })).toBeNull();
  });

  it('counts checklist items done and the teams of a timeline', () => {
    const h = { items: [{ done_on: '2026-01-02' }, { done_on: null }, { done_on: '2026-01-03' }] } as unknown as HandoffView;
    expect(progress(h)).toEqual({ done: 2, total: 3 });
    const a = (team: string) => ({ team }) as ActivityView;
    expect(timelineTeams([a('cs'), a('sales'), a('cs'), a('support'), a('sales'), a('cs')])).toEqual(['cs', 'sales', 'support']);
  });
});
