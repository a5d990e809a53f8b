import { describe, expect, it } from 'vitest';
import type { Component, ContactView } from '../bindings';
import { contactRoles, contributionBars, feedbackTone, isStale, priorityTone, svgDataUrl } from './derive';

function comp(p: Partial<Component>): Component {
  return {
    measure: 'support',
    label: 'Support',
    raw: null,
    raw_text: '',
    score: 50,
    weight: 15,
    effective_weight: 15,
    share: 0.2,
    contribution: 10,
    input_on: null,
    age_days: null,
    missing: false,
    stale: false,
    ...p,
  };
}

describe('account helpers', () => {
  it('scales contribution bars to the largest potential (share × 100)', () => {
    // potentials 50, 30, 20 → the largest (50) is 100 % of the track
    const bars = contributionBars([
      comp({ share: 0.5, contribution: 40 }),
      comp({ share: 0.3, contribution: 15 }),
      comp({ share: 0.2, contribution: 0 }),
    ]);
    expect(bars).toEqual([
      { filled: 80, track: 100 },
      { filled: 30, track: 60 },
      { filled: 0, track: 40 },
    ]);
  });
  it('has empty bars when nothing has data', () => {
    expect(contributionBars([comp({ share: 0, contribution: 0 })])).toEqual([{ filled: 0, track: 0 }]);
  });
  it('flags inputs older than 30 days as stale', () => {
    // The flag the score set, not an age threshold of the UI's own: a 40-day-old last touch is the
    // engagement measure itself, not stale; a sentiment that lost weight is.
    expect(isStale(comp({ age_days: 40, stale: false }))).toBe(false);
    expect(isStale(comp({ age_days: 31, stale: true }))).toBe(true);
  });
  it('lists contact roles in order', () => {
    const c: ContactView = {
      id: 1, name: 'A', email: '', title: '', champion: true, sponsor: false, decision_maker: true, advisory: true,
      last_engaged: null, left_on: null, left_reason: null,
    };
    expect(contactRoles(c)).toEqual(['Champion', 'Decision maker', 'Advisory']);
  });
  it('colours feedback scores', () => {
    expect(feedbackTone('nps', 9)).toBe('good');
    expect(feedbackTone('nps', 7)).toBe('warn');
    expect(feedbackTone('nps', 6)).toBe('bad');
    expect(feedbackTone('csat', 4)).toBe('good');
    expect(feedbackTone('csat', 3)).toBe('warn');
    expect(feedbackTone('csat', 2)).toBe('bad');
    expect(feedbackTone('ces', 5)).toBe('good');
    expect(feedbackTone('ces', 2)).toBe('bad');
  });
  it('colours ticket priorities', () => {
    expect(priorityTone('urgent')).toBe('bad');
    expect(priorityTone('High')).toBe('warn');
    expect(priorityTone('low')).toBe('neutral');
  });
  it('encodes the SVG into a data: URL', () => {
    expect(svgDataUrl('<svg a="1">#</svg>')).toBe('data:image/svg+xml;charset=utf-8,%3Csvg%20a%3D%221%22%3E%23%3C%2Fsvg%3E');
  });
});
