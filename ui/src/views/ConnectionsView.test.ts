// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import { stubDialogs } from '../test/dialog';
import type { ConnectionView, Progress, SignInDefaults, SignInForm, SyncReport, WritebackView } from '../lib/bindings';

const api = {
  connections: vi.fn<() => Promise<ConnectionView[]>>(),
  connectCrm: vi.fn<(c: string, n: string, u: string | null, cred: unknown) => Promise<ConnectionView[]>>(),
  editConnection: vi.fn<(n: string, u: string, s: unknown, c: unknown) => Promise<ConnectionView[]>>(),
  syncNow: vi.fn<(n: string | null, f: boolean, cb: (p: Progress) => void) => Promise<SyncReport[]>>(),
  signInDefaults: vi.fn<(c: string) => Promise<SignInDefaults>>(),
  signInCrm: vi.fn<(f: SignInForm, cb: (url: string) => void) => Promise<ConnectionView[]>>(),
  cancelSignIn: vi.fn<() => Promise<void>>(),
  scoreWriteback: vi.fn<(n: string) => Promise<WritebackView>>(),
  setScoreWriteback: vi.fn<(n: string, on: boolean) => Promise<WritebackView>>(),
};
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      connections: () => api.connections(),
      connectCrm: (c: string, n: string, u: string | null, cred: unknown) => api.connectCrm(c, n, u, cred),
      editConnection: (n: string, u: string, st: unknown, c: unknown) => api.editConnection(n, u, st, c),
      syncNow: (n: string | null, f: boolean, cb: (p: Progress) => void) => api.syncNow(n, f, cb),
      signInDefaults: (c: string) => api.signInDefaults(c),
      signInCrm: (f: SignInForm, cb: (url: string) => void) => api.signInCrm(f, cb),
      cancelSignIn: () => api.cancelSignIn(),
      scoreWriteback: (n: string) => api.scoreWriteback(n),
      setScoreWriteback: (n: string, on: boolean) => api.setScoreWriteback(n, on),
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
  notes: [],
  unencrypted: false,
  requests_per_10s: 190,
  score_writeback: false,
  settings: {
    arr_property: 'annual_recurring_revenue',
    contract_start_property: 'contract_start_date',
    renewal_property: 'renewal_date',
    seats_purchased_property: 'seats_purchased',
    seats_used_property: 'seats_used',
    active_users_property: 'active_users',
    role_property: 'hs_buying_role',
    churn_property: '',
    churn_values: ['churned'],
    left_company_property: '',
    deal_types: { newbusiness: 'new' },
    won_stages: ['closedwon'],
    lost_stages: ['closedlost'],
    closed_ticket_stages: ['4'],
    requests_per_10s: 190,
  },
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
  app = mount(ConnectionsView, { target, props: { onback: vi.fn(), onimport: vi.fn() } });
  await settle();
  return target;
}

