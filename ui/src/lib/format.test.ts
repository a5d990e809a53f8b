import { describe, expect, it } from 'vitest';
import {
  ageText,
  daysFromNow,
  formatDate,
  formatDateTime,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPercent,
  formatSigned,
  humanize,
  relativeTime,
  stageLabel,
} from './format';

describe('formatMoneyCompact', () => {
  const cases: Array<[number, string, string]> = [
    [1_200_000, 'USD', '$1.2M'],
    [84_000, 'USD', '$84k'],
    [8_400, 'USD', '$8.4k'],
    [10_000, 'USD', '$10k'],
    [9_960, 'USD', '$10k'], // 9.96k rounds to 10.0k, shown without ".0"
    [950, 'USD', '$950'],
    [999.6, 'USD', '$1k'],
    [999_960, 'USD', '$1M'], // would be "1000k": promoted
    [12_400_000, 'USD', '$12.4M'],
    [120_000_000, 'USD', '$120M'],
    [1_500_000_000, 'USD', '$1.5B'],
    [0, 'USD', '$0'],
    [-84_000, 'USD', '-$84k'],
    [84_000, 'EUR', '€84k'],
    [2_000_000, 'gbp', '£2M'],
    [84_000, 'SEK', 'SEK 84k'],
  ];
  for (const [v, c, s] of cases) it(`${v} ${c} → ${s}`, () => expect(formatMoneyCompact(v, c)).toBe(s));
});

describe('numbers', () => {
  it('formats full money', () => {
    expect(formatMoney(1_234_567)).toBe('$1,234,567');
    expect(formatMoney(-1500.4, 'GBP')).toBe('-£1,500');
  });
  it('groups thousands', () => {
    expect(formatNumber(1234.567, 2)).toBe('1,234.57');
    expect(formatNumber(999)).toBe('999');
    expect(formatNumber(-1234)).toBe('-1,234');
    expect(formatNumber(-0.4)).toBe('0');
  });
  it('formats a ratio as a percentage', () => {
    expect(formatPercent(0.253)).toBe('25\u00a0%');
    expect(formatPercent(1)).toBe('100\u00a0%');
    expect(formatPercent(0.123, 1)).toBe('12.3\u00a0%');
  });
  it('signs points with a true minus', () => {
    expect(formatSigned(5.24)).toBe('+5.2');
    expect(formatSigned(-3)).toBe('\u22123.0');
    expect(formatSigned(0)).toBe('0.0');
    expect(formatSigned(-0.04)).toBe('0.0');
    expect(formatSigned(2, 0)).toBe('+2');
  });
});

describe('dates', () => {
  it('formats a calendar day without time-zone shifts', () => {
    expect(formatDate('2026-11-17')).toBe('17 Nov 2026');
    expect(formatDate('2026-01-05T23:30:00Z')).toBe('5 Jan 2026');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('garbage')).toBe('—');
  });
  it('formats a moment in local time', () => {
    expect(formatDateTime(new Date(2026, 10, 24, 8, 6))).toBe('24 Nov 2026, 08:06');
    expect(formatDateTime('not a date')).toBe('—');
  });
  it('says how far away a day is', () => {
    expect(daysFromNow(0)).toBe('today');
    expect(daysFromNow(1)).toBe('tomorrow');
    expect(daysFromNow(-1)).toBe('yesterday');
    expect(daysFromNow(45)).toBe('in 45 days');
    expect(daysFromNow(-3)).toBe('3 days ago');
    expect(daysFromNow(null)).toBe('');
  });
  it('says how old an input is', () => {
    expect(ageText(0)).toBe('today');
    expect(ageText(1)).toBe('1 day old');
    expect(ageText(45)).toBe('45 days old');
    expect(ageText(null)).toBe('—');
  });
});

describe('relativeTime', () => {
  const now = Date.UTC(2026, 10, 24, 12, 0, 0);
  const S = 1000;
  const M = 60 * S;
  const H = 60 * M;
  const D = 24 * H;
  const cases: Array<[number, string]> = [
    [-30 * S, 'just now'],
    [-60 * S, '1 minute ago'],
    [-3 * M, '3 minutes ago'],
    [-44 * M, '44 minutes ago'],
    [-50 * M, '1 hour ago'],
    [-5 * H, '5 hours ago'],
    [-23 * H, '1 day ago'],
    [-3 * D, '3 days ago'],
    [-30 * D, '1 month ago'],
    [-100 * D, '3 months ago'],
    [-400 * D, '1 year ago'],
    [-800 * D, '2 years ago'],
    [2 * D, 'in 2 days'],
    [10 * M, 'in 10 minutes'],
  ];
  for (const [offset, text] of cases) {
    it(`${offset / 1000} s → ${text}`, () => expect(relativeTime(new Date(now + offset), now)).toBe(text));
  }
  it('accepts RFC 3339 strings', () => expect(relativeTime('2026-11-24T11:57:00Z', new Date(now))).toBe('3 minutes ago'));
  it('survives garbage', () => expect(relativeTime('nope', now)).toBe('—'));
});

describe('labels', () => {
  it('names lifecycle stages', () => {
    expect(stageLabel('at_risk')).toBe('At risk');
    expect(stageLabel('onboarding')).toBe('Onboarding');
  });
  it('humanizes codes', () => {
    expect(humanize('cs')).toBe('CS');
    expect(humanize('in progress')).toBe('In progress');
    expect(humanize('decision_maker')).toBe('Decision maker');
  });
});
