// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { AdoptionBook } from '../lib/bindings';

const api = { adoption: vi.fn<() => Promise<AdoptionBook>>() };
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return { ...real, ipc: { ...real.ipc, adoption: () => api.adoption() } };
});

import Adoption from './AdoptionView.svelte';

const bucket = (label: string, accounts: number, arr = 0) => ({ label, accounts, arr });

function book(over: Partial<AdoptionBook> = {}): AdoptionBook {
  return {
    as_of: '2026-12-02',
    utilisation: [bucket('Under 40 %', 2, 70000), bucket('40–60 %', 1), bucket('60–80 %', 0), bucket('80–100 %', 3), bucket('Over 100 %', 1)],
    breadth: [bucket('0 of 2', 1), bucket('1 of 2', 4), bucket('2 of 2', 2)],
    known_features: 2,
    rows: [
      { account_id: 3, name: 'Quarry <script>x</script>', owner: 'Ana', arr: 50000, seats_purchased: 100, utilisation: 0.22, utilisation_90_days_ago: 0.41, breadth: 0 },
      { account_id: 5, name: 'Pinecrest', owner: '', arr: 20000, seats_purchased: 10, utilisation: 0.9, utilisation_90_days_ago: null, breadth: 2 },
    ],
    without_usage: 4,
    median_utilisation: 0.58,
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

async function show(v: AdoptionBook, onaccount = vi.fn(), onback = vi.fn()) {
  api.adoption.mockResolvedValue(v);
  app = mount(Adoption, { target: document.body, props: { onaccount, onback } });
  for (let i = 0; i < 3; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
  return { onaccount, onback };
}

describe('the adoption view', () => {
  it('leads with the median, the low band and the room to expand, and lists the lowest first', async () => {
    const { onaccount } = await show(book());
    expect(document.querySelector('[data-testid="adoption-median"] .n')?.textContent).toBe('58\u00a0%');
    expect(document.querySelector('[data-testid="adoption-low"]')?.textContent).toContain('2');
    expect(document.querySelector('[data-testid="adoption-low"]')?.textContent).toContain('$70k');
    expect(document.body.textContent).toContain('Using 80 % of seats or more');
    const row = document.querySelector('[data-testid="adoption-3"]')!;
    expect(row.querySelector('script')).toBeNull();
    expect(row.textContent).toContain('Quarry <script>x</script>');
    // 22 % now, 41 % 90 days ago: 19 points down.
    expect(row.textContent).toContain('−19 pts');
    expect(row.textContent).toContain('0 of 2');
    expect(document.querySelector('[data-testid="adoption-breadth"]')?.textContent).toContain('1 of 2');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    flushSync();
    document.activeElement?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    expect(onaccount).toHaveBeenCalledWith(3);
  });

  it('says where usage comes from when there is none', async () => {
    await show(book({ as_of: null, rows: [], median_utilisation: null, chart_svg: null, chart_svg_dark: null }));
    expect(document.querySelector('[data-testid="adoption-none"]')?.textContent).toContain('Import usage CSV');
  });
});
