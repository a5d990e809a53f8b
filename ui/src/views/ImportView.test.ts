// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { ColumnMapping, ImportPreview, ImportProgress, ImportReport } from '../lib/bindings';

const api = {
  pickUsageFile: vi.fn<() => Promise<ImportPreview | null>>(),
  previewUsage: vi.fn<(m: ColumnMapping) => Promise<ImportPreview>>(),
  importUsage: vi.fn<(m: ColumnMapping, skip: boolean, on: (p: ImportProgress) => void) => Promise<ImportReport>>(),
};
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      pickUsageFile: () => api.pickUsageFile(),
      previewUsage: (m: ColumnMapping) => api.previewUsage(m),
      importUsage: (m: ColumnMapping, skip: boolean, on: (p: ImportProgress) => void) => api.importUsage(m, skip, on),
    },
  };
});

import ImportView from './ImportView.svelte';

function preview(over: Partial<ImportPreview> = {}): ImportPreview {
  return {
    file_name: 'usage.csv',
    headers: ['Account', 'Date', 'Active users', 'Seats used', 'Reports'],
    mapping: { roles: ['account', 'date', 'active_users', 'seats_used', 'feature'], account_key: 'auto' },
    mapping_errors: [],
    features: ['Reports'],
    sample: [{ line: 2, account_id: 4, account: 'Acme <b>Corp</b>', day: '2026-11-30', active_users: 40, seats_used: 45, features: [12] }],
    rows_total: 4,
    rows_ok: 2,
    issues: [
      { line: 3, message: '“Initech” matches no account.' },
      { line: 5, message: '“29/11/2026” is not a date (write it as YYYY-MM-DD).' },
    ],
    issues_total: 2,
    unmatched: 1,
    ambiguous: 0,
    accounts: 1,
    first_day: '2026-11-29',
    last_day: '2026-11-30',
    ...over,
  };
}

let app: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  vi.clearAllMocks();
});

async function settle(): Promise<void> {
  await tick();
  await Promise.resolve();
  await Promise.resolve();
  flushSync();
}

async function picked(p: ImportPreview): Promise<void> {
  api.pickUsageFile.mockResolvedValue(p);
  app = mount(ImportView, { target: document.body, props: { onback: vi.fn() } });
  flushSync();
  document.querySelector<HTMLButtonElement>('[data-testid="pick-file"]')!.click();
  await settle();
}

describe('the usage import screen', () => {
  it('shows the mapping, the first lines as text and every bad line by number, and imports nothing until the bad lines are skipped', async () => {
    await picked(preview());
    expect(document.querySelector<HTMLSelectElement>('[data-testid="role-4"]')!.value).toBe('feature');
    expect(document.querySelector('table[aria-label="First lines to import"] b')).toBeNull();
    expect(document.body.textContent).toContain('Acme <b>Corp</b>');
    const issues = document.querySelector('[data-testid="import-issues"]')!.textContent!;
    expect(issues).toContain('Line 3');
    expect(issues).toContain('Line 5');
    const go = document.querySelector<HTMLButtonElement>('[data-testid="run-import"]')!;
    expect(go.disabled).toBe(true);
    expect(document.body.textContent).toContain('imports nothing unless you skip them');

    api.importUsage.mockImplementation(async (_m, _s, on) => {
      on({ phase: 'writing', done: 1, total: 2 });
      return { file_name: 'usage.csv', rows_read: 4, rows_written: 2, rows_unchanged: 0, rows_skipped: 2, accounts: 1, features: ['Reports'], first_day: '2026-11-29', last_day: '2026-11-30', rescored: 1 };
    });
    const skip = document.querySelector<HTMLInputElement>('[data-testid="skip-bad"]')!;
    skip.click();
    flushSync();
    expect(go.disabled).toBe(false);
    go.click();
    await settle();
    expect(api.importUsage.mock.calls[0]![1]).toBe(true);
    expect(document.querySelector('[data-testid="import-report"]')!.textContent).toContain('2 days new or changed, 0 already as in the file, 2 bad lines left out');
  });

  it('asks again with the changed mapping and says what it still lacks', async () => {
    await picked(preview({ issues: [], issues_total: 0, unmatched: 0 }));
    api.previewUsage.mockResolvedValue(preview({ mapping: { roles: ['account', 'ignore', 'active_users', 'seats_used', 'feature'], account_key: 'auto' }, mapping_errors: ['Pick the column with the date.'], sample: [], issues: [], issues_total: 0 }));
    const role = document.querySelector<HTMLSelectElement>('[data-testid="role-1"]')!;
    role.value = 'ignore';
    role.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect(api.previewUsage.mock.calls[0]![0].roles[1]).toBe('ignore');
    expect(document.querySelector('[role="alert"]')!.textContent).toBe('Pick the column with the date.');
    expect(document.querySelector('[data-testid="run-import"]')).toBeNull();
  });
});
