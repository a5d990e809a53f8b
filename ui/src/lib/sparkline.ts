// Points of a sparkline polyline, computed here so Svelte renders a plain <polyline>.

export interface SparkPoint {
  x: number;
  y: number;
}

export interface SparkOptions {
  /** Inner padding in px so the stroke is not clipped. */
  pad?: number;
  /** Fixed value range; by default the series' own min..max. */
  domain?: [number, number];
  /**
   * Smallest value span drawn (centred on the series' middle), so a near-flat series stays near-flat
   * instead of being stretched into a zigzag. Ignored with `domain`.
   */
  minSpan?: number;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Maps values (oldest first) onto a width × height box: x spread evenly from pad to width − pad,
 * the highest value at the top (y = pad), the lowest at the bottom (y = height − pad).
 * A flat series lies on the middle line. Fewer than 2 values → no points.
 */
export function sparklinePoints(
  values: readonly number[],
  width: number,
  height: number,
  options: SparkOptions = {},
): SparkPoint[] {
  const n = values.length;
  if (n < 2) return [];
  const pad = options.pad ?? 1;
  let lo: number;
  let hi: number;
  if (options.domain) {
    [lo, hi] = options.domain;
  } else {
    lo = Math.min(...values);
    hi = Math.max(...values);
    const minSpan = options.minSpan ?? 0;
    if (hi - lo < minSpan) {
      const mid = (hi + lo) / 2;
      lo = mid - minSpan / 2;
      hi = mid + minSpan / 2;
    }
  }
  const innerW = width - 2 * pad;
  const innerH = height - 2 * pad;
  const span = hi - lo;
  return values.map((v, i) => {
    const x = pad + (i * innerW) / (n - 1);
    const t = span > 0 ? (Math.min(Math.max(v, lo), hi) - lo) / span : 0.5;
    const y = pad + (1 - t) * innerH;
    return { x: round2(x), y: round2(y) };
  });
}

/** "x,y x,y ..." for a polyline's points attribute. */
export function pointsAttr(points: readonly SparkPoint[]): string {
  return points.map((p) => `${p.x},${p.y}`).join(' ');
}

/** Direction of a series from first to last value: 1 up, -1 down, 0 flat or too short. */
export function seriesDirection(values: readonly number[], threshold = 0): -1 | 0 | 1 {
  if (values.length < 2) return 0;
  const d = values[values.length - 1]! - values[0]!;
  if (d > threshold) return 1;
  if (d < -threshold) return -1;
  return 0;
}
