import { describe, expect, it } from 'vitest';
import { figureText, figureTone, fromDrafts, lastMonthWithData, polarityOf, toDrafts } from './derive';

describe('figures', () => {
  it('reads each kind on its own scale', () => {
    expect(figureText('nps', 23.6)).toBe('+24');
    expect(figureText('nps', -7.2)).toBe('-7');
    expect(figureText('nps', 0)).toBe('0');
    expect(figureText('csat', 83.33)).toBe('83 %');
    expect(figureText('ces', 5.44)).toBe('5.4');
    expect(figureText('ces', null)).toBe('–');
  });
  it('tones by the seed targets, CES lower-is-better', () => {
    expect([figureTone('nps', 51), figureTone('nps', 50), figureTone('nps', -1)]).toEqual(['good', 'warn', 'bad']);
    expect([figureTone('csat', 91), figureTone('csat', 75), figureTone('csat', 74.9)]).toEqual(['good', 'warn', 'bad']);
    expect([figureTone('ces', 3), figureTone('ces', 5), figureTone('ces', 5.1), figureTone('ces', null)]).toEqual(['good', 'warn', 'bad', 'neutral']);
  });
  it('reads sentiment at VADER’s ±0.05', () => {
    expect([polarityOf(0.05), polarityOf(0.049), polarityOf(-0.05), polarityOf(null)]).toEqual(['positive', 'neutral', 'negative', null]);
  });
  it('finds the newest month with responses', () => {
    const s = {
      kind: 'nps' as const,
      count: 3,
      value: 10,
      months: [
        { month: '2026-10', count: 3, value: 10 },
        { month: '2026-11', count: 0, value: null },
      ],
    };
    expect(lastMonthWithData(s)).toEqual({ month: '2026-10', value: 10, count: 3 });
    expect(lastMonthWithData({ ...s, months: [] })).toBeNull();
  });
});

describe('taxonomy drafts', () => {
  it('round-trips keywords through one comma-separated line, dropping blanks', () => {
    const t = { version: 3, themes: [{ key: 'support', label: 'Support', keywords: ['ticket*', 'help desk'] }] };
    const d = toDrafts(t);
    expect(d).toEqual([{ key: 'support', label: 'Support', keywords: 'ticket*, help desk' }]);
    d[0]!.keywords = ' ticket*, , help desk ,agent* ';
    expect(fromDrafts(d)).toEqual([{ key: 'support', label: 'Support', keywords: ['ticket*', 'help desk', 'agent*'] }]);
  });
});
