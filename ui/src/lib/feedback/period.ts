// The feedback view's period choices, as the days they cover (the Rust side takes `from`/`to`).

export type PeriodKey = '3m' | '6m' | '12m' | 'ytd' | 'custom';

export const PERIODS: readonly { key: PeriodKey; label: string }[] = [
  { key: '3m', label: 'Last 3 months' },
  { key: '6m', label: 'Last 6 months' },
  { key: '12m', label: 'Last 12 months' },
  { key: 'ytd', label: 'This year' },
  { key: 'custom', label: 'Custom…' },
];

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `today` is `YYYY-MM-DD`. Month periods start on the first of the month, so months are whole. */
export function periodDays(key: Exclude<PeriodKey, 'custom'>, today: string): { from: string; to: string } {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const back = (months: number): string => {
    const total = y * 12 + (m - 1) - months;
    return iso(Math.floor(total / 12), (total % 12) + 1, 1);
  };
  switch (key) {
    case '3m':
      return { from: back(2), to: today };
    case '6m':
      return { from: back(5), to: today };
    case '12m':
      return { from: back(11), to: today };
    case 'ytd':
      return { from: iso(y, 1, 1), to: today };
  }
}

/** A sentence for a custom period that cannot be asked for, or null when it is fine. */
export function customPeriodError(from: string, to: string, today: string): string | null {
  const day = /^\d{4}-\d{2}-\d{2}$/;
  if (!day.test(from) || !day.test(to)) return 'Pick both a first and a last day.';
  if (from > to) return 'The period starts after it ends.';
  if (from > today) return 'The period starts in the future.';
  return null;
}
