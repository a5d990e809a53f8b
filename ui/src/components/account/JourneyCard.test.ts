// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { AccountJourney } from '../../lib/bindings';

const api = { setHandoffItem: vi.fn<(id: number, done: boolean) => Promise<AccountJourney>>() };
const shown: unknown[] = [];
vi.mock('../../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/ipc')>();
  return { ...real, ipc: { ...real.ipc, setHandoffItem: (id: number, done: boolean) => api.setHandoffItem(id, done) } };
});
vi.mock('../../lib/app/errors.svelte', () => ({ banner: { show: (e: unknown) => shown.push(e) } }));

import Card from './JourneyCard.svelte';

function journey(done: string | null): AccountJourney {
  return {
    stays: [
      { stage: 'onboarding', from: '2026-01-01', to: '2026-04-01', days: 90, expected_days: null, stalled: false },
      { stage: 'adoption', from: '2026-04-01', to: null, days: 246, expected_days: 120, stalled: true },
    ],
    handoffs: [
      { id: 1, account_id: 3, account: 'A', name: 'CS → support', from: 'onboarding', to: 'adoption', started_on: '2026-04-01', due_on: '2026-04-15', overdue: done === null, items: [
        { id: 7, text: 'Client admins shown how to open tickets', team: 'support', done_on: done },
      ] },
    ],
  };
}

let app: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
  shown.length = 0;
});

async function settle() {
  for (let i = 0; i < 3; i++) {
    await tick();
    await Promise.resolve();
  }
  flushSync();
}

describe('the account journey card', () => {
  it('shows the stays with the stall, and ticks an item off', async () => {
    api.setHandoffItem.mockResolvedValue(journey('2026-12-03'));
    app = mount(Card, { target: document.body, props: { journey: journey(null) } });
    await settle();
    const card = document.querySelector('[data-testid="journey-card"]')!;
    expect(card.querySelector('.card-title')?.textContent).toContain('Adoption for 246 days · stalled');
    expect(card.querySelector('.card-title')?.textContent).toContain('Journey');
    expect(card.querySelectorAll('.seg').length).toBe(2);
    expect(card.querySelector('.seg.stalled')).not.toBeNull();
    expect(card.textContent).toContain('Over 120 d');
    expect(card.querySelector('[data-testid="handoff-1"]')?.textContent).toContain('Overdue');
    const box = card.querySelector<HTMLInputElement>('[data-testid="handoff-item-7"]')!;
    box.click();
    await settle();
    expect(api.setHandoffItem).toHaveBeenCalledWith(7, true);
    expect(card.querySelector('[data-testid="handoff-1"]')?.textContent).toContain('Done');
    expect(card.querySelector<HTMLInputElement>('[data-testid="handoff-item-7"]')?.checked).toBe(true);
  });

  it('says why a tick failed and leaves the box as it was', async () => {
    api.setHandoffItem.mockRejectedValue({ code: 'storage', message: 'The store is locked.' });
    app = mount(Card, { target: document.body, props: { journey: journey(null) } });
    await settle();
    const box = document.querySelector<HTMLInputElement>('[data-testid="handoff-item-7"]')!;
    box.click();
    await settle();
    expect(shown).toHaveLength(1);
    expect(document.querySelector<HTMLInputElement>('[data-testid="handoff-item-7"]')?.checked).toBe(false);
  });
});
