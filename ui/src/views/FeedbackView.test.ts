// @vitest-environment jsdom
import { stubDialogs } from '../test/dialog';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import type { FeedbackOverride, FeedbackRow, Insights, InsightsFilter, Taxonomy, Theme } from '../lib/bindings';

const taxonomy: Taxonomy = {
  version: 1,
  themes: [
    { key: 'support', label: 'Support quality', keywords: ['support'] },
    { key: 'pricing', label: 'Pricing & value', keywords: ['price*'] },
  ],
};

function row(id: number, verbatim: string, themes: string[], sentiment: number | null): FeedbackRow {
  return {
    id,
    account_id: 40 + id,
    account: `<b>Acme ${id}</b>`,
    segment: 'Enterprise',
    owner: 'Maya',
    arr: 100000,
    kind: 'nps',
    score: 3,
    verbatim,
    channel: 'meeting',
    contact: 'Ana Lima',
    captured_at: '2026-11-20T10:00:00.000Z',
    captured_here: id === 1,
    themes,
    sentiment,
    themes_overridden: false,
    sentiment_overridden: false,
  };
}

function insights(filter: InsightsFilter): Insights {
  return {
    filter,
    from: filter.from ?? '2026-01-01',
    to: filter.to ?? '2026-12-01',
    newest: '2026-11-20T10:00:00.000Z',
    kinds: [
      { kind: 'nps', count: 12, value: 16.7, months: [] },
      { kind: 'csat', count: 0, value: null, months: [] },
      { kind: 'ces', count: 4, value: 5.25, months: [] },
    ],
    by_segment: [{ group: 'Enterprise', responses: 16, nps: 16.7, csat: null, ces: 5.25 }],
    by_owner: [{ group: 'Maya', responses: 16, nps: 16.7, csat: null, ces: 5.25 }],
    by_account: [],
    themes: [
      { key: 'support', label: 'Support quality', count: 5, detractor_share: 60, sentiment: -0.3, arr: 250000, accounts: 2 },
      { key: 'pricing', label: 'Pricing & value', count: 0, detractor_share: null, sentiment: null, arr: 0, accounts: 0 },
    ],
    positive: 3,
    neutral: 1,
    negative: 2,
    response_rates: [{ account_id: 41, account: 'Acme 1', contacts: 4, responded: 1, rate: 25 }],
    verbatims: [row(1, '<script>alert(1)</script> support never replies', ['support'], -0.5), row(2, 'Fine', [], 0.2)],
    taxonomy,
    chart_svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    chart_svg_dark: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
  };
}

const load = vi.fn((f: InsightsFilter) => Promise.resolve(insights(f)));
const setOverride = vi.fn<(o: FeedbackOverride) => Promise<void>>(() => Promise.resolve());
const saveTaxonomy = vi.fn<(t: Theme[]) => Promise<Taxonomy>>();
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      feedbackInsights: (f: InsightsFilter) => load(f),
      setFeedbackOverride: (o: FeedbackOverride) => setOverride(o),
      saveTaxonomy: (t: Theme[]) => saveTaxonomy(t),
    },
  };
});

import FeedbackView from './FeedbackView.svelte';
import { feedback } from '../lib/feedback/state.svelte';

beforeAll(stubDialogs);

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  load.mockClear();
  setOverride.mockClear();
  saveTaxonomy.mockReset();
  feedback.theme = null;
  feedback.period = '12m';
  feedback.data = null;
});

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await tick();
  flushSync();
}

async function render(): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(FeedbackView, { target, props: { onback: () => {}, onaccount: () => {} } });
  await settle();
  return target;
}

const q = <T extends Element = HTMLElement>(t: HTMLElement, id: string): T => t.querySelector<T>(`[data-testid="${id}"]`)!;

describe('FeedbackView', () => {
  it('shows each figure on its scale, says when a kind has no responses, and keeps CRM text as text', async () => {
    const t = await render();
    expect(load).toHaveBeenCalledTimes(1);
    const figures = [...t.querySelectorAll('[data-testid="figure"]')].map((f) => f.querySelector('.value')!.textContent);
    expect(figures).toEqual(['+17', '–', '5.3']);
    expect(q(t, 'figure').parentElement!.textContent).toContain('No responses in this period');
    expect(t.querySelector('script')).toBeNull();
    expect(q(t, 'verbatims').textContent).toContain('<script>alert(1)</script> support never replies');
    expect(t.querySelector('b')).toBeNull();
  });

  it('filters to a theme on click and back', async () => {
    const t = await render();
    q<HTMLButtonElement>(t, 'theme-pick').click();
    await settle();
    expect(load).toHaveBeenLastCalledWith(expect.objectContaining({ theme: 'support' }));
    expect(q(t, 'clear-theme')).not.toBeNull();
    q<HTMLButtonElement>(t, 'clear-theme').click();
    await settle();
    expect(load).toHaveBeenLastCalledWith(expect.objectContaining({ theme: null }));
  });

  it('keeps the AM’s reading of a response', async () => {
    const t = await render();
    q<HTMLButtonElement>(t, 'edit-reading').click();
    await settle();
    const editor = q(t, 'reading-editor');
    const pricing = editor.querySelector<HTMLInputElement>('input[value="pricing"]')!;
    pricing.click();
    editor.querySelector<HTMLInputElement>('input[value="neutral"]')!.click();
    await settle();
    q<HTMLButtonElement>(t, 'reading-save').click();
    await settle();
    expect(setOverride).toHaveBeenCalledWith({ id: 1, themes: ['support', 'pricing'], sentiment: 'neutral' });
    expect(t.querySelector('[data-testid="reading-editor"]')).toBeNull();
  });

  it('a refused taxonomy edit says why and keeps what was typed', async () => {
    saveTaxonomy.mockRejectedValue({ code: 'invalid_input', message: 'The theme “Billing” needs at least one keyword.' });
    const t = await render();
    q<HTMLButtonElement>(t, 'edit-taxonomy').click();
    await settle();
    q<HTMLButtonElement>(t, 'theme-add').click();
    await settle();
    const labels = t.querySelectorAll<HTMLInputElement>('[data-testid="theme-label"]');
    const last = labels[labels.length - 1]!;
    last.value = 'Billing';
    last.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    q<HTMLButtonElement>(t, 'taxonomy-save').click();
    await settle();
    expect(saveTaxonomy).toHaveBeenCalledWith([
      { key: 'support', label: 'Support quality', keywords: ['support'] },
      { key: 'pricing', label: 'Pricing & value', keywords: ['price*'] },
      { key: '', label: 'Billing', keywords: [] },
    ]);
    expect(q(t, 'taxonomy-error').textContent).toBe('The theme “Billing” needs at least one keyword.');
    expect(q<HTMLDialogElement>(t, 'taxonomy-dialog').open).toBe(true);
    const again = t.querySelectorAll<HTMLInputElement>('[data-testid="theme-label"]');
    expect(again[again.length - 1]!.value).toBe('Billing');
  });

  it('explains an impossible custom period without asking for it', async () => {
    const t = await render();
    feedback.period = 'custom';
    feedback.customFrom = '2026-06-01';
    feedback.customTo = '2026-05-01';
    await feedback.load();
    await settle();
    expect(q(t, 'period-error').textContent).toBe('The period starts after it ends.');
    expect(load).toHaveBeenCalledTimes(1);
  });
});
