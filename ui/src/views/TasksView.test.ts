// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import { stubDialogs } from '../test/dialog';
import type { RunOutcome, RunView, TaskAction, TaskActed, TasksView as Tasks, TaskView } from '../lib/bindings';

const api = {
  tasks: vi.fn<(all: boolean) => Promise<Tasks>>(),
  actOnTask: vi.fn<(id: number, a: TaskAction) => Promise<TaskActed>>(),
  recordOutcome: vi.fn<(run: number, o: RunOutcome) => Promise<RunView>>(),
  sendTask: vi.fn<(id: number) => Promise<number>>(),
};
vi.mock('../lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../lib/ipc')>();
  return {
    ...real,
    ipc: {
      ...real.ipc,
      tasks: (all: boolean) => api.tasks(all),
      actOnTask: (id: number, a: TaskAction) => api.actOnTask(id, a),
      recordOutcome: (run: number, o: RunOutcome) => api.recordOutcome(run, o),
      sendTask: (id: number) => api.sendTask(id),
    },
  };
});

import TasksView from './TasksView.svelte';
import { task } from '../test/tasks';
import { tasks } from '../lib/playbooks/state.svelte';

const TODAY = '2026-11-24';
const TASKS: TaskView[] = [
  task({ id: 1, title: 'Call the client', bucket: 'overdue', due_on: '2026-11-20', account_name: '<img src=x onerror=alert(1)> Ltd' }),
  task({ id: 2, title: 'Review their tickets', bucket: 'today', due_on: TODAY, team: 'support', owner: '', can_send: true }),
  task({ id: 3, title: 'Prepare the proposal', bucket: 'later', due_on: '2026-12-15', team: 'sales', owner: '' }),
];

function view(ts: TaskView[]): Tasks {
  return {
    tasks: ts,
    counts: { overdue: 1, today: 1, this_week: 0, later: 1, no_due_date: 0, snoozed: 2 },
    today: TODAY,
    people: ['Dana Reyes', 'Sam Ortiz'],
  };
}

function run(over: Partial<RunView>): RunView {
  return {
    id: 7,
    account_id: 10,
    account_name: 'Acme',
    playbook_key: 'detractor_follow_up',
    playbook: 'Detractor follow-up',
    version: 1,
    alert_id: null,
    alert_summary: null,
    started_at: '2026-11-20T10:00:00.000Z',
    started_by: 'dana',
    status: 'completed',
    closed_at: '2026-11-24T10:00:00.000Z',
    outcome: null,
    tasks: [],
    ...over,
  };
}

let app: ReturnType<typeof mount> | null = null;
beforeAll(() => stubDialogs());
afterEach(() => {
  if (app) unmount(app);
  app = null;
  document.body.innerHTML = '';
  vi.clearAllMocks();
  tasks.cursor = null;
  tasks.team = '';
  tasks.all = false;
  tasks.completed = null;
});

async function settle(): Promise<void> {
  for (let i = 0; i < 8; i++) await tick();
  flushSync();
}

async function render(onaccount = vi.fn()): Promise<HTMLElement> {
  const target = document.createElement('div');
  document.body.appendChild(target);
  app = mount(TasksView, { target, props: { onback: vi.fn(), onaccount } });
  await settle();
  return target;
}

const shown = (t: HTMLElement): string[] => [...t.querySelectorAll('[data-testid="task"]')].map((e) => e.getAttribute('data-id')!);

function key(k: string): void {
  window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
}

