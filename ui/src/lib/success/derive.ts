// Success plans on screen: labels, a milestone's figures in words, and the forms as typed.
import type { MilestoneForm, MilestoneKind, MilestoneStatus, MilestoneView, PlanDraft } from '../bindings';
import { formatDate, formatNumber } from '../format';

export const STATUS_LABEL: Record<MilestoneStatus, string> = {
  stuck: 'Stuck',
  behind: 'Behind',
  on_track: 'On track',
  done: 'Done',
};

/** The status's colour class (the app's band colours). */
export const STATUS_TONE: Record<MilestoneStatus, 'red' | 'amber' | 'neutral' | 'green'> = {
  stuck: 'red',
  behind: 'amber',
  on_track: 'neutral',
  done: 'green',
};

export const KINDS: ReadonlyArray<{ value: MilestoneKind; label: string }> = [
  { value: 'onboarding', label: 'Onboarding' },
  { value: 'first_value', label: 'First value' },
  { value: 'full_value', label: 'Full value (ROI)' },
  { value: 'adoption', label: 'Adoption' },
];

export function kindLabel(k: MilestoneKind): string {
  return KINDS.find((x) => x.value === k)?.label ?? k;
}

/** A measured value without needless decimals: 2 → "2", 1.25 → "1.25", 1234.5 → "1,234.5". */
export function figure(v: number): string {
  const rounded = Math.round(v * 100) / 100;
  const decimals = Number.isInteger(rounded) ? 0 : Number.isInteger(rounded * 10) ? 1 : 2;
  return formatNumber(rounded, decimals);
}

/** "Teams live: 0 → 2 of 4 teams" (or "not measured yet"); null for a date-only milestone. */
export function measureText(m: Pick<MilestoneView, 'metric' | 'unit' | 'baseline' | 'current' | 'target'>): string | null {
  if (m.baseline === null || m.target === null) return null;
  const unit = m.unit.trim() ? ` ${m.unit.trim()}` : '';
  const now = m.current === null ? 'not measured yet' : figure(m.current);
  const metric = m.metric.trim();
  return `${metric.charAt(0).toUpperCase()}${metric.slice(1)}: ${figure(m.baseline)} → ${now} of ${figure(m.target)}${unit}`;
}

/** "Due 23 Jan 2027" / "Achieved 20 Nov 2026" / "Due 14 Nov 2026 · 10 days late". */
export function dueLine(m: Pick<MilestoneView, 'due_on' | 'achieved_on' | 'days_late'>): string {
  if (m.achieved_on) return `Achieved ${formatDate(m.achieved_on)}`;
  const late = m.days_late > 0 ? ` · ${m.days_late} day${m.days_late === 1 ? '' : 's'} late` : '';
  return `Due ${formatDate(m.due_on)}${late}`;
}

export function emptyMilestone(accountId: number, planId: number): MilestoneForm {
  return {
    account_id: accountId,
    plan_id: planId,
    id: null,
    name: '',
    kind: 'adoption',
    metric: '',
    unit: '',
    baseline: null,
    current: null,
    target: null,
    start_on: null,
    due_on: null,
    owner: '',
    evidence: '',
    tell_crm: false,
  };
}

/** The edit form for a stored milestone. */
export function formOf(accountId: number, m: MilestoneView): MilestoneForm {
  return {
    account_id: accountId,
    plan_id: m.plan_id,
    id: m.id,
    name: m.name,
    kind: m.kind,
    metric: m.metric,
    unit: m.unit,
    baseline: m.baseline,
    current: m.current,
    target: m.target,
    start_on: m.start_on,
    due_on: m.due_on,
    owner: m.owner,
    evidence: m.evidence,
    tell_crm: false,
  };
}

/** A number input's value as the form keeps it: empty or not a number is null. */
export function numberOrNull(v: unknown): number | null {
  if (v === '' || v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The draft kept for a form, if any: `plan:new`, `milestone:new:<plan>`, `milestone:<id>`, `value:new`, `value:<id>`. */
export function draftFor(drafts: readonly PlanDraft[], target: string): PlanDraft | null {
  return drafts.find((d) => draftTarget(d) === target) ?? null;
}

export function draftTarget(d: PlanDraft): string {
  const f = d.form;
  if (f.form === 'plan') return f.id === null ? 'plan:new' : `plan:${f.id}`;
  if (f.form === 'value') return f.id === null ? 'value:new' : `value:${f.id}`;
  return f.id === null ? `milestone:new:${f.plan_id}` : `milestone:${f.id}`;
}
