// Row virtualisation maths for a fixed-row-height scroll container.

export interface VirtualWindow {
  /** First rendered row index (inclusive). */
  start: number;
  /** One past the last rendered row index. */
  end: number;
  /** Offset of the first rendered row from the top of the content, px. */
  offset: number;
  /** Height of all rows, px. */
  total: number;
}

/**
 * Rows that intersect [scrollTop, scrollTop + height), widened by `overscan` rows on each side and
 * clamped to [0, count). scrollTop is clamped to the scrollable range first.
 */
export function virtualWindow(
  scrollTop: number,
  height: number,
  rowHeight: number,
  count: number,
  overscan: number,
): VirtualWindow {
  const total = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total };
  const maxTop = Math.max(0, total - height);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, height)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end, offset: start * rowHeight, total };
}

/**
 * The scrollTop that brings row `index` fully into view, moving as little as possible:
 * unchanged if it is already visible.
 */
export function revealScrollTop(index: number, rowHeight: number, scrollTop: number, height: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + height) return Math.max(0, bottom - height);
  return scrollTop;
}

/** Index after moving the selection by `step` within [0, count); -1 (nothing selected) starts at the edge. */
export function moveIndex(current: number, step: number, count: number): number {
  if (count === 0) return -1;
  if (current < 0) return step > 0 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + step));
}
