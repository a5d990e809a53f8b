// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import { stubDialogs } from '../../test/dialog';
import type { MilestoneAction, MilestoneForm, MilestoneView, PlanDraftForm, PlanSaved, SuccessView, ValueEntryView, ValueLedger } from '../../lib/bindings';
import type { ValueEntryForm } from '../../lib/bindings';

const api = {
  success: vi.fn<(id: number) => Promise<SuccessView>>(),
  saveMilestone: vi.fn<(f: MilestoneForm) => Promise<PlanSaved>>(),
  actOnMilestone: vi.fn<(id: number, a: MilestoneAction) => Promise<PlanSaved>>(),
  savePlanDraft: vi.fn<(f: PlanDraftForm) => Promise<void>>(),
  saveValueEntry: vi.fn<(f: ValueEntryForm) => Promise<PlanSaved>>(),
};
vi.mock('../../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      success: (id: number) => api.success(id),
      saveMilestone: (f: MilestoneForm) => api.saveMilestone(f),
      actOnMilestone: (id: number, a: MilestoneAction) => api.actOnMilestone(id, a),
      savePlanDraft: (f: PlanDraftForm) => api.savePlanDraft(f),
      saveValueEntry: (f: ValueEntryForm) => api.saveValueEntry(f),
    },
  };
});

import SuccessPanel from './SuccessPanel.svelte';

const TODAY = '2026-11-24';

function ms(over: Partial<MilestoneView>): MilestoneView {
  return {
    id: 1,
    plan_id: 4,
    position: 0,
    name: 'Finance team live',
    kind: 'first_value',
    metric: 'Teams live',
    unit: 'teams',
    baseline: 0,
    current: 1,
    current_on: '2026-11-20',
    target: 4,
    start_on: '2026-10-15',
    due_on: '2027-01-23',
    achieved_on: null,
    owner: 'Dana Reyes',
    evidence: '',
    status: 'behind',
    progress_pct: 25,
    elapsed_pct: 40,
    days_late: 0,
    reason: '25 % of the way with 40 % of the time gone.',
    updated_at: null,
    ...over,
  };
}

function view(milestones: MilestoneView[]): SuccessView {
  return {
    account_id: 10,
    as_of: TODAY,
    plans: [{ id: 4, objective: 'Cut month-end close from 10 days to 4', created_on: '2026-10-15', milestones }],
    timeline_svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    timeline_svg_dark: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    thresholds: { behind_gap_pct: 15, stuck_gap_pct: 40, stuck_days: 30 },
    in_crm: true,
    drafts: [],
    ledger: { currency: 'USD', arr: 60000, entries: [], years: [], by_milestone: [], last_12m: 0, last_12m_confirmed: 0, roi_multiple: null, roi_confirmed: null, other_currencies: [], contacts: [{ id: 3, name: 'Dana Whitfield', title: 'CFO' }] },
  };
}

let target: HTMLElement;
let app: ReturnType<typeof mount> | null = null;

async function show(v: SuccessView): Promise<void> {
  api.success.mockResolvedValue(v);
  target = document.createElement('div');
  document.body.append(target);
  app = mount(SuccessPanel, { target, props: { accountId: 10, today: TODAY } });
  await tick();
  await Promise.resolve();
  flushSync();
}

const q = <T extends Element = HTMLElement>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (!el) throw new Error(`no ${sel}`);
  return el;
};

beforeAll(stubDialogs);
afterEach(() => {
  if (app) unmount(app);
  app = null;
  target?.remove();
  vi.clearAllMocks();
});

