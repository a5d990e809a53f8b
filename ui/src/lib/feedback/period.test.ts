import { describe, expect, it } from 'vitest';
import { customPeriodError, periodDays } from './period';

describe('periodDays', () => {
  it('starts month periods on the first of the month, across a year boundary', () => {
    // Feb 2026: three months = Dec 2025, Jan, Feb.
    expect(periodDays('3m', '2026-02-14')).toEqual({ from: '2025-12-01', to: '2026-02-14' });
    expect(periodDays('6m', '2026-02-14')).toEqual({ from: '2025-09-01', to: '2026-02-14' });
    expect(periodDays('12m', '2026-12-01')).toEqual({ from: '2026-01-01', to: '2026-12-01' });
    expect(periodDays('12m', '2026-01-31')).toEqual({ from: '2025-02-01', to: '2026-01-31' });
    expect(periodDays('ytd', '2026-07-04')).toEqual({ from: '2026-01-01', to: '2026-07-04' });
  });
});

describe('customPeriodError', () => {
  it('explains an impossible period and accepts a good one', () => {
    expect(customPeriodError('', '2026-01-01', '2026-12-01')).toBe('Pick both a first and a last day.');
    expect(customPeriodError('2026-05-01', '2026-04-01', '2026-12-01')).toBe('The period starts after it ends.');
    expect(customPeriodError('2027-01-01', '2027-02-01', '2026-12-01')).toBe('The period starts in the future.');
    expect(customPeriodError('2026-04-01', '2026-04-01', '2026-12-01')).toBeNull();
  });
});
