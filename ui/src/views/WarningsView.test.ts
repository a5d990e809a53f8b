// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import { stubDialogs } from '../test/dialog';
import type { AlertAction, AlertQuery, AlertView, RulesView, RuleSet, RunStarted, WarningsView as Warnings } from '../lib/bindings';

const api = {
  warnings: vi.fn<(q: AlertQuery) => Promise<Warnings>>(),
  actOnWarnings: vi.fn<(ids: number[], a: AlertAction) => Promise<number>>(),
  markWarningsSeen: vi.fn<(ids: number[]) => Promise<void>>(),
  rules: vi.fn<() => Promise<RulesView>>(),
  saveRules: vi.fn<(s: RuleSet) => Promise<RulesView>>(),
  startPlaybook: vi.fn<(account: number, key: string, alert: number | null) => Promise<RunStarted>>(),
};
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      warnings: (q: AlertQuery) => api.warnings(q),
      actOnWarnings: (ids: number[], a: AlertAction) => api.actOnWarnings(ids, a),
      markWarningsSeen: (ids: number[]) => api.markWarningsSeen(ids),
      rules: () => api.rules(),
      saveRules: (s: RuleSet) => api.saveRules(s),
      startPlaybook: (account: number, key: string, alert: number | null) => api.startPlaybook(account, key, alert),
      notifications: () => Promise.resolve(true),
      setNotifications: () => Promise.resolve(),
    },
  };
});

import WarningsView from './WarningsView.svelte';
import { alert as base } from '../test/alerts';
import { warnings } from '../lib/warnings/state.svelte';
import { NO_FILTERS } from '../lib/warnings/derive';

function alert(id: number, over: Partial<AlertView>): AlertView {
  return base({ id, account_id: id * 10, account_name: `Account ${id}`, summary: `Summary ${id}`, ...over });
}

// As the Rust side sends them: open first, most severe, then ARR.
const ALERTS = [
  alert(1, { severity: 'critical', arr: 90_000, account_name: '<img src=x onerror=alert(1)> Ltd', rule: 'relationship_left', rule_label: 'Champion or sponsor left', summary: 'Champion Ana Ruiz left on 14 Nov 2026.', evidence: [{ label: 'Champion left', value: 'Ana Ruiz', on: '2026-11-14' }] }),
  alert(2, { severity: 'warning', arr: 50_000, segment: 'Enterprise', owner: 'Bo' }),
  alert(3, { severity: 'info', arr: 70_000, rule: 'seat_utilisation', rule_label: 'Seats unused', seen: true }),
];

function view(alerts: AlertView[], matching = alerts.length): Warnings {
  return {
    alerts,
    totals: { matching, open_arr: alerts.filter((a) => a.state === 'open').reduce((s, a) => s + a.arr, 0) },
    counts: { critical: 1, warning: 1, info: 1, snoozed: 2, unseen: 2 },
    evaluated_on: '2026-11-24',
    rules_version: 3,
    facets: {
      rules: [
        { id: 'relationship_left', label: 'Champion or sponsor left' },
        { id: 'no_touch', label: 'Gone quiet' },
      ],
      segments: ['Enterprise', 'SMB'],
      owners: ['Ana', 'Bo'],
    },
  };
}

const FIRST: AlertQuery = { all: false, severity: null, rule: null, segment: null, owner: null, limit: 200 };

let app: ReturnType<typeof mount> | null = null;
beforeAll(() => stubDialogs());
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  vi.clearAllMocks();
  warnings.filters = { ...NO_FILTERS };
  warnings.checked = new Set();
  warnings.cursor = null;
  warnings.all = false;
});

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await tick();
  flushSync();
}

async function render(onaccount = vi.fn()): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(WarningsView, { target, props: { onback: vi.fn(), onaccount, ontasks: vi.fn() } });
  await settle();
  return target;
}

const ids = (t: HTMLElement): string[] => [...t.querySelectorAll('[data-testid="alert"]')].map((e) => e.getAttribute('data-id')!);

function key(k: string): void {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
}

