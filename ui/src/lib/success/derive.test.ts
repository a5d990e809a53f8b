import { describe, expect, it } from 'vitest';
import type { PlanDraft } from '../bindings';
import { draftFor, draftTarget, dueLine, emptyMilestone, figure, measureText, numberOrNull } from './derive';

describe('success plan figures', () => {
  it('writes measured values as people do', () => {
    expect(figure(2)).toBe('2');
    expect(figure(1.25)).toBe('1.25');
    expect(figure(1234.5)).toBe('1,234.5');
    expect(figure(0.999)).toBe('1');
  });

  it('says where a measured milestone stands, and nothing for a date-only one', () => {
    expect(measureText({ metric: 'Teams live', unit: 'teams', baseline: 0, current: 2, target: 4 })).toBe('Teams live: 0 → 2 of 4 teams');
    expect(measureText({ metric: 'tools in use', unit: '', baseline: 10, current: null, target: 4 })).toBe('Tools in use: 10 → not measured yet of 4');
    expect(measureText({ metric: '', unit: '', baseline: null, current: null, target: null })).toBeNull();
  });

  it('says when it is due, how late it is, or when it was reached', () => {
    expect(dueLine({ due_on: '2027-01-23', achieved_on: null, days_late: 0 })).toBe('Due 23 Jan 2027');
    expect(dueLine({ due_on: '2026-11-14', achieved_on: null, days_late: 1 })).toBe('Due 14 Nov 2026 · 1 day late');
    expect(dueLine({ due_on: '2026-11-14', achieved_on: '2026-11-20', days_late: 6 })).toBe('Achieved 20 Nov 2026');
  });

  it('keeps an empty or unreadable number as null', () => {
    expect(numberOrNull('')).toBeNull();
    expect(numberOrNull(undefined)).toBeNull();
    expect(numberOrNull(Number.NaN)).toBeNull();
    expect(numberOrNull('12.5')).toBe(12.5);
    expect(numberOrNull(0)).toBe(0);
  });

  it('finds the draft of each form by what it edits', () => {
    const drafts: PlanDraft[] = [
      { form: { form: 'plan', account_id: 1, id: null, objective: 'Grow' }, saved_at: '2026-11-24T10:00:00.000Z' },
      { form: { form: 'milestone', ...emptyMilestone(1, 4) }, saved_at: '2026-11-24T10:01:00.000Z' },
      { form: { form: 'milestone', ...emptyMilestone(1, 4), id: 9 }, saved_at: '2026-11-24T10:02:00.000Z' },
    ];
    expect(drafts.map(draftTarget)).toEqual(['plan:new', 'milestone:new:4', 'milestone:9']);
    expect(draftFor(drafts, 'milestone:9')?.saved_at).toBe('2026-11-24T10:02:00.000Z');
    expect(draftFor(drafts, 'milestone:10')).toBeNull();
  });
});
