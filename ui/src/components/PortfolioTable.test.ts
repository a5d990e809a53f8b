// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import PortfolioTable, { OVERSCAN, ROW_HEIGHT } from './PortfolioTable.svelte';
import { row } from '../test/rows';
import type { PortfolioRow } from '../lib/bindings';

const XSS = '<img src=x onerror=alert(1)>';
let app: ReturnType<typeof mount> | null = null;

function render(rows: PortfolioRow[], props: Record<string, unknown> = {}) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const onsort = vi.fn();
  const onopen = vi.fn();
  app = mount(PortfolioTable, { target, props: { rows, sort: { key: 'name', dir: 'asc' }, onsort, onopen, ...props } });
  flushSync();
  return { target, onsort, onopen };
}

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

describe('PortfolioTable', () => {
  it('shows CRM text as text: an HTML-looking name creates no element', () => {
    const alert = vi.fn();
    window.alert = alert;
    const { target } = render([row({ id: 7, name: XSS, score: 80, band: 'green', trend: [70, 75, 80] }), row({ id: 8, name: 'Globex' })]);
    const first = target.querySelector('[data-testid="portfolio-row"][data-account-id="7"]');
    expect(first?.textContent).toContain(XSS);
    expect(target.querySelector('img')).toBeNull();
    expect(target.querySelectorAll('[data-testid="portfolio-row"]').length).toBe(2);
    expect(alert).not.toHaveBeenCalled();
  });

  it('renders only the visible window of 10,000 rows', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row({ id: i + 1, name: `Account ${i + 1}` }));
    const { target } = render(rows);
    // jsdom has no layout: the table assumes a 600 px body until measured.
    const expected = Math.ceil(600 / ROW_HEIGHT) + OVERSCAN;
    expect(target.querySelectorAll('[data-testid="portfolio-row"]').length).toBe(expected);
    const body = target.querySelector<HTMLElement>('[role="rowgroup"]:last-child');
    expect(body?.style.height).toBe(`${10_000 * ROW_HEIGHT}px`);
  });

  it('sorts from header buttons and reports aria-sort', () => {
    const { target, onsort } = render([row({ id: 1, name: 'A' })], { sort: { key: 'score', dir: 'desc' } });
    const button = target.querySelector<HTMLButtonElement>('[data-testid="sort-health"]');
    expect(button?.closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('descending');
    expect(target.querySelector('[data-testid="sort-name"]')?.closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('none');
    button?.click();
    expect(onsort).toHaveBeenCalledWith('score');
  });

  it('opens an account when its row is clicked, and marks the selection', () => {
    const { target, onopen } = render([row({ id: 1, name: 'A' }), row({ id: 2, name: 'B' })], { selectedId: 2 });
    const second = target.querySelector<HTMLElement>('[data-account-id="2"]');
    expect(second?.getAttribute('aria-selected')).toBe('true');
    second?.click();
    expect(onopen).toHaveBeenCalledWith(2);
  });
});
