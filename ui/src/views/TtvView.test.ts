// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { TtvCohort, TtvView } from '../lib/bindings';

const api = { ttv: vi.fn<() => Promise<TtvView>>() };
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return { ...real, ipc: { ...real.ipc, ttv: () => api.ttv() } };
});

import Ttv from './TtvView.svelte';

function cohort(quarter: string, over: Partial<TtvCohort> = {}): TtvCohort {
  return {
    quarter,
    accounts: 4,
    reached_first: 4,
    not_yet: 0,
    reached_full: 1,
    by_day: [
      { day: 30, observed: 4, reached: 1, share: 0.25 },
      { day: 60, observed: 4, reached: 3, share: 0.75 },
      { day: 90, observed: 0, reached: 0, share: null },
    ],
    median_first_days: 45,
    median_full_days: null,
    settled: true,
    target_days: null,
    cut: null,
    ...over,
  };
}

function view(over: Partial<TtvView> = {}): TtvView {
  return {
    as_of: '2026-12-03',
    cohorts: [cohort('2025 Q2', { median_first_days: 60 }), cohort('2026 Q2', { median_first_days: 42, target_days: 45, cut: 0.3 }), cohort('2026 Q4', { settled: false, not_yet: 2, reached_first: 2 })],
    reduction: 0.3,
    latest: '2026 Q2',
    baseline: '2025 Q2',
    target_cut: 0.25,
    late_after_days: 30,
    accounts: 14,
    without_start: 2,
    waiting: [
      { account_id: 7, account: 'Harbor <b>Education</b>', owner: 'Ana', arr: 42000, contract_start: '2026-10-30', days_since_start: 34, first_value_due: '2026-12-29', has_first_value_milestone: true, late: true },
      { account_id: 9, account: 'Rosewood', owner: '', arr: 9000, contract_start: '2026-11-20', days_since_start: 13, first_value_due: null, has_first_value_milestone: false, late: false },
    ],
    waiting_total: 2,
    late_total: 1,
    chart_svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    chart_svg_dark: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    ...over,
  };
}

let app: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
});

async function show(v: TtvView, onaccount = vi.fn(), onback = vi.fn()) {
  api.ttv.mockResolvedValue(v);
  app = mount(Ttv, { target: document.body, props: { onaccount, onback } });
  await tick();
  await Promise.resolve();
  flushSync();
  return { onaccount, onback };
}

describe('the time-to-value view', () => {
  it('leads with the cut against its target and lists the cohorts newest first', async () => {
    await show(view());
    expect(document.querySelector('[data-testid="ttv-cut"] .n')?.textContent).toBe('−30\u00a0%');
    expect(document.querySelector('[data-testid="ttv-cut"]')?.classList.contains('good')).toBe(true);
    const quarters = [...document.querySelectorAll('[data-testid^="cohort-"] .name')].map((e) => e.textContent);
    expect(quarters).toEqual(['2026 Q4', '2026 Q2', '2025 Q2']);
    const young = document.querySelector('[data-testid="cohort-2026 Q4"]')!;
    expect(young.textContent).toContain('Still settling');
    // By day 90 nobody was observed: a dash, not 0 %.
    expect(young.querySelectorAll('td')[4]?.textContent).toContain('—');
    expect(document.querySelector('[data-testid="ttv-chart"]')).not.toBeNull();
    expect(document.body.textContent).toContain('2 of 14 accounts have no contract start');
  });

  it('shows a waiting account name as text, marks it late, and opens it from the keyboard', async () => {
    const { onaccount, onback } = await show(view());
    const late = document.querySelector('[data-testid="waiting-7"]')!;
    expect(late.querySelector('b')).toBeNull();
    expect(late.textContent).toContain('Harbor <b>Education</b>');
    expect(late.querySelector('.pill.bad')?.textContent).toBe('Late');
    expect(document.querySelector('[data-testid="waiting-9"]')?.textContent).toContain('No first-value milestone in the plan');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    flushSync();
    document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onaccount).toHaveBeenCalledWith(9);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(onback).toHaveBeenCalled();
  });

  it('says in words when there is nothing to chart or nobody waiting', async () => {
    await show(view({ cohorts: [], reduction: null, latest: null, baseline: null, waiting: [], waiting_total: 0, late_total: 0, chart_svg: null, chart_svg_dark: null, without_start: 0 }));
    expect(document.querySelector('[data-testid="ttv-chart"]')).toBeNull();
    expect(document.body.textContent).toContain('no median to chart');
    expect(document.body.textContent).toContain('Every account on the books has reached first value.');
    expect(document.querySelector('[data-testid="ttv-headline"]')?.textContent).toContain('No cut to report yet');
  });
});
