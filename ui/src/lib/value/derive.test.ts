import { describe, expect, it } from 'vitest';
import type { TtvCohort } from '../bindings';
import { cohortNote, cutText, daysText, headline, planText, shareText } from './derive';

const NBSP = '\u00a0';

function cohort(over: Partial<TtvCohort>): TtvCohort {
  return { quarter: '2026 Q1', accounts: 5, reached_first: 5, not_yet: 0, reached_full: 2, by_day: [], median_first_days: 40, median_full_days: null, settled: true, target_days: null, cut: null, ...over };
}

describe('time-to-value figures', () => {
  it('writes a share with what it is a share of, and a dash before anyone was observed', () => {
    expect(shareText({ day: 30, observed: 9, reached: 3, share: 3 / 9 })).toEqual({ share: `33${NBSP}%`, of: '3 of 9' });
    expect(shareText({ day: 90, observed: 0, reached: 0, share: null })).toEqual({ share: '—', of: 'none observed yet' });
    expect(shareText(undefined).share).toBe('—');
  });

  it('rounds days and says a cut as a fall', () => {
    expect(daysText(62.5)).toBe('63 d');
    expect(daysText(null)).toBe('—');
    expect(cutText(0.36)).toBe(`−36${NBSP}%`);
    expect(cutText(-0.12)).toBe(`+12${NBSP}%`);
    expect(cutText(null)).toBeNull();
  });

  it('says whether the latest cohort beat the target, or why there is nothing to say', () => {
    const met = headline({ reduction: 0.36, latest: '2026 Q2', baseline: '2025 Q2', target_cut: 0.25 });
    expect(met.tone).toBe('good');
    expect(met.text).toContain(`36${NBSP}% faster than 2025 Q2`);
    const slower = headline({ reduction: -0.1, latest: '2026 Q2', baseline: '2025 Q2', target_cut: 0.25 });
    expect(slower.tone).toBe('bad');
    expect(slower.text).toContain(`10${NBSP}% slower`);
    expect(headline({ reduction: 0.2, latest: '2026 Q2', baseline: '2025 Q2', target_cut: 0.25 }).tone).toBe('bad');
    expect(headline({ reduction: null, latest: null, baseline: null, target_cut: 0.25 }).tone).toBe('neutral');
  });

  it('explains why a cohort is left out of the comparison', () => {
    expect(cohortNote(cohort({ settled: false }))).toContain('settling');
    expect(cohortNote(cohort({ accounts: 2 }))).toContain('Too few');
    expect(cohortNote(cohort({ median_first_days: null }))).toContain('half');
    expect(cohortNote(cohort({}))).toBeNull();
  });

  it('says what the plan expects of a waiting account', () => {
    expect(planText({ first_value_due: '2026-12-29', has_first_value_milestone: true })).toBe('Planned for 29 Dec 2026');
    expect(planText({ first_value_due: null, has_first_value_milestone: true })).toContain('no due day');
    expect(planText({ first_value_due: null, has_first_value_milestone: false })).toBe('No first-value milestone in the plan');
  });
});
