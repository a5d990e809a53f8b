import { describe, expect, it } from 'vitest';
import { phaseText, progressShare, summary } from './derive';

describe('usage import in words', () => {
  it('sums the preview up, with why lines cannot be imported', () => {
    expect(summary({ rows_ok: 1204, accounts: 12, first_day: '2026-11-01', last_day: '2026-11-30', issues_total: 0, unmatched: 0, ambiguous: 0 })).toBe('1,204 lines to import for 12 accounts, 1 Nov 2026 to 30 Nov 2026; every line is fine.');
    expect(summary({ rows_ok: 1, accounts: 1, first_day: null, last_day: null, issues_total: 3, unmatched: 1, ambiguous: 1 })).toBe('1 line to import for 1 account; 3 lines cannot be imported (1 matches no account, 1 matches several).');
  });

  it('moves the bar through reading, writing and scoring', () => {
    expect(progressShare(null)).toBe(0);
    expect(progressShare({ phase: 'reading', done: 50, total: 100 })).toBeCloseTo(0.15);
    expect(progressShare({ phase: 'writing', done: 50, total: 100 })).toBeCloseTo(0.6);
    expect(progressShare({ phase: 'scoring', done: 0, total: 3 })).toBe(0.95);
    expect(phaseText({ phase: 'writing', done: 2000, total: 10000 })).toBe('Writing 2,000 of 10,000 lines…');
  });
});