function type(target: HTMLElement, id: string, value: string): void {
  const input = target.querySelector<HTMLInputElement>(`[data-testid="${id}"]`)!;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

async function choose(target: HTMLElement, id: string): Promise<void> {
  (target.querySelector(`[data-testid="${id}"]`) as HTMLInputElement).click();
  await settle();
}

const DEFAULTS: SignInDefaults = {
  crm: 'hubspot',
  client_id: 'org-app-id',
  base_url: 'https://api.hubapi.com',
  port: 53917,
  redirect_uri: 'http://localhost:53917/callback',
};

function submitForm(target: HTMLElement): void {
  target.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}

describe('ConnectionsView browser sign-in', () => {
  it('starts from the organisation’s app, waits for the browser with the address to copy, then lists the connection', async () => {
    api.connections.mockResolvedValue([]);
    api.signInDefaults.mockResolvedValue(DEFAULTS);
    let finish: (c: ConnectionView[]) => void = () => {};
    let address: (u: string) => void = () => {};
    api.signInCrm.mockImplementation((_f, cb) => {
      address = cb;
      return new Promise((res) => (finish = res));
    });
    const t = await render();
    expect(t.querySelector<HTMLInputElement>('[data-testid="auth-browser"]')!.checked).toBe(true);
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-client-id"]')!.value).toBe('org-app-id');
    expect(t.textContent).toContain('http://localhost:53917/callback');
    // HubSpot apps always have a secret: without it nothing is sent.
    submitForm(t);
    await settle();
    expect(api.signInCrm).not.toHaveBeenCalled();
    expect(t.querySelector('[data-testid="connect-error"]')!.textContent).toContain('client secret');
    type(t, 'conn-client-secret', ' s3cret ');
    submitForm(t);
    await settle();
    expect(api.signInCrm).toHaveBeenCalledTimes(1);
    expect(t.querySelector('[data-testid="connect-error"]'), 'the last attempt’s error went').toBeNull();
    expect(api.signInCrm.mock.calls[0]![0]).toEqual({
      crm: 'hubspot',
      name: 'HubSpot',
      base_url: '',
      client_id: 'org-app-id',
      client_secret: 's3cret',
      port: 53917,
    });
    expect(t.querySelector('[data-testid="sign-in-waiting"]')!.textContent).toContain('Finish signing in in your browser');
    expect(t.querySelector('[data-testid="connect-submit"]')).toBeNull();
    address('https://app.hubspot.com/oauth/authorize?client_id=org-app-id');
    await settle();
    expect(t.querySelector<HTMLInputElement>('[data-testid="sign-in-address"]')!.value).toBe('https://app.hubspot.com/oauth/authorize?client_id=org-app-id');
    finish([HS]);
    await settle();
    expect(t.querySelector('[data-testid="sign-in-waiting"]')).toBeNull();
    expect(t.querySelectorAll('[data-testid="connection"]').length).toBe(1);
    expect(t.textContent).toContain('Signed in and connected');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-client-secret"]')!.value).toBe('');
  });

  it('cancels a waiting sign-in and keeps what was typed, with the reason', async () => {
    api.connections.mockResolvedValue([]);
    api.signInDefaults.mockResolvedValue({ ...DEFAULTS, crm: 'salesforce', client_id: '' });
    let fail: (e: unknown) => void = () => {};
    api.signInCrm.mockImplementation(() => new Promise((_res, rej) => (fail = rej)));
    api.cancelSignIn.mockImplementation(async () => fail({ code: 'cancelled', message: 'Sign-in cancelled. Nothing was saved.' }));
    const t = await render();
    await choose(t, 'crm-salesforce');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-client-id"]')!.value).toBe('');
    submitForm(t);
    await settle();
    expect(t.querySelector('[data-testid="connect-error"]')!.textContent).toContain('client id of the app your organisation registered with Salesforce');
    type(t, 'conn-client-id', '3MVG9-key');
    type(t, 'conn-url', 'https://test.salesforce.com');
    submitForm(t);
    await settle();
    // No secret needed for this connected app: none is sent.
    expect(api.signInCrm.mock.calls.at(-1)![0]).toMatchObject({ crm: 'salesforce', client_id: '3MVG9-key', client_secret: null, base_url: 'https://test.salesforce.com' });
    (t.querySelector('[data-testid="cancel-sign-in"]') as HTMLButtonElement).click();
    await settle();
    expect(api.cancelSignIn).toHaveBeenCalledTimes(1);
    expect(t.querySelector('[data-testid="connect-error"]')!.textContent).toBe('Sign-in cancelled. Nothing was saved.');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-client-id"]')!.value).toBe('3MVG9-key');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-url"]')!.value).toBe('https://test.salesforce.com');
    expect(t.querySelector('[data-testid="connect-submit"]')!.textContent!.trim()).toBe('Sign in with Salesforce');
  });
});