describe('WarningsView', () => {
  it('lists the open warnings with their sentence, evidence and counts, and marks the unseen ones seen', async () => {
    api.warnings.mockResolvedValue(view(ALERTS));
    api.markWarningsSeen.mockResolvedValue();
    const t = await render();
    expect(ids(t)).toEqual(['1', '2', '3']);
    const first = t.querySelector('[data-testid="alert"]')!;
    // CRM text is data: the hostile name shows as characters, never as an element.
    expect(first.querySelector('img')).toBeNull();
    expect(first.querySelector('[data-testid="alert-account"]')!.textContent).toBe('<img src=x onerror=alert(1)> Ltd');
    expect(first.textContent).toContain('Champion Ana Ruiz left on 14 Nov 2026.');
    expect(first.textContent).toContain('Champion left: Ana Ruiz · 14 Nov 2026');
    expect(t.querySelector('[data-testid="count-critical"]')!.textContent).toContain('1');
    expect(t.querySelector('[data-testid="count-snoozed"]')!.textContent).toContain('2');
    expect(t.querySelector('[data-testid="warnings-fresh"]')!.textContent).toContain('Rules ran on 24 Nov 2026 · rules version 3');
    expect(api.markWarningsSeen).toHaveBeenCalledWith([1, 2]);
  });

  it('asks the Rust side for the first page of what the filters match, and shows what it says', async () => {
    api.warnings.mockResolvedValueOnce(view(ALERTS)).mockResolvedValueOnce(view([ALERTS[1]!])).mockResolvedValue(view([ALERTS[2]!]));
    api.markWarningsSeen.mockResolvedValue();
    const t = await render();
    expect(api.warnings).toHaveBeenLastCalledWith(FIRST);
    const seg = t.querySelector<HTMLSelectElement>('[data-testid="filter-segment"]')!;
    seg.value = 'Enterprise';
    seg.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(api.warnings).toHaveBeenLastCalledWith({ ...FIRST, segment: 'Enterprise' });
    expect(ids(t)).toEqual(['2']);
    seg.value = '';
    seg.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    (t.querySelector('[data-testid="count-info"]') as HTMLButtonElement).click();
    await settle();
    expect(api.warnings).toHaveBeenLastCalledWith({ ...FIRST, severity: 'info' });
    expect(ids(t)).toEqual(['3']);
  });

  it('draws a page at a time: the next one from the button or by walking past the last row', async () => {
    const page = (from: number, n: number): AlertView[] => Array.from({ length: n }, (_, i) => alert(from + i, { arr: 1000 - from - i }));
    api.warnings.mockResolvedValueOnce(view(page(1, 3), 5)).mockResolvedValue(view(page(1, 5), 5));
    api.markWarningsSeen.mockResolvedValue();
    const t = await render();
    expect(t.querySelector('[data-testid="show-more"]')!.textContent!.trim()).toBe('Show 2 more of 2');
    expect(t.textContent).toContain('3 of 5 shown');
    key('j');
    key('j');
    key('j');
    await settle();
    expect(api.warnings).toHaveBeenLastCalledWith({ ...FIRST, limit: 400 });
    expect(ids(t)).toEqual(['1', '2', '3', '4', '5']);
    expect(t.querySelector('[data-testid="show-more"]')).toBeNull();
  });

  it('resolves the ticked warnings in one call, and the one under the cursor from the keyboard', async () => {
    api.warnings.mockResolvedValue(view(ALERTS));
    api.markWarningsSeen.mockResolvedValue();
    api.actOnWarnings.mockResolvedValue(2);
    const onaccount = vi.fn();
    const t = await render(onaccount);
    const checks = t.querySelectorAll<HTMLInputElement>('[data-testid="alert-check"]');
    checks[0]!.click();
    checks[2]!.click();
    await settle();
    (t.querySelector('[data-testid="resolve"]') as HTMLButtonElement).click();
    await settle();
    expect(api.actOnWarnings).toHaveBeenCalledWith([1, 3], { action: 'resolve' });
    expect(api.warnings).toHaveBeenCalledTimes(2);

    key('j');
    key('j');
    await settle();
    expect(t.querySelector('[aria-current="true"]')!.getAttribute('data-id')).toBe('2');
    key('c');
    await settle();
    expect(api.actOnWarnings).toHaveBeenLastCalledWith([2], { action: 'snooze_until_change' });
    key('Enter');
    expect(onaccount).toHaveBeenCalledWith(20);
  });

  it('keeps the list and says why when an action is refused', async () => {
    api.warnings.mockResolvedValue(view(ALERTS));
    api.markWarningsSeen.mockResolvedValue();
    api.actOnWarnings.mockRejectedValue({ code: 'not_found', message: 'No early warning with id 2.' });
    const { banner } = await import('../lib/app/errors.svelte');
    const t = await render();
    t.querySelectorAll<HTMLInputElement>('[data-testid="alert-check"]')[1]!.click();
    await settle();
    (t.querySelector('[data-testid="snooze-week"]') as HTMLButtonElement).click();
    await settle();
    expect(banner.error?.message).toBe('No early warning with id 2.');
    expect(ids(t)).toEqual(['1', '2', '3']);
    expect(warnings.checked.has(2)).toBe(true);
  });

  it('starts the playbook a warning suggests, from its button or with p, and then shows it running', async () => {
    const hinted = alert(4, {
      severity: 'critical',
      arr: 99_000,
      rule: 'renewal_at_risk',
      rule_label: 'Renewal at risk',
      playbook: { key: 'renewal_at_risk', name: 'Renewal at risk', run_id: null, closed: 0, steps: 5 },
    });
    const running = { ...hinted, playbook: { ...hinted.playbook!, run_id: 12, closed: 1 } };
    api.warnings.mockResolvedValueOnce(view([hinted, ...ALERTS])).mockResolvedValue(view([running, ...ALERTS]));
    api.markWarningsSeen.mockResolvedValue();
    api.startPlaybook.mockResolvedValue({
      started: true,
      run: {
        id: 12, account_id: 40, account_name: 'Account 4', playbook_key: 'renewal_at_risk', playbook: 'Renewal at risk', version: 1,
        alert_id: 4, alert_summary: null, started_at: '2026-11-24T10:00:00.000Z', started_by: 'dana', status: 'active', closed_at: null, outcome: null,
        tasks: [],
      },
    });
    const t = await render();
    const first = t.querySelector('[data-testid="alert"]')!;
    expect(first.querySelector('[data-testid="start-suggested"]')!.textContent!.trim()).toBe('Start “Renewal at risk”');
    // Only a warning whose rule suggests a playbook offers one.
    expect(t.querySelectorAll('[data-testid="start-suggested"]').length).toBe(1);
    key('j');
    key('p');
    await settle();
    expect(api.startPlaybook).toHaveBeenCalledWith(40, 'renewal_at_risk', 4);
    expect(t.querySelector('[data-testid="playbook-started"]')!.textContent).toContain('Started “Renewal at risk” for Account 4');
    expect(t.querySelector('[data-testid="playbook-running"]')!.textContent!.trim()).toBe('“Renewal at risk” running · 1 of 5 steps done');
  });
});
