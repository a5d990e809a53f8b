import { describe, expect, it } from 'vitest';
import { moveIndex, revealScrollTop, virtualWindow } from './virtual';

describe('virtualWindow (row 40 px, viewport 200 px, 1000 rows, overscan 3)', () => {
  const w = (top: number) => virtualWindow(top, 200, 40, 1000, 3);
  it('at the top: rows 0–4 visible, 3 below as overscan', () =>
    expect(w(0)).toEqual({ start: 0, end: 8, offset: 0, total: 40_000 }));
  it('scrolled to row 25 exactly: 25–29 visible, 22..32 rendered', () =>
    expect(w(1000)).toEqual({ start: 22, end: 33, offset: 880, total: 40_000 }));
  it('a partly visible sixth row counts', () => expect(w(1010)).toEqual({ start: 22, end: 34, offset: 880, total: 40_000 }));
  it('at the bottom', () => expect(w(39_800)).toEqual({ start: 992, end: 1000, offset: 39_680, total: 40_000 }));
  it('clamps a scrollTop past the end', () => expect(w(50_000)).toEqual(w(39_800)));
  it('clamps a negative scrollTop', () => expect(w(-50)).toEqual(w(0)));
});

describe('virtualWindow edge cases', () => {
  it('fewer rows than fit', () => expect(virtualWindow(0, 200, 40, 3, 3)).toEqual({ start: 0, end: 3, offset: 0, total: 120 }));
  it('no rows', () => expect(virtualWindow(100, 200, 40, 0, 3)).toEqual({ start: 0, end: 0, offset: 0, total: 0 }));
  it('no overscan', () => expect(virtualWindow(20, 100, 40, 10, 0)).toEqual({ start: 0, end: 3, offset: 0, total: 400 }));
});

describe('revealScrollTop (row 40, viewport 200, rows 10–14 visible at 400)', () => {
  it('leaves a visible row alone', () => expect(revealScrollTop(12, 40, 400, 200)).toBe(400));
  it('scrolls up to a row above', () => expect(revealScrollTop(9, 40, 400, 200)).toBe(360));
  it('scrolls down just enough for a row below', () => expect(revealScrollTop(15, 40, 400, 200)).toBe(440));
  it('first row at the top', () => expect(revealScrollTop(0, 40, 0, 200)).toBe(0));
});

describe('moveIndex', () => {
  it('starts at the first row going down, the last going up', () => {
    expect(moveIndex(-1, 1, 5)).toBe(0);
    expect(moveIndex(-1, -1, 5)).toBe(4);
  });
  it('moves and clamps', () => {
    expect(moveIndex(2, 1, 5)).toBe(3);
    expect(moveIndex(4, 1, 5)).toBe(4);
    expect(moveIndex(0, -1, 5)).toBe(0);
    expect(moveIndex(3, -100, 5)).toBe(0);
  });
  it('has nothing to select in an empty list', () => expect(moveIndex(0, 1, 0)).toBe(-1));
});