describe('SuccessPanel', () => {
  it('shows each milestone with its derived status, its measure in words and why', async () => {
    await show(
      view([
        ms({}),
        ms({ id: 2, position: 1, name: '<img src=x onerror=alert(1)> signed off', kind: 'onboarding', metric: '', baseline: null, current: null, target: null, current_on: null, status: 'stuck', days_late: 54, due_on: '2026-10-01', reason: '54 days past due (due 1 Oct 2026).' }),
      ]),
    );
    const first = q('[data-testid="milestone-1"]');
    expect(first.querySelector('[data-testid="ms-status"]')!.textContent).toBe('Behind');
    expect(first.textContent).toContain('Teams live: 0 → 1 of 4 teams');
    expect(first.textContent).toContain('measured 20 Nov 2026');
    expect(first.textContent).toContain('25 % of the way with 40 % of the time gone. · Owner: Dana Reyes');
    const second = q('[data-testid="milestone-2"]');
    expect(second.querySelector('[data-testid="ms-status"]')!.textContent).toBe('Stuck');
    expect(second.textContent).toContain('Due 1 Oct 2026 · 54 days late');
    // CRM text stays text.
    expect(second.querySelector('img')).toBeNull();
    expect(second.textContent).toContain('<img src=x onerror=alert(1)> signed off');
    expect(q('.card-title').textContent).toContain('2 milestones · 0 done · 1 behind · 1 stuck');
    expect(q<HTMLImageElement>('[data-testid="milestones-chart"]').src).toMatch(/^data:image\/svg\+xml/);
  });

  it('marks a milestone achieved from the keyboard with its day and evidence', async () => {
    await show(view([ms({})]));
    api.actOnMilestone.mockResolvedValue({ errors: [], view: view([ms({ status: 'done', achieved_on: '2026-11-22', reason: 'Achieved on 22 Nov 2026.' })]), outbox: null });
    const row = q('[data-testid="milestone-1"]');
    row.focus();
    row.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true }));
    flushSync();
    const on = q<HTMLInputElement>('[data-testid="achieve-on"]');
    expect(on.value).toBe(TODAY);
    on.value = '2026-11-22';
    on.dispatchEvent(new Event('input', { bubbles: true }));
    const ev = q<HTMLInputElement>('[data-testid="achieve-evidence"]');
    ev.value = 'Closed November in the app';
    ev.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    q<HTMLButtonElement>('[data-testid="achieve-save"]').click();
    await tick();
    await Promise.resolve();
    flushSync();
    expect(api.actOnMilestone).toHaveBeenCalledWith(1, { action: 'achieve', on: '2026-11-22', evidence: 'Closed November in the app', tell_crm: false });
    expect(q('[data-testid="milestone-1"] [data-testid="ms-status"]').textContent).toBe('Done');
  });

  it('Alt+↓ moves a milestone down its plan', async () => {
    await show(view([ms({}), ms({ id: 2, position: 1, name: 'Second' })]));
    api.actOnMilestone.mockResolvedValue({ errors: [], view: view([ms({ id: 2, position: 0, name: 'Second' }), ms({ position: 1 })]), outbox: null });
    q('[data-testid="milestone-1"]').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', altKey: true, bubbles: true }));
    await tick();
    expect(api.actOnMilestone).toHaveBeenCalledWith(1, { action: 'move', by: 1 });
  });

  it('shows field errors next to their fields, keeps what was typed as a draft, and saves nothing', async () => {
    await show(view([ms({})]));
    api.saveMilestone.mockResolvedValue({ errors: [{ field: 'due_on', message: 'Pick the day it is due.' }], view: null, outbox: null });
    api.savePlanDraft.mockResolvedValue();
    q<HTMLButtonElement>('[data-testid="add-milestone-4"]').click();
    flushSync();
    const name = q<HTMLInputElement>('[data-testid="ms-name"]');
    name.value = 'EMEA live';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    q<HTMLButtonElement>('[data-testid="ms-save"]').click();
    await tick();
    await Promise.resolve();
    await Promise.resolve();
    flushSync();
    expect(api.saveMilestone.mock.calls[0]![0]).toMatchObject({ name: 'EMEA live', plan_id: 4, id: null, due_on: null });
    const due = q<HTMLInputElement>('[data-testid="ms-due"]');
    expect(due.getAttribute('aria-invalid')).toBe('true');
    expect(due.parentElement!.textContent).toContain('Pick the day it is due.');
    expect(q<HTMLInputElement>('[data-testid="ms-name"]').value).toBe('EMEA live');
    expect(api.savePlanDraft).toHaveBeenCalledWith(expect.objectContaining({ form: 'milestone', name: 'EMEA live' }));
  });

  it('shows the value ledger: the last 12 months against ARR, per year, by milestone, with evidence as text', async () => {
    const e: ValueEntryView = { id: 8, category: 'time_saved', description: 'Close <b>two days</b> faster', amount: 15000, currency: 'USD', measured_how: '4 analysts × 2 days', evidence: 'CFO email', evidence_url: 'https://example.com/x', usage: { metric: 'active_users', value: 140, on: '2026-11-20' }, recorded_on: '2026-11-21', milestone_id: 1, milestone: 'Finance team live', confirmed_by: 3, confirmed_by_name: 'Dana Whitfield', confirmation: 'confirmed', counted: true };
    const ledger: ValueLedger = { currency: 'USD', arr: 60000, entries: [e, { ...e, id: 9, amount: 3000, currency: 'EUR', counted: false, confirmation: 'requested', confirmed_by: null, confirmed_by_name: null, milestone: null, milestone_id: null, usage: null, description: 'EU team' }], years: [{ year: 2026, total: 15000, confirmed: 15000, entries: 1 }], by_milestone: [{ milestone_id: 1, name: 'Finance team live', total: 15000 }], last_12m: 15000, last_12m_confirmed: 15000, roi_multiple: 0.25, roi_confirmed: 0.25, other_currencies: [{ currency: 'EUR', total: 3000, entries: 1 }], contacts: [] };
    await show({ ...view([ms({})]), ledger });
    expect(q('[data-testid="value-12m"]').textContent).toContain('$15,000');
    expect(q('[data-testid="value-12m"]').textContent).toContain('100\u00a0% confirmed');
    expect(q('[data-testid="value-roi"]').textContent).toContain('0.3× ARR');
    expect(q('[data-testid="value-roi"]').textContent).toContain('$60,000 ARR');
    const row = q('[data-testid="value-8"]');
    expect(row.querySelector('b')).toBeNull();
    expect(row.textContent).toContain('Close <b>two days</b> faster');
    expect(row.textContent).toContain('Confirmed by Dana Whitfield');
    expect(row.textContent).toContain('Active users: 140 on 20 Nov 2026');
    expect(q('[data-testid="value-9"]').textContent).toContain('3,000 EUR');
    expect(q('[data-testid="value-ledger"]').textContent).toContain('Also 3,000 EUR in 1 entry, not in the totals');
    expect(q('[data-testid="value-ledger"]').textContent).toContain('Produced by: Finance team live $15,000');
  });

  it('records value with its milestone and keeps the form and its errors when the Rust side refuses it', async () => {
    await show(view([ms({})]));
    api.saveValueEntry.mockResolvedValue({ errors: [{ field: 'confirmed_by', message: 'Say who at the client confirmed it.' }], view: null, outbox: null });
    api.savePlanDraft.mockResolvedValue();
    q<HTMLButtonElement>('[data-testid="add-value"]').click();
    flushSync();
    const desc = q<HTMLInputElement>('[data-testid="value-description"]');
    desc.value = 'Fewer order errors';
    desc.dispatchEvent(new Event('input', { bubbles: true }));
    const amount = q<HTMLInputElement>('[data-testid="value-amount"]');
    amount.value = '8000';
    amount.dispatchEvent(new Event('input', { bubbles: true }));
    const milestone = q<HTMLSelectElement>('[data-testid="value-milestone"]');
    milestone.value = '1';
    milestone.dispatchEvent(new Event('change', { bubbles: true }));
    const confirmation = q<HTMLSelectElement>('[data-testid="value-confirmation"]');
    confirmation.value = 'confirmed';
    confirmation.dispatchEvent(new Event('change', { bubbles: true }));
    flushSync();
    q<HTMLButtonElement>('[data-testid="value-save"]').click();
    await tick();
    await Promise.resolve();
    await Promise.resolve();
    flushSync();
    expect(api.saveValueEntry.mock.calls[0]![0]).toMatchObject({ account_id: 10, id: null, description: 'Fewer order errors', amount: 8000, currency: 'USD', milestone_id: 1, confirmation: 'confirmed', recorded_on: TODAY });
    const who = q<HTMLSelectElement>('[data-testid="value-confirmed-by"]');
    expect(who.getAttribute('aria-invalid')).toBe('true');
    expect(who.parentElement!.textContent).toContain('Say who at the client confirmed it.');
    expect(q<HTMLInputElement>('[data-testid="value-description"]').value).toBe('Fewer order errors');
    expect(api.savePlanDraft).toHaveBeenCalledWith(expect.objectContaining({ form: 'value', description: 'Fewer order errors' }));
  });
});
