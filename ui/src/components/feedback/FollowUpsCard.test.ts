// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { AcceptFollowUp, Accepted, FollowUpView } from '../../lib/bindings';

const proposal: FollowUpView = {
  response_id: 9,
  account_id: 3,
  account: 'Acme',
  owner: 'Maya',
  kind: 'nps',
  score: 2,
  verbatim: 'Support never replies',
  contact: 'Ana Lima',
  captured_at: '2026-11-30T10:00:00.000Z',
  state: 'proposed',
  title: 'Follow up with Ana Lima on their NPS of 2',
  due_on: '2026-12-02',
  escalation: 'none',
  reason: '',
  decided_at: null,
  tasks: [],
};

const accept = vi.fn<(a: AcceptFollowUp) => Promise<Accepted>>();
const dismiss = vi.fn<(id: number, reason: string) => Promise<void>>();
vi.mock('../../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      followups: () => Promise.resolve([proposal]),
      acceptFollowup: (a: AcceptFollowUp) => accept(a),
      dismissFollowup: (id: number, r: string) => dismiss(id, r),
    },
  };
});

import FollowUpsCard from './FollowUpsCard.svelte';
import { FollowUps } from '../../lib/feedback/followups.svelte';

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  accept.mockReset();
  dismiss.mockReset();
});

async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await tick();
  flushSync();
}

async function render(): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const followups = new FollowUps(null);
  await followups.load();
  app = mount(FollowUpsCard, { target, props: { followups, today: '2026-12-01' } });
  await settle();
  return target;
}

const q = <T extends HTMLElement = HTMLElement>(t: HTMLElement, id: string): T => t.querySelector<T>(`[data-testid="${id}"]`)!;

function type(el: HTMLInputElement, text: string): void {
  el.value = text;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('FollowUpsCard', () => {
  it('accepts as edited, and a refused field keeps what was typed with the reason beside it', async () => {
    const t = await render();
    expect(q(t, 'followups-proposed').textContent).toBe('1 to decide');
    q<HTMLButtonElement>(t, 'fu-open-accept').click();
    await settle();
    expect(q<HTMLInputElement>(t, 'fu-title').value).toBe('Follow up with Ana Lima on their NPS of 2');
    expect(q<HTMLInputElement>(t, 'fu-due').value).toBe('2026-12-02');
    type(q<HTMLInputElement>(t, 'fu-title'), 'Call Ana');
    const sel = q<HTMLSelectElement>(t, 'fu-escalate');
    sel.value = 'support';
    sel.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    type(q<HTMLInputElement>(t, 'fu-note'), 'Two tickets open');
    accept.mockResolvedValueOnce({ errors: [{ field: 'due_on', message: 'Pick today or a later day.' }], outbox: [] });
    q<HTMLButtonElement>(t, 'fu-accept').click();
    await settle();
    expect(accept).toHaveBeenCalledWith({ response_id: 9, title: 'Call Ana', due_on: '2026-12-02', escalation: 'support', note: 'Two tickets open' });
    expect(q(t, 'accept-form').textContent).toContain('Pick today or a later day.');
    expect(q<HTMLInputElement>(t, 'fu-title').value).toBe('Call Ana');
  });

  it('dismisses with a reason, and says when one is missing', async () => {
    const t = await render();
    q<HTMLButtonElement>(t, 'fu-open-dismiss').click();
    await settle();
    dismiss.mockRejectedValueOnce({ code: 'invalid_input', message: 'Say why this follow-up is not needed.' });
    q<HTMLButtonElement>(t, 'fu-dismiss').click();
    await settle();
    expect(q(t, 'dismiss-form').textContent).toContain('Say why this follow-up is not needed.');
    expect(dismiss).toHaveBeenCalledWith(9, '');
  });
});
