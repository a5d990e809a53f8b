// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { ConnectionView, Progress, SyncReport } from '../lib/bindings';

const api = {
  connections: vi.fn<() => Promise<ConnectionView[]>>(),
  connectHubspot: vi.fn<(n: string, u: string | null, t: string) => Promise<ConnectionView[]>>(),
  syncNow: vi.fn<(n: string | null, f: boolean, cb: (p: Progress) => void) => Promise<SyncReport[]>>(),
};
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      connections: () => api.connections(),
      connectHubspot: (n: string, u: string | null, t: string) => api.connectHubspot(n, u, t),
      syncNow: (n: string | null, f: boolean, cb: (p: Progress) => void) => api.syncNow(n, f, cb),
      appStatus: () => Promise.reject({ code: 'internal', message: 'not in this test' }),
      portfolio: () => new Promise(() => {}),
    },
  };
});

import ConnectionsView from './ConnectionsView.svelte';

const HS: ConnectionView = {
  name: 'HubSpot',
  crm: 'hubspot',
  base_url: 'https://api.hubapi.com',
  last_synced: null,
  last_error: null,
  requests_per_10s: 190,
};

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  vi.clearAllMocks();
});

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await tick();
  flushSync();
}

async function render(): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(ConnectionsView, { target, props: { onback: vi.fn() } });
  await settle();
  return target;
}

function type(target: HTMLElement, id: string, value: string): void {
  const input = target.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('ConnectionsView', () => {
  it('explains a refused token and keeps what was typed', async () => {
    api.connections.mockResolvedValue([]);
    api.connectHubspot.mockRejectedValue({
      code: 'crm_auth',
      message: 'HubSpot rejected the token (it is wrong or was revoked).',
    });
    const t = await render();
    expect(t.querySelector('h2')!.textContent).toBe('Connect your CRM');
    type(t, 'conn-token', 'pat-wrong');
    type(t, 'conn-url', 'http://127.0.0.1:9');
    t.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.connectHubspot).toHaveBeenCalledWith('HubSpot', 'http://127.0.0.1:9', 'pat-wrong');
    expect(t.querySelector('[data-testid="connect-error"]')!.textContent).toContain('rejected the token');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-token"]')!.value).toBe('pat-wrong');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-url"]')!.value).toBe('http://127.0.0.1:9');
  });

  it('refuses an empty token without calling the backend', async () => {
    api.connections.mockResolvedValue([]);
    const t = await render();
    t.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.connectHubspot).not.toHaveBeenCalled();
    expect(t.querySelector('[data-testid="connect-error"]')!.textContent).toContain('private-app token');
  });

  it('shows a progress row per object type while syncing, then the summary', async () => {
    api.connections.mockResolvedValue([HS]);
    let finish: (r: SyncReport[]) => void = () => {};
    let send: (p: Progress) => void = () => {};
    api.syncNow.mockImplementation((_n, _f, cb) => {
      send = cb;
      return new Promise((res) => (finish = res));
    });
    const t = await render();
    expect(t.querySelectorAll('[data-testid="connection"]').length).toBe(1);
    expect(t.textContent).toContain('Never synced');
    (t.querySelector('[data-testid="sync-now"]') as HTMLButtonElement).click();
    await settle();
    const p = (object_type: string, fetched: number, done: boolean): Progress => ({
      connection: 'HubSpot', object_type, fetched, upserted: fetched, deleted: 0, rate: 1000, phase: done ? 'done' : 'backfill', done, error: null,
    });
    send(p('contacts', 300, false));
    send(p('companies', 120, true));
    await settle();
    const rows = [...t.querySelectorAll('[data-testid="sync-row"]')].map((r) => r.querySelector('.obj')!.textContent);
    expect(rows).toEqual(['Companies', 'Contacts']);
    expect(t.querySelector('[data-testid="sync-panel"] h2')!.textContent).toBe('Syncing…');
    finish([
      {
        connection: 'HubSpot', requests: 5, retries: 0, rate_limited: 0,
        objects: [
          { object_type: 'companies', fetched: 120, upserted: 120, deleted: 0, duration_ms: 10, error: null },
          { object_type: 'contacts', fetched: 300, upserted: 290, deleted: 2, duration_ms: 20, error: null },
        ],
      },
    ]);
    await settle();
    // 120 + 300 read, 120 + 290 changed, 0 + 2 deleted.
    expect(t.querySelector('[data-testid="sync-summary"]')!.textContent).toBe(
      'Sync finished: 420 records read, 410 new or changed, 2 deleted.',
    );
  });
});
