// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';

const unlock = vi.fn();
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return { ...real, ipc: { ...real.ipc, unlock: (p: string, c: string | null) => unlock(p, c) } };
});

import UnlockView from './UnlockView.svelte';

let app: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  unlock.mockReset();
});

function render(onunlocked = vi.fn(), code: 'passphrase_required' | 'keychain_unavailable' = 'passphrase_required') {
  const target = document.createElement('div');
  document.body.appendChild(target);
  const message = code === 'keychain_unavailable' ? 'The system keychain is not available.' : 'This Rapport database is protected by a passphrase.';
  app = mount(UnlockView, {
    target,
    props: { reason: { code, message }, onunlocked },
  });
  flushSync();
  return { target, onunlocked };
}

async function submit(target: HTMLElement, passphrase: string, again?: string): Promise<void> {
  const input = target.querySelector<HTMLInputElement>('[data-testid="passphrase"]')!;
  input.value = passphrase;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  if (again !== undefined) {
    const second = target.querySelector<HTMLInputElement>('[data-testid="passphrase-again"]')!;
    second.value = again;
    second.dispatchEvent(new Event('input', { bubbles: true }));
  }
  target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  for (let i = 0; i < 5; i++) await tick();
  flushSync();
}

describe('UnlockView', () => {
  it('says why the data is locked', () => {
    const { target } = render();
    expect(target.textContent).toContain('protected by a passphrase');
    expect(target.querySelector('[data-testid="passphrase-again"]')).toBeNull();
  });

  it('asks for a new passphrase twice and keeps both when they differ', async () => {
    const { target, onunlocked } = render(vi.fn(), 'keychain_unavailable');
    expect(target.querySelector('h1')!.textContent).toBe('Protect your data with a passphrase');
    await submit(target, 'short', 'short');
    expect(unlock).not.toHaveBeenCalled();
    expect(target.querySelector('[role="alert"]')?.textContent).toContain('at least 10 characters');
    await submit(target, 'a long passphrase', 'a long passphrass');
    expect(unlock).not.toHaveBeenCalled();
    expect(target.querySelector('#again-error')?.textContent).toBe('The two passphrases are not the same. Type it again.');
    expect(target.querySelector<HTMLInputElement>('[data-testid="passphrase"]')!.value).toBe('a long passphrase');
    expect(target.querySelector<HTMLInputElement>('[data-testid="passphrase-again"]')!.value).toBe('a long passphrass');
    unlock.mockResolvedValue({ demo: true, demo_seed: '2026', data_as_of: null, key_source: 'passphrase', data_dir: '/d', accounts: 3, outbox_waiting: 0 });
    await submit(target, 'a long passphrase', 'a long passphrase');
    expect(unlock).toHaveBeenCalledWith('a long passphrase', 'a long passphrase');
    expect(onunlocked).toHaveBeenCalledOnce();
  });

  it('shows a wrong passphrase as a sentence and keeps what was typed', async () => {
    unlock.mockRejectedValue({ code: 'wrong_key', message: 'The database cannot be opened with this key.' });
    const { target, onunlocked } = render();
    await submit(target, 'not it');
    expect(unlock).toHaveBeenCalledWith('not it', null);
    expect(target.querySelector('[role="alert"]')?.textContent).toBe('The database cannot be opened with this key.');
    expect(target.querySelector<HTMLInputElement>('[data-testid="passphrase"]')!.value).toBe('not it');
    expect(onunlocked).not.toHaveBeenCalled();
  });

  it('refuses an empty passphrase without calling the backend', async () => {
    const { target } = render();
    await submit(target, '');
    expect(unlock).not.toHaveBeenCalled();
    expect(target.querySelector('[role="alert"]')?.textContent).toBe('Enter the passphrase.');
  });

  it('unlocks with the right passphrase', async () => {
    unlock.mockResolvedValue({ demo: true, demo_seed: '2026', data_as_of: null, key_source: 'passphrase', data_dir: '/d', accounts: 3, outbox_waiting: 0 });
    const { target, onunlocked } = render();
    await submit(target, 'correct horse');
    expect(onunlocked).toHaveBeenCalledOnce();
    expect(target.querySelector('[role="alert"]')).toBeNull();
  });
});
