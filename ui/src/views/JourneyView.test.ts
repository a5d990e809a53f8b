// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { JourneyView, StageSummary } from '../lib/bindings';

const api = { journey: vi.fn<(from: string | null, to: string | null) => Promise<JourneyView>>() };
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return { ...real, ipc: { ...real.ipc, journey: (from: string | null = null, to: string | null = null) => api.journey(from, to) } };
});

import Journey from './JourneyView.svelte';

function stage(over: Partial<StageSummary>): StageSummary {
  return { stage: 'value', now: 0, arr_now: 0, entered: 0, left: 0, median_days: null, expected_days: null, overran: 0, stalled_now: 0, stalled_arr: 0, after_stall: [], ...over };
}

const tally = (renewed: number, churned: number) => ({ renewed, churned, renewed_arr: renewed * 1000, churned_arr: churned * 50000 });

function view(over: Partial<JourneyView> = {}): JourneyView {
  return {
    from: '2025-12-03',
    to: '2026-12-03',
    expectations: { adoption_days: 120, expansion_days: 120, at_risk_days: 60 },
    stages: [
      stage({ stage: 'adoption', now: 5, entered: 8, left: 6, median_days: 96, expected_days: 120, overran: 4, stalled_now: 2, stalled_arr: 90000, after_stall: [{ stage: 'at_risk', accounts: 2 }] }),
      stage({ stage: 'value', now: 20, entered: 9, left: 3, median_days: 210 }),
      stage({ stage: 'at_risk', now: 3, entered: 5, left: 2, median_days: 41, expected_days: 60, overran: 1, stalled_now: 1 }),
      stage({ stage: 'expansion' }),
    ],
    flows: [
      { from: 'adoption', to: 'value', accounts: 6, arr: 300000 },
      { from: null, to: 'onboarding', accounts: 2, arr: 40000 },
    ],
    stalled: [
      { account_id: 4, name: 'Rosewood <img src=x onerror=alert(1)>', arr: 60000, stage: 'adoption', since: '2026-06-01', days: 185, expected_days: 120 },
      { account_id: 8, name: 'Tidewater', arr: 30000, stage: 'at_risk', since: '2026-09-01', days: 93, expected_days: 60 },
    ],
    renewals: { stalled: tally(1, 2), not_stalled: tally(9, 1) },
    handoffs: [
      { id: 1, account_id: 8, account: 'Tidewater', name: 'CS → renewal', from: 'value', to: 'renewal', started_on: '2026-10-01', due_on: '2026-10-31', overdue: true, items: [
        { id: 11, text: 'Renewal quote prepared', team: 'sales', done_on: null },
        { id: 12, text: 'Value summary shared', team: 'cs', done_on: '2026-10-10' },
      ] },
    ],
    as_of: '2026-12-02',
    mix: [],
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
  api.journey.mockReset();
});

async function settle() {
  for (let i = 0; i < 3; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

async function show(v: JourneyView, onaccount = vi.fn(), onback = vi.fn()) {
  api.journey.mockResolvedValue(v);
  app = mount(Journey, { target: document.body, props: { onaccount, onback } });
  await settle();
  return { onaccount, onback };
}

describe('the journey view', () => {
  it('names the friction point, the stall gap at renewal and the late handoffs', async () => {
    await show(view());
    // Adoption overran 4 of 8 (50 %), at risk 1 of 5 (one overrun is not a pattern).
    const f = document.querySelector('[data-testid="journey-friction"]')!.textContent!;
    expect(f).toContain('adoption');
    expect(f).toContain('4 of 8');
    expect(f).toContain('after a stall most went to at risk');
    expect(document.querySelector('[data-testid="stage-adoption"] .pill')?.textContent).toBe('Friction');
    // 1 of 3 renewed after a stall, 9 of 10 without: 57 points apart (33 % vs 90 %).
    expect(document.querySelector('[data-testid="journey-renewal-gap"] .n')?.textContent).toBe('−57 pts');
    expect(document.querySelector('[data-testid="journey-renewals"]')?.textContent).toContain('1 of 3 renewed');
    expect(document.querySelector('[data-testid="journey-overdue"] .n')?.textContent).toBe('1');
    const h = document.querySelector('[data-testid="handoff-1"]')!;
    expect(h.textContent).toContain('Overdue');
    expect(h.textContent).toContain('1 of 2');
    expect(h.textContent).toContain('Sales: Renewal quote prepared');
    expect(h.textContent).not.toContain('Value summary shared');
    // A stage with nothing in or out is left out of the table.
    expect(document.querySelector('[data-testid="stage-expansion"]')).toBeNull();
    expect(document.body.textContent).toContain('First seen');
  });

  it('keeps a hostile account name as text and opens stalled accounts from the keyboard', async () => {
    const { onaccount, onback } = await show(view());
    const row = document.querySelector('[data-testid="stalled-4"]')!;
    expect(row.querySelector('img')).toBeNull();
    expect(row.textContent).toContain('Rosewood <img src=x onerror=alert(1)>');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    flushSync();
    document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onaccount).toHaveBeenCalledWith(8);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(onback).toHaveBeenCalled();
  });

  it('asks for the chosen period, ending on the same day', async () => {
    await show(view());
    expect(api.journey).toHaveBeenLastCalledWith(null, null);
    window.dispatchEvent(new KeyboardEvent('keydown', { key: '1' }));
    await settle();
    expect(api.journey).toHaveBeenLastCalledWith('2026-09-03', '2026-12-03');
    expect(document.querySelector('[data-testid="period-3"]')?.getAttribute('aria-pressed')).toBe('true');
  });

  it('says in words when nothing stalled and no handoff is open', async () => {
    await show(view({ stalled: [], handoffs: [], chart_svg: null, chart_svg_dark: null, renewals: { stalled: tally(0, 0), not_stalled: tally(0, 0) } }));
    expect(document.body.textContent).toContain('No account is in a stage longer than it should take.');
    expect(document.body.textContent).toContain('Every handoff checklist is complete.');
    expect(document.body.textContent).toContain('No account has a stage history in this period yet.');
    expect(document.querySelector('[data-testid="journey-renewal-gap"] .n')?.textContent).toBe('—');
  });
});
