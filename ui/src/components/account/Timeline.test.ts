// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { ActivityView } from '../../lib/bindings';
import Timeline from './Timeline.svelte';

const a = (id: number, team: string, summary: string): ActivityView => ({ id, kind: 'call', direction: 'two_way', team, at: `2026-11-${10 + id}T10:00:00Z`, summary, contact: null, captured_here: false });

let app: ReturnType<typeof mount> | undefined;
afterEach(() => {
  if (app) unmount(app);
  app = undefined;
  document.body.innerHTML = '';
});

describe('the account timeline', () => {
  it('names each touchpoint’s team and narrows to one team', () => {
    const items = [a(1, 'cs', 'QBR'), a(2, 'sales', 'Upsell call'), a(3, 'cs', 'Check-in'), a(4, 'support', 'Ticket review')];
    app = mount(Timeline, { target: document.body, props: { activities: items, now: Date.parse('2026-12-03T10:00:00Z') } });
    const summaries = () => [...document.querySelectorAll('.summary')].map((e) => e.textContent);
    expect(summaries()).toEqual(['QBR', 'Upsell call', 'Check-in', 'Ticket review']);
    expect(document.body.textContent).toContain('Sales team');
    // Chips in order of touchpoints: CS (2), then sales and support.
    expect(document.querySelector('[data-testid="team-cs"]')?.textContent).toBe('CS · 2');
    document.querySelector<HTMLButtonElement>('[data-testid="team-sales"]')!.click();
    flushSync();
    expect(summaries()).toEqual(['Upsell call']);
    document.querySelector<HTMLButtonElement>('[data-testid="team-sales"]')!.click();
    flushSync();
    expect(summaries()).toHaveLength(4);
  });
});
