// The value ledger on screen: labels, an entry's figures in words, and its forms.
import type { Confirmation, UsageMetric, ValueCategory, ValueEntryForm, ValueEntryView, ValueLedger } from '../bindings';
import { formatDate, formatMoney, formatNumber } from '../format';

export const CATEGORIES: ReadonlyArray<{ value: ValueCategory; label: string }> = [
  { value: 'time_saved', label: 'Time saved' },
  { value: 'cost_avoided', label: 'Cost avoided' },
  { value: 'revenue_gained', label: 'Revenue gained' },
  { value: 'risk_reduced', label: 'Risk reduced' },
  { value: 'other', label: 'Other' },
];

export const CONFIRMATIONS: ReadonlyArray<{ value: Confirmation; label: string; tone: '' | 'good' | 'warn' | 'bad' }> = [
  { value: 'unconfirmed', label: 'Not confirmed', tone: '' },
  { value: 'requested', label: 'Confirmation asked', tone: 'warn' },
  { value: 'confirmed', label: 'Confirmed', tone: 'good' },
  { value: 'disputed', label: 'Disputed', tone: 'bad' },
];

export const USAGE_METRICS: ReadonlyArray<{ value: UsageMetric; label: string }> = [
  { value: 'active_users', label: 'Active users' },
  { value: 'seats_used', label: 'Seats in use' },
  { value: 'feature_events', label: 'Key-feature events' },
];

export function categoryLabel(c: ValueCategory): string {
  return CATEGORIES.find((x) => x.value === c)?.label ?? c;
}

export function confirmationOf(c: Confirmation): { label: string; tone: string } {
  return CONFIRMATIONS.find((x) => x.value === c) ?? { label: c, tone: '' };
}

/** "$12,000" in the account's currency, "3,000 EUR" in another (kept apart, not converted). */
export function amountText(amount: number, currency: string, accountCurrency: string): string {
  return currency === accountCurrency ? formatMoney(amount, currency) : `${formatNumber(amount)} ${currency}`;
}

/** "0.4× ARR" (one decimal under 10, whole above); null without ARR. */
export function roiText(multiple: number | null): string | null {
  if (multiple === null) return null;
  return `${multiple >= 10 ? formatNumber(multiple) : formatNumber(multiple, 1)}× ARR`;
}

/** "Active users: 140 on 29 Nov 2026". */
export function usageText(e: Pick<ValueEntryView, 'usage'>): string | null {
  if (!e.usage) return null;
  const label = USAGE_METRICS.find((m) => m.value === e.usage!.metric)?.label ?? e.usage.metric;
  return `${label}: ${formatNumber(e.usage.value)} on ${formatDate(e.usage.on)}`;
}

/** Who confirmed it, or where confirmation stands. */
export function confirmedText(e: Pick<ValueEntryView, 'confirmation' | 'confirmed_by_name'>): string {
  if (e.confirmation === 'confirmed') return e.confirmed_by_name ? `Confirmed by ${e.confirmed_by_name}` : 'Confirmed';
  return confirmationOf(e.confirmation).label;
}

/** The share of the last 12 months' value the client has confirmed, 0–1; null when there is none. */
export function confirmedShare(l: Pick<ValueLedger, 'last_12m' | 'last_12m_confirmed'>): number | null {
  return l.last_12m > 0 ? l.last_12m_confirmed / l.last_12m : null;
}

export function emptyEntry(accountId: number, today: string, currency: string): ValueEntryForm {
  return {
    account_id: accountId,
    id: null,
    category: 'time_saved',
    description: '',
    amount: null,
    currency,
    measured_how: '',
    evidence: '',
    evidence_url: '',
    usage_metric: null,
    recorded_on: today,
    milestone_id: null,
    confirmed_by: null,
    confirmation: 'unconfirmed',
    tell_crm: false,
  };
}

/** The edit form for a stored entry. */
export function entryForm(accountId: number, e: ValueEntryView): ValueEntryForm {
  return {
    account_id: accountId,
    id: e.id,
    category: e.category,
    description: e.description,
    amount: e.amount,
    currency: e.currency,
    measured_how: e.measured_how,
    evidence: e.evidence,
    evidence_url: e.evidence_url,
    usage_metric: e.usage?.metric ?? null,
    recorded_on: e.recorded_on,
    milestone_id: e.milestone_id,
    confirmed_by: e.confirmed_by,
    confirmation: e.confirmation,
    tell_crm: false,
  };
}