describe('ConnectionsView', () => {
  it('explains a refused token and keeps what was typed', async () => {
    api.connections.mockResolvedValue([]);
    api.connectCrm.mockRejectedValue({
      code: 'crm_auth',
      message: 'HubSpot rejected the token (it is wrong or was revoked).',
    });
    const t = await render();
    expect(t.querySelector('h2')!.textContent).toBe('Connect your CRM');
    await choose(t, 'auth-token');
    type(t, 'conn-token', 'pat-wrong');
    type(t, 'conn-url', 'http://127.0.0.1:9');
    t.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.connectCrm).toHaveBeenCalledWith('hubspot', 'HubSpot', 'http://127.0.0.1:9', {
      token: 'pat-wrong',
      client_id: null,
      client_secret: null,
      refresh_token: null,
    });
    expect(t.querySelector('[data-testid="connect-error"]')!.textContent).toContain('rejected the token');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-token"]')!.value).toBe('pat-wrong');
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-url"]')!.value).toBe('http://127.0.0.1:9');
  });

  it('refuses an empty token without calling the backend', async () => {
    api.connections.mockResolvedValue([]);
    const t = await render();
    await choose(t, 'auth-token');
    t.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.connectCrm).not.toHaveBeenCalled();
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
      connection: 'HubSpot', object_type, fetched, upserted: fetched, deleted: 0, rate: 1000, total: done ? null : 1300, phase: done ? 'done' : 'backfill', done, error: null,
    });
    send(p('contacts', 300, false));
    send(p('companies', 120, true));
    await settle();
    const rows = [...t.querySelectorAll('[data-testid="sync-row"]')].map((r) => r.querySelector('.obj')!.textContent);
    expect(rows).toEqual(['Companies', 'Contacts']);
    // Contacts: 300 of 1,300 at 1,000/s → a 23 % bar and 1 s left.
    const contacts = t.querySelectorAll('[data-testid="sync-row"]')[1]!;
    expect((contacts.querySelector('.bar span') as HTMLElement).style.width).toBe(`${(100 * 300) / 1300}%`);
    expect(contacts.textContent).toContain('1,000/s · about 1 s left · reading everything');
    expect(t.querySelector('[data-testid="sync-panel"] h2')!.textContent).toBe('Syncing…');
    finish([
      {
        connection: 'HubSpot',
        budget: { requests: 5, retries: 0, rate_limited: 0, daily_used: 1250, daily_limit: 250000 },
        notes: [],
        objects: [
          { object_type: 'companies', fetched: 120, upserted: 120, deleted: 0, duration_ms: 10, error: null },
          { object_type: 'contacts', fetched: 300, upserted: 290, deleted: 2, duration_ms: 20, error: null },
        ],
      },
    ]);
    await settle();
    // 120 + 300 read, 120 + 290 changed, 0 + 2 deleted; 1,250 of 250,000 is 0.5 %.
    expect(t.querySelector('[data-testid="sync-summary"]')!.textContent).toBe(
      'Sync finished: 420 records read, 410 new or changed, 2 deleted. HubSpot: 1,250 of 250,000 daily API requests used (0.5 %).',
    );
  });
  it('connects Salesforce with OAuth: consumer key, secret and refresh token', async () => {
    api.connections.mockResolvedValue([]);
    api.connectCrm.mockResolvedValue([{ ...HS, name: 'Salesforce', crm: 'salesforce', base_url: 'https://login.salesforce.com' }]);
    const t = await render();
    (t.querySelector('[data-testid="crm-salesforce"]') as HTMLInputElement).click();
    await settle();
    expect(t.querySelector<HTMLInputElement>('[data-testid="conn-name"]')!.value).toBe('Salesforce');
    await choose(t, 'auth-oauth');
    // Missing secret: the form says what is needed and nothing is sent.
    type(t, 'conn-client-id', 'ck');
    t.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.connectCrm).not.toHaveBeenCalled();
    expect(t.querySelector('[data-testid="connect-error"]')!.textContent).toContain('consumer key and secret');
    type(t, 'conn-client-secret', 'cs');
    type(t, 'conn-refresh-token', 'rt');
    t.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.connectCrm).toHaveBeenCalledWith('salesforce', 'Salesforce', null, {
      token: null,
      client_id: 'ck',
      client_secret: 'cs',
      refresh_token: 'rt',
    });
    expect(t.querySelector('[data-testid="connection-crm"]')!.textContent).toBe('Salesforce');
  });

  it('edits the mapping: a wrong deal-type line is named, a right one is saved parsed', async () => {
    api.connections.mockResolvedValue([HS]);
    api.editConnection.mockResolvedValue([HS]);
    const t = await render();
    const edit = [...t.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Edit')!;
    edit.click();
    await settle();
    const types = t.querySelector<HTMLTextAreaElement>('[data-testid="ed-types"]')!;
    expect(types.value).toBe('newbusiness = new');
    types.value = 'newbusiness = new\nupsell = bigger';
    types.dispatchEvent(new Event('input', { bubbles: true }));
    const form = t.querySelector('[data-testid="connection-editor"]')!;
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.editConnection).not.toHaveBeenCalled();
    expect(t.querySelector('[data-testid="edit-error"]')!.textContent).toContain('line 2');
    types.value = 'newbusiness = new\nupsell = expansion';
    types.dispatchEvent(new Event('input', { bubbles: true }));
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.editConnection).toHaveBeenCalledTimes(1);
    const [name, url, settings, creds] = api.editConnection.mock.calls[0]!;
    expect([name, url, creds]).toEqual(['HubSpot', 'https://api.hubapi.com', null]);
    expect((settings as { deal_types: unknown }).deal_types).toEqual({ newbusiness: 'new', upsell: 'expansion' });
    expect(t.textContent).toContain('Saved and tested.');
  });

  it('connects HubSpot with OAuth instead of a private-app token', async () => {
    api.connections.mockResolvedValue([]);
    api.connectCrm.mockResolvedValue([HS]);
    const t = await render();
    await choose(t, 'auth-oauth');
    expect(t.querySelector('[data-testid="conn-token"]')).toBeNull();
    type(t, 'conn-client-id', 'cid');
    type(t, 'conn-client-secret', 'secret');
    type(t, 'conn-refresh-token', 'refresh');
    t.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle();
    expect(api.connectCrm).toHaveBeenCalledWith('hubspot', 'HubSpot', null, {
      token: null,
      client_id: 'cid',
      client_secret: 'secret',
      refresh_token: 'refresh',
    });
  });

  it('says "offline" when an object type could not reach the CRM, and lists what the mapping lacks', async () => {
    api.connections.mockResolvedValue([
      {
        ...HS,
        notes: ['The companies property “annual_recurring_revenue” (ARR) does not exist in this portal.'],
        last_error: { code: 'crm_unreachable', message: 'HubSpot could not be reached.' },
      },
    ]);
    let finish: (r: SyncReport[]) => void = () => {};
    let send: (p: Progress) => void = () => {};
    api.syncNow.mockImplementation((_n, _f, cb) => {
      send = cb;
      return new Promise<SyncReport[]>((resolve) => (finish = resolve));
    });
    const t = await render();
    expect(t.querySelector('[data-testid="connection-notes"]')!.textContent).toContain('annual_recurring_revenue');
    expect(t.textContent).toContain('Offline at the last sync: HubSpot could not be reached.');
    (t.querySelector('[data-testid="sync-now"]') as HTMLButtonElement).click();
    await settle();
    send({
      connection: 'HubSpot', object_type: 'contacts', fetched: 0, upserted: 0, deleted: 0, rate: 0, total: null, phase: 'done', done: true,
      error: { code: 'crm_unreachable', message: 'HubSpot timed out.' },
    });
    await settle();
    expect(t.querySelector('[data-testid="sync-row"]')!.textContent).toContain('offline: HubSpot timed out.');
    finish([
      {
        connection: 'HubSpot',
        budget: { requests: 3, retries: 5, rate_limited: 0, daily_used: null, daily_limit: null },
        notes: [],
        objects: [
          { object_type: 'companies', fetched: 10, upserted: 10, deleted: 0, duration_ms: 10, error: null },
          { object_type: 'contacts', fetched: 0, upserted: 0, deleted: 0, duration_ms: 20, error: { code: 'crm_unreachable', message: 'HubSpot timed out.' } },
        ],
      },
    ]);
    await settle();
    expect(t.querySelector('[data-testid="sync-summary"]')!.textContent).toBe(
      'Sync stopped with 1 failed object type (10 records read, 10 new or changed, 0 deleted).',
    );
    expect(t.querySelector('[data-testid="sync-error"]')).toBeNull();
  });
});

