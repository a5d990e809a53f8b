// @vitest-environment jsdom
import { stubDialogs } from '../../test/dialog';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { CaptureForm, Captured } from '../../lib/bindings';

const saveDraft = vi.fn<(f: CaptureForm) => Promise<void>>(() => Promise.resolve());
const captureCall = vi.fn<(f: CaptureForm) => Promise<Captured>>();
vi.mock('../../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      captureContacts: () => Promise.resolve([{ id: 7, name: 'Ana Lima', email: 'ana@acme.io', crm_id: '501' }]),
      drafts: () => Promise.resolve([]),
      outbox: () => Promise.resolve([]),
      appStatus: () => Promise.reject({ code: 'internal', message: 'not in this test' }),
      saveDraft: (f: CaptureForm) => saveDraft(f),
      capture: (f: CaptureForm) => captureCall(f),
    },
  };
});

import CaptureDialog from './CaptureDialog.svelte';
import { capture } from '../../lib/capture/state.svelte';

beforeAll(stubDialogs);

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  saveDraft.mockClear();
  captureCall.mockReset();
  capture.open = false;
});

async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await tick();
  flushSync();
}

async function render(): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(CaptureDialog, { target });
  await capture.openFor(3, 'Acme Logistics', 'feedback', 'HubSpot');
  await settle();
  return target;
}

function type(el: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  el.value = text;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('CaptureDialog', () => {
  it('keeps what was typed as a draft, shortly after typing', async () => {
    vi.useFakeTimers();
    try {
      const target = await render();
      type(target.querySelector<HTMLTextAreaElement>('[data-testid="verbatim"]')!, 'Support is slow');
      expect(saveDraft).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(350);
      expect(saveDraft).toHaveBeenCalledTimes(1);
      const draft = saveDraft.mock.calls[0]![0];
      expect(draft).toMatchObject({ form: 'feedback', account_id: 3, verbatim: 'Support is slow', score: null });
    } finally {
      vi.useRealTimers();
    }
  });

  it('explains invalid input beside each field and keeps all of it', async () => {
    captureCall.mockResolvedValue({
      errors: [
        { field: 'score', message: 'Pick a score from 0 to 10.' },
        { field: 'speaker', message: 'Say who gave this feedback.' },
      ],
      outbox: null,
    });
    const target = await render();
    type(target.querySelector<HTMLTextAreaElement>('[data-testid="verbatim"]')!, 'Half a thought');
    target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    const alerts = [...target.querySelectorAll('[role="alert"]')].map((a) => a.textContent);
    expect(alerts).toEqual(['Pick a score from 0 to 10.', 'Say who gave this feedback.']);
    expect(target.querySelector('[data-testid="speaker"]')!.getAttribute('aria-invalid')).toBe('true');
    expect(target.querySelector<HTMLTextAreaElement>('[data-testid="verbatim"]')!.value).toBe('Half a thought');
    expect(capture.open).toBe(true);
    // The invalid form is kept as a draft too.
    expect(saveDraft.mock.calls.at(-1)![0]).toMatchObject({ verbatim: 'Half a thought' });
    // Fixing a field takes its message away; the others stay until fixed.
    target.querySelector<HTMLInputElement>('[data-testid="score-8"]')!.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    expect([...target.querySelectorAll('[role="alert"]')].map((a) => a.textContent)).toEqual(['Say who gave this feedback.']);
  });

  it('sends the score, the contact and a new person as typed', async () => {
    captureCall.mockResolvedValue({ errors: [], outbox: null });
    const target = await render();
    target.querySelector<HTMLInputElement>('[data-testid="score-3"]')!.dispatchEvent(new Event('change', { bubbles: true }));
    const who = target.querySelector<HTMLSelectElement>('[data-testid="speaker"]')!;
    who.value = 'new';
    who.dispatchEvent(new Event('change', { bubbles: true }));
    await settle();
    type(target.querySelector<HTMLInputElement>('[data-testid="new-name"]')!, 'Cy Dorn');
    type(target.querySelector<HTMLInputElement>('[data-testid="new-email"]')!, 'cy@dorn.com');
    type(target.querySelector<HTMLInputElement>('[data-testid="tags"]')!, 'pricing, support');
    target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(captureCall).toHaveBeenCalledTimes(1);
    expect(captureCall.mock.calls[0]![0]).toEqual({
      form: 'feedback',
      account_id: 3,
      kind: 'nps',
      score: 3,
      verbatim: '',
      speaker: { kind: 'new', name: 'Cy Dorn', email: 'cy@dorn.com' },
      channel: 'meeting',
      at: null,
      tags: ['pricing', 'support'],
    });
    expect(capture.open).toBe(false);
  });
});