describe('TasksView', () => {
  it('groups the open tasks overdue, today, later, with who has each, and CRM text as text', async () => {
    api.tasks.mockResolvedValue(view(TASKS));
    const t = await render();
    expect([...t.querySelectorAll('h2.group')].map((h) => h.textContent!.replace(/\s+/g, ' ').trim())).toEqual(['Overdue 1', 'Due today 1', 'Later 1']);
    expect(shown(t)).toEqual(['1', '2', '3']);
    const first = t.querySelector('[data-testid="task"]')!;
    expect(first.querySelector('img')).toBeNull();
    expect(first.querySelector('[data-testid="task-account"]')!.textContent).toBe('<img src=x onerror=alert(1)> Ltd');
    expect(first.querySelector('[data-testid="task-due"]')!.textContent).toBe('4 days overdue');
    expect(t.querySelectorAll('[data-testid="task-owner"]')[1]!.textContent).toBe('Support queue');
    expect(t.querySelector('[data-testid="count-snoozed"]')!.textContent).toContain('2');
    // The first task is under the cursor and shown in full.
    expect(t.querySelector('[data-testid="task-title"]')!.textContent).toBe('Call the client');
  });

  it('walks with j and k, marks the current task done with d, and stays in place', async () => {
    api.tasks.mockResolvedValueOnce(view(TASKS)).mockResolvedValue(view([TASKS[0]!, TASKS[2]!]));
    api.actOnTask.mockResolvedValue({ task: { ...TASKS[1]!, status: 'done' }, completed_run: null });
    const t = await render();
    key('j');
    await settle();
    expect(t.querySelector('[data-testid="task-title"]')!.textContent).toBe('Review their tickets');
    key('d');
    await settle();
    expect(api.actOnTask).toHaveBeenCalledWith(2, { action: 'done' });
    expect(shown(t)).toEqual(['1', '3']);
    // The cursor moved onto the task that took its place.
    expect(t.querySelector('[data-testid="task-title"]')!.textContent).toBe('Prepare the proposal');
    key('k');
    key('s');
    await settle();
    expect(api.actOnTask).toHaveBeenLastCalledWith(1, { action: 'snooze', until: '2026-11-25' });
  });

  it('asks how the playbook ended when its last step closes, and records the answer', async () => {
    api.tasks.mockResolvedValue(view(TASKS));
    api.actOnTask.mockResolvedValue({ task: { ...TASKS[0]!, status: 'done' }, completed_run: run({}) });
    api.recordOutcome.mockResolvedValue(run({ outcome: 'saved' }));
    const t = await render();
    (t.querySelector('[data-testid="detail-done"]') as HTMLButtonElement).click();
    await settle();
    const prompt = t.querySelector('[data-testid="outcome-prompt"]')!;
    expect(prompt.textContent).toContain('Every step of “Detractor follow-up” for Acme is closed.');
    (prompt.querySelector('[data-testid="outcome-saved"]') as HTMLButtonElement).click();
    await settle();
    expect(api.recordOutcome).toHaveBeenCalledWith(7, 'saved');
    expect(t.querySelector('[data-testid="outcome-prompt"]')).toBeNull();
  });

  it('keeps a refused comment in its box and says why; reassigns to a person of another team', async () => {
    api.tasks.mockResolvedValue(view(TASKS));
    api.actOnTask.mockRejectedValueOnce({ code: 'invalid_input', message: 'Keep the comment under 4,000 characters.' });
    const t = await render();
    const box = t.querySelector<HTMLTextAreaElement>('[data-testid="comment-box"]')!;
    box.value = 'Spoke to their IT lead';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    (t.querySelector('[data-testid="comment-add"]') as HTMLButtonElement).click();
    await settle();
    expect(api.actOnTask).toHaveBeenCalledWith(1, { action: 'comment', body: 'Spoke to their IT lead' });
    expect(t.querySelector('[role="alert"]')!.textContent).toBe('Keep the comment under 4,000 characters.');
    expect(box.value).toBe('Spoke to their IT lead');

    api.actOnTask.mockResolvedValue({ task: TASKS[0]!, completed_run: null });
    const team = t.querySelector<HTMLSelectElement>('[data-testid="reassign-team"]')!;
    team.value = 'support';
    team.dispatchEvent(new Event('change', { bubbles: true }));
    const owner = t.querySelector<HTMLInputElement>('[data-testid="reassign-owner"]')!;
    owner.value = 'Sam Ortiz';
    owner.dispatchEvent(new Event('input', { bubbles: true }));
    await settle();
    (t.querySelector('[data-testid="reassign"]') as HTMLButtonElement).click();
    await settle();
    expect(api.actOnTask).toHaveBeenLastCalledWith(1, { action: 'reassign', team: 'support', owner: 'Sam Ortiz' });
  });

  it('sends a task for another team to the CRM with e, only when it can go', async () => {
    api.tasks.mockResolvedValue(view(TASKS));
    api.sendTask.mockResolvedValue(41);
    const t = await render();
    key('e');
    await settle();
    expect(api.sendTask).not.toHaveBeenCalled();
    key('j');
    await settle();
    expect(t.querySelector('[data-testid="detail-send"]')!.textContent).toContain('Escalate to Support in the CRM');
    key('e');
    await settle();
    expect(api.sendTask).toHaveBeenCalledWith(2);
  });

  it('filters by team and says when a team has nothing', async () => {
    api.tasks.mockResolvedValue(view(TASKS));
    const t = await render();
    (t.querySelector('[data-testid="team-sales"]') as HTMLButtonElement).click();
    await settle();
    expect(shown(t)).toEqual(['3']);
    (t.querySelector('[data-testid="team-delivery"]') as HTMLButtonElement).click();
    await settle();
    expect(t.querySelector('[data-testid="tasks-empty"]')!.textContent).toContain('No task for this team');
  });
});