describe('ConnectionsView score write-back', () => {
  beforeAll(stubDialogs);
  const OFF: WritebackView = {
    connection: 'HubSpot',
    on: false,
    fields: ['rapport_health_score', 'rapport_health_band', 'rapport_health_as_of'],
    created: [],
    setup: null,
    delivered: 0,
    waiting: 0,
    last_written_at: null,
  };

  it('asks before creating HubSpot properties, then shows what it made and how far the scores got', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    api.connections.mockResolvedValue([HS]);
    api.signInDefaults.mockResolvedValue(DEFAULTS);
    api.scoreWriteback.mockResolvedValue(OFF);
    api.setScoreWriteback.mockResolvedValue({
      ...OFF,
      on: true,
      created: ['Rapport health score', 'Rapport health band', 'Rapport health as of'],
      delivered: 3,
      waiting: 124,
      last_written_at: new Date(Date.now() - 60_000).toISOString(),
    });
    const target = await render();
    const box = target.querySelector<HTMLInputElement>('[data-testid="score-writeback-toggle"]')!;
    expect(box.checked).toBe(false);
    box.click();
    await settle();
    // Nothing goes to the CRM until the question is answered.
    expect(api.setScoreWriteback).not.toHaveBeenCalled();
    expect(box.checked).toBe(false);
    const dialog = target.ownerDocument.querySelector('[data-testid="confirm-dialog"]') as HTMLDialogElement;
    expect(dialog.open).toBe(true);
    expect(dialog.textContent).toContain('create three company properties');
    (dialog.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement).click();
    await settle();
    expect(api.setScoreWriteback).toHaveBeenCalledWith('HubSpot', true);
    expect(box.checked).toBe(true);
    const card = target.querySelector('[data-testid="score-writeback"]')!.textContent!;
    expect(card).toContain('Created in HubSpot: Rapport health score, Rapport health band, Rapport health as of.');
    // The background refresh reads the state again (which says nothing of what was created):
    // the line stays.
    api.scoreWriteback.mockResolvedValue({ ...OFF, on: true, delivered: 3, waiting: 124, last_written_at: new Date(Date.now() - 60_000).toISOString() });
    vi.advanceTimersByTime(5000);
    await settle();
    expect(api.scoreWriteback).toHaveBeenCalledTimes(2);
    expect(target.querySelector('[data-testid="score-writeback"]')!.textContent).toContain('Created in HubSpot:');
    vi.useRealTimers();
    expect(target.querySelector('[data-testid="score-writeback-status"]')!.textContent!.trim().replace(/\s+/g, ' ')).toMatch(/^3 accounts written · 124 waiting · last .+ · to rapport_health_score, rapport_health_band, rapport_health_as_of$/);
  });

  it('keeps the switch off and says why when the portal refuses', async () => {
    api.connections.mockResolvedValue([HS]);
    api.signInDefaults.mockResolvedValue(DEFAULTS);
    api.scoreWriteback.mockResolvedValue(OFF);
    api.setScoreWriteback.mockRejectedValue({ code: 'crm_setup', message: 'HubSpot refused to create the company property rapport_health_score: the private app needs the crm.schemas.companies.write scope.' });
    const target = await render();
    target.querySelector<HTMLInputElement>('[data-testid="score-writeback-toggle"]')!.click();
    await settle();
    (target.ownerDocument.querySelector('[data-testid="confirm-ok"]') as HTMLButtonElement).click();
    await settle();
    expect(target.querySelector<HTMLInputElement>('[data-testid="score-writeback-toggle"]')!.checked).toBe(false);
    expect(target.querySelector('[role="alert"]')!.textContent).toContain('crm.schemas.companies.write');
  });
});
