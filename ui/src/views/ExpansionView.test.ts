// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import { stubDialogs } from '../test/dialog';
import type { ExpansionView, HandedOff, Opportunity, PriceBook, PriceBookSaved } from '../lib/bindings';

const api = {
  expansion: vi.fn<() => Promise<ExpansionView>>(),
  handOff: vi.fn<(id: number) => Promise<HandedOff>>(),
  savePriceBook: vi.fn<(b: PriceBook) => Promise<PriceBookSaved>>(),
};
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return { ...real, ipc: { ...real.ipc, expansion: () => api.expansion(), handOff: (id: number) => api.handOff(id), savePriceBook: (b: PriceBook) => api.savePriceBook(b) } };
});

import Expansion from './ExpansionView.svelte';

function opp(id: number, over: Partial<Opportunity> = {}): Opportunity {
  return {
    account_id: id,
    account: `Account <i>${id}</i>`,
    owner: 'Ana',
    tier: 'Professional',
    seats: 100,
    arr: 42000,
    currency: 'USD',
    utilisation: 0.95,
    kind: 'seats',
    seats_to_add: 19,
    to_tier: null,
    seat_price: 420,
    price_from_book: true,
    estimated_value: 7980,
    signals: [{ kind: 'seats_near_full', text: '95 of 100 seats in use (95 %).', on: '2026-11-30' }],
    summary: '19 more seats at 420 USD a seat: about 7,980 USD a year.',
    state: { state: 'open' },
    ...over,
  };
}

function view(opportunities: Opportunity[]): ExpansionView {
  return {
    as_of: '2026-12-03',
    opportunities,
    price_book: { currency: 'USD', tiers: [{ tier: 'Starter', seat_price: 240, rank: 0 }, { tier: 'Professional', seat_price: 420, rank: 1 }], estimated: true },
    open_value: opportunities.filter((o) => o.state.state === 'open').reduce((s, o) => s + o.estimated_value, 0),
    handed: 0,
    won_value: 0,
    unpriced_tiers: ['Legacy'],
  };
}

let app: ReturnType<typeof mount> | undefined;
beforeAll(stubDialogs);
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

async function show(v: ExpansionView): Promise<void> {
  api.expansion.mockResolvedValue(v);
  app = mount(Expansion, { target: document.body, props: { onaccount: vi.fn(), onback: vi.fn() } });
  await settle();
}

describe('the expansion view', () => {
  it('ranks open opportunities with their evidence, as text, and says which tiers have no price', async () => {
    await show(view([opp(1), opp(2, { estimated_value: 4800, state: { state: 'handed', handoff: { id: 1, kind: 'seats', seats: 8, estimated_value: 4800, handed_on: '2026-11-20', handed_by: 'sam', task_id: 4 } } })]));
    const rows = [...document.querySelectorAll('[data-testid^="opp-"]')];
    expect(rows.map((r) => r.getAttribute('data-testid'))).toEqual(['opp-1']);
    expect(rows[0]!.querySelector('i')).toBeNull();
    expect(rows[0]!.textContent).toContain('Account <i>1</i>');
    expect(rows[0]!.textContent).toContain('95 of 100 seats in use');
    expect(rows[0]!.textContent).toContain('$7,980');
    expect(document.querySelector('[data-testid="estimated-prices"]')).not.toBeNull();
    expect(document.body.textContent).toContain('No price for the Legacy tier');
    // The handed one is under "With sales".
    [...document.querySelectorAll<HTMLButtonElement>('.filters button')].find((b) => b.textContent?.startsWith('With sales'))!.click();
    flushSync();
    expect(document.querySelector('[data-testid="state-2"]')?.textContent).toBe('With sales since 20 Nov 2026');
  });

  it('hands the focused opportunity to sales with h and shows what happened', async () => {
    await show(view([opp(1)]));
    const handed = view([opp(1, { state: { state: 'handed', handoff: { id: 7, kind: 'seats', seats: 19, estimated_value: 7980, handed_on: '2026-12-03', handed_by: 'sam', task_id: 9 } } })]);
    api.handOff.mockResolvedValue({ task_id: 9, outbox_id: 3, message: 'Handed to sales: a task for Account 1 is on its way to the CRM.', view: handed });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
    flushSync();
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: 'h', bubbles: true }));
    await settle();
    expect(api.handOff).toHaveBeenCalledWith(1);
    expect(document.body.textContent).toContain('on its way to the CRM');
    expect(document.querySelector('[data-testid="exp-open"] .n')?.textContent).toBe('0');
  });

  it('keeps the typed prices and shows the error at its row when the price book is refused', async () => {
    await show(view([opp(1)]));
    api.savePriceBook.mockResolvedValue({ errors: [{ field: 'tiers.1.seat_price', message: 'Enter the price of a seat for a year, more than zero.' }], view: null });
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'p' }));
    flushSync();
    const price = document.querySelector<HTMLInputElement>('[data-testid="price-1"]')!;
    price.value = '0';
    price.dispatchEvent(new Event('input', { bubbles: true }));
    flushSync();
    document.querySelector<HTMLButtonElement>('[data-testid="price-save"]')!.click();
    await settle();
    expect(api.savePriceBook.mock.calls[0]![0].tiers[1]).toEqual({ tier: 'Professional', seat_price: 0, rank: 1 });
    expect(price.getAttribute('aria-invalid')).toBe('true');
    expect(price.parentElement!.textContent).toContain('more than zero');
    expect(document.querySelector<HTMLInputElement>('[data-testid="price-1"]')!.value).toBe('0');
  });
});
