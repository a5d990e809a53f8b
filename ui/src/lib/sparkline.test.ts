import { describe, expect, it } from 'vitest';
import { pointsAttr, seriesDirection, sparklinePoints } from './sparkline';

describe('sparklinePoints', () => {
  it('maps min to the bottom and max to the top', () => {
    expect(sparklinePoints([0, 50, 100], 100, 20, { pad: 0 })).toEqual([
      { x: 0, y: 20 },
      { x: 50, y: 10 },
      { x: 100, y: 0 },
    ]);
  });
  it('keeps a padding and rounds to 2 decimals', () => {
    // inner box 80 × 18 from (2, 2); range 60..80
    expect(sparklinePoints([60, 70, 80, 70], 84, 22, { pad: 2 })).toEqual([
      { x: 2, y: 20 },
      { x: 28.67, y: 11 },
      { x: 55.33, y: 2 },
      { x: 82, y: 11 },
    ]);
  });
  it('draws a flat series on the middle line', () => {
    expect(sparklinePoints([50, 50, 50], 10, 10, { pad: 1 })).toEqual([
      { x: 1, y: 5 },
      { x: 5, y: 5 },
      { x: 9, y: 5 },
    ]);
  });
  it('widens a narrow range to minSpan around its middle', () => {
    // range 50..52 widened to 46..56
    expect(sparklinePoints([50, 52], 10, 100, { pad: 0, minSpan: 10 })).toEqual([
      { x: 0, y: 60 },
      { x: 10, y: 40 },
    ]);
  });
  it('uses a fixed domain and clamps to it', () => {
    expect(sparklinePoints([25, 75, 150], 4, 100, { pad: 0, domain: [0, 100] })).toEqual([
      { x: 0, y: 75 },
      { x: 2, y: 25 },
      { x: 4, y: 0 },
    ]);
  });
  it('needs two points', () => {
    expect(sparklinePoints([], 10, 10)).toEqual([]);
    expect(sparklinePoints([42], 10, 10)).toEqual([]);
  });
  it('renders a polyline attribute', () => expect(pointsAttr([{ x: 1, y: 2 }, { x: 3.5, y: 4 }])).toBe('1,2 3.5,4'));
  it('tells the direction', () => {
    expect(seriesDirection([1, 5])).toBe(1);
    expect(seriesDirection([5, 1])).toBe(-1);
    expect(seriesDirection([5, 9, 5])).toBe(0);
    expect(seriesDirection([50, 51], 1)).toBe(0);
    expect(seriesDirection([3])).toBe(0);
  });
});
