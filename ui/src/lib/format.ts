// Number, money, date and relative-time formatting. Pure and locale-independent (en style), so the
// figures read the same on every machine and tests can pin exact strings.
import type { Band, Crm, LifecycleStage } from './bindings';

export const MINUS = '\u2212';
const NBSP = '\u00a0';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SYMBOLS: Record<string, string> = {
  USD: '$',
  EUR: '€',
  GBP: '£',
  JPY: '¥',
  CAD: 'CA$',
  AUD: 'A$',
  CHF: 'CHF ',
  INR: '₹',
};

export function currencySymbol(currency: string): string {
  const code = currency.toUpperCase();
  return SYMBOLS[code] ?? `${code} `;
}

/** Groups thousands with commas: 1234567 → "1,234,567". Rounds to `decimals`. */
export function formatNumber(value: number, decimals = 0): string {
  const sign = value < 0 ? '-' : '';
  const fixed = Math.abs(value).toFixed(decimals);
  const [int = '0', frac] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const out = frac ? `${grouped}.${frac}` : grouped;
  return out === '0' || /^0\.0+$/.test(out) ? out : sign + out;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

/**
 * Compact money: "$950", "$8.4k", "$84k", "$1.2M", "$12.4M", "$120M", "$1.5B".
 * One decimal below 10k and below 100 of M/B, none otherwise; a trailing ".0" is dropped.
 */
export function formatMoneyCompact(value: number, currency = 'USD'): string {
  const sym = currencySymbol(currency);
  const sign = value < 0 ? '-' : '';
  const a = Math.abs(value);
  if (Math.round(a) < 1000) return `${sign}${sym}${Math.round(a)}`;
  const units: Array<[number, string]> = [
    [1e3, 'k'],
    [1e6, 'M'],
    [1e9, 'B'],
    [1e12, 'T'],
  ];
  for (let i = 0; i < units.length; i++) {
    const [div, suffix] = units[i]!;
    const n = a / div;
    const decimals = n < (suffix === 'k' ? 10 : 100) ? 1 : 0;
    const rounded = Number(n.toFixed(decimals));
    if (rounded >= 1000 && i < units.length - 1) continue;
    return `${sign}${sym}${trimZero(rounded.toFixed(decimals))}${suffix}`;
  }
  return `${sign}${sym}${formatNumber(a)}`;
}

/** Full money without cents: "$1,234,567". */
export function formatMoney(value: number, currency = 'USD'): string {
  const sign = value < 0 ? '-' : '';
  return `${sign}${currencySymbol(currency)}${formatNumber(Math.abs(value))}`;
}

/** A ratio as a whole percentage, Rust style: 0.253 → "25 %". */
export function formatPercent(ratio: number, decimals = 0): string {
  return `${formatNumber(ratio * 100, decimals)}${NBSP}%`;
}

/** Signed points with a true minus sign: 5.24 → "+5.2", -3 → "−3.0", 0 → "0.0". */
export function formatSigned(value: number, decimals = 1): string {
  const fixed = Math.abs(value).toFixed(decimals);
  if (Number(fixed) === 0) return fixed;
  return `${value > 0 ? '+' : MINUS}${fixed}`;
}

/** Parses "2026-11-17" (or the date part of an RFC 3339 string) as a UTC calendar day. */
export function parseDay(day: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** "2026-11-17" → "17 Nov 2026"; null/invalid → "—". */
export function formatDate(day: string | null | undefined): string {
  if (!day) return '—';
  const d = parseDay(day);
  if (!d) return '—';
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** A moment in local time: "24 Nov 2026, 08:06". */
export function formatDateTime(at: string | Date | null | undefined): string {
  if (!at) return '—';
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return '—';
  return `${d.getDate()} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * "just now", "3 minutes ago", "in 2 days"... Thresholds: < 45 s just now, < 90 s 1 minute,
 * < 45 min minutes, < 90 min 1 hour, < 22 h hours, < 36 h 1 day, < 26 d days, < 45 d 1 month,
 * < 320 d months (30 d), < 548 d 1 year, then years (365 d).
 */
export function relativeTime(at: string | Date, now: Date | number): string {
  const then = at instanceof Date ? at.getTime() : new Date(at).getTime();
  const nowMs = typeof now === 'number' ? now : now.getTime();
  if (Number.isNaN(then)) return '—';
  const s = (nowMs - then) / 1000;
  const a = Math.abs(s);
  const MIN = 60;
  const HOUR = 3600;
  const DAY = 86400;
  let text: string;
  if (a < 45) return 'just now';
  else if (a < 90) text = '1 minute';
  else if (a < 45 * MIN) text = plural(Math.round(a / MIN), 'minute');
  else if (a < 90 * MIN) text = '1 hour';
  else if (a < 22 * HOUR) text = plural(Math.round(a / HOUR), 'hour');
  else if (a < 36 * HOUR) text = '1 day';
  else if (a < 26 * DAY) text = plural(Math.round(a / DAY), 'day');
  else if (a < 45 * DAY) text = '1 month';
  else if (a < 320 * DAY) text = plural(Math.round(a / (30 * DAY)), 'month');
  else if (a < 548 * DAY) text = '1 year';
  else text = plural(Math.round(a / (365 * DAY)), 'year');
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** Days to an event: 0 → "today", 1 → "tomorrow", 12 → "in 12 days", -1 → "yesterday", -3 → "3 days ago". */
export function daysFromNow(days: number | null | undefined): string {
  if (days === null || days === undefined) return '';
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  return days > 0 ? `in ${plural(days, 'day')}` : `${plural(-days, 'day')} ago`;
}

/** Age of an input: 0 → "today", 1 → "1 day old", 45 → "45 days old". */
export function ageText(days: number | null | undefined): string {
  if (days === null || days === undefined) return '—';
  if (days <= 0) return 'today';
  return `${plural(days, 'day')} old`;
}

export const STAGE_LABELS: Record<LifecycleStage, string> = {
  onboarding: 'Onboarding',
  adoption: 'Adoption',
  value: 'Value realisation',
  renewal: 'Renewal',
  expansion: 'Expansion',
  at_risk: 'At risk',
  churned: 'Churned',
};

/** Lifecycle order, for sorting the stage column. */
export const STAGE_ORDER: readonly LifecycleStage[] = [
  'onboarding',
  'adoption',
  'value',
  'renewal',
  'expansion',
  'at_risk',
  'churned',
];

export function stageLabel(stage: LifecycleStage): string {
  return STAGE_LABELS[stage] ?? stage;
}

export const BAND_LABELS: Record<Band, string> = { green: 'Healthy', yellow: 'Needs attention', red: 'Unhealthy' };

export function bandLabel(band: Band | null): string {
  return band ? BAND_LABELS[band] : 'Unscored';
}

/** "sales" → "Sales", "at_risk" → "At risk", "cs" → "CS". */
export function humanize(word: string): string {
  if (word.length <= 2) return word.toUpperCase();
  const w = word.replace(/_/g, ' ');
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** A CRM's name as people write it (the Rust side's `Crm::label`). */
export function crmLabel(crm: Crm): string {
  return { demo: 'Demo data', hubspot: 'HubSpot', salesforce: 'Salesforce' }[crm];
}
