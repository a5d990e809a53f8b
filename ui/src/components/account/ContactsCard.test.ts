// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, unmount } from 'svelte';
import type { ContactView } from '../../lib/bindings';
import ContactsCard from './ContactsCard.svelte';

function contact(id: number, advisory: boolean, left: string | null = null): ContactView {
  return {
    id,
    name: `Person ${id}`,
    email: `p${id}@acme.io`,
    title: 'Head of Ops',
    champion: false,
    sponsor: false,
    decision_maker: false,
    advisory,
    last_engaged: null,
    left_on: left,
    left_reason: '',
  };
}

let app: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
});

describe('ContactsCard advisory program', () => {
  it('adds a member, takes a member out, and offers nothing for someone who left', () => {
    const onadvisory = vi.fn();
    const target = document.createElement('div');
    document.body.appendChild(target);
    app = mount(ContactsCard, { target, props: { contacts: [contact(1, false), contact(2, true), contact(3, false, '2026-10-01')], onadvisory } });
    flushSync();
    const buttons = [...target.querySelectorAll<HTMLButtonElement>('[data-testid="advisory-toggle"]')];
    expect(buttons.map((b) => b.textContent)).toEqual(['Add to advisory program', 'Leave advisory program']);
    buttons[0]!.click();
    buttons[1]!.click();
    expect(onadvisory.mock.calls).toEqual([
      [1, true],
      [2, false],
    ]);
  });
});
