// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';

const unlock = vi.fn();
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return { ...real, ipc: { ...real.ipc, unlock: (p: string) => unlock(p) } };
});

import UnlockView from './UnlockView.svelte';

let app: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  unlock.mockReset();
});

function render(onunlocked = vi.fn()) {
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(UnlockView, {
    target,
    props: { reason: { code: 'keychain_unavailable', message: 'The system keychain is not available.' }, onunlocked },
  });
  flushSync();
  return { target, onunlocked };
}

async function submit(target: HTMLElement, passphrase: string): Promise<void> {
  const input = target.querySelector<HTMLInputElement>('[data-testid="passphrase"]')!;
  input.value = passphrase;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  for (let i = 0; i < 5; i++) await tick();
  flushSync();
}

describe('UnlockView', () => {
  it('says why the data is locked', () => {
    const { target } = render();
    expect(target.textContent).toContain('The system keychain is not available.');
  });

  it('shows a wrong passphrase as a sentence and keeps what was typed', async () => {
    unlock.mockRejectedValue({ code: 'wrong_key', message: 'The database cannot be opened with this key.' });
    const { target, onunlocked } = render();
    await submit(target, 'not it');
    expect(unlock).toHaveBeenCalledWith('not it');
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
    unlock.mockResolvedValue({ demo: true, demo_seed: '2026', data_as_of: null, key_source: 'passphrase', data_dir: '/d', accounts: 3 });
    const { target, onunlocked } = render();
    await submit(target, 'correct horse');
    expect(onunlocked).toHaveBeenCalledOnce();
    expect(target.querySelector('[role="alert"]')).toBeNull();
  });
});
