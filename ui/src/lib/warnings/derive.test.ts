import { describe, expect, it } from 'vitest';
import { alert } from '../../test/alerts';
import { addDays, evidenceText, stateText } from './derive';

describe('warnings helpers', () => {
  it('adds calendar days across a month and a year end', () => {
    expect(addDays('2026-11-24', 7)).toBe('2026-12-01');
    expect(addDays('2026-12-28', 30)).toBe('2027-01-27');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('says evidence and state in words', () => {
    expect(evidenceText({ label: 'Last two-way touch', value: '63 days ago', on: '2026-09-30' })).toBe('63 days ago · 30 Sep 2026');
    expect(evidenceText({ label: 'Seats bought', value: '100', on: null })).toBe('100');
    expect(stateText(alert({ state: 'snoozed', snoozed_until: '2026-12-09', state_by: 'ana', state_at: '2026-11-24T10:00:00.000Z' }))).toMatch(
      /^Snoozed until 9 Dec 2026 by ana, /,
    );
    expect(stateText(alert({ state: 'snoozed', state_by: 'ana', state_at: '2026-11-24T10:00:00.000Z' }))).toMatch(/^Snoozed until it changes by ana/);
  });
});
