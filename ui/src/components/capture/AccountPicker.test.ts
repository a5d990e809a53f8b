// @vitest-environment jsdom
import { stubDialogs } from '../../test/dialog';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { PortfolioRow } from '../../lib/bindings';
import AccountPicker from './AccountPicker.svelte';

beforeAll(stubDialogs);

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

const row = (id: number, name: string) => ({ id, name, segment: 'SMB', owner: 'Dana' }) as PortfolioRow;

describe('AccountPicker', () => {
  it('finds an account by typing and opens it with the keyboard', async () => {
    const onpick = vi.fn();
    const target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(AccountPicker, { target, props: { open: true, rows: [row(1, 'Northwind Labs'), row(2, 'Beacon'), row(3, 'Nordic Rail')], onpick } });
    flushSync();
    const input = target.querySelector<HTMLInputElement>('[data-testid="picker-search"]')!;
    input.value = 'nor';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    flushSync();
    const names = [...target.querySelectorAll('[role="option"] .name')].map((n) => n.textContent);
    expect(names).toEqual(['Nordic Rail', 'Northwind Labs']);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    flushSync();
    expect(onpick).toHaveBeenCalledTimes(1);
    expect(onpick.mock.calls[0]![0].id).toBe(1);
  });
});
