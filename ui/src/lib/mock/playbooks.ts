// Retention playbooks for the browser mock: two built-in templates, runs started in memory for the
// page's life, and their tasks in My tasks.
import type { AlertView, Playbook, PlaybookHint, RunOutcome, RunView, TaskAction, TaskActed, TaskCounts, TasksView, TaskView } from '../bindings';
import { addDays } from '../warnings/derive';
import type { MockWorld } from './portfolio';

const PLAYBOOKS: Playbook[] = [
  {
    key: 'renewal_at_risk',
    version: 1,
    name: 'Renewal at risk',
    description: 'The renewal is close and health is below green.',
    triggers: ['renewal_at_risk'],
    steps: [
      { title: 'Write the risk assessment', team: 'cs', due_days: 3, description: 'Drivers, ARR at stake, what would make them renew.' },
      { title: 'Hold a value review with the decision maker', team: 'cs', due_days: 7, description: '' },
      { title: 'Executive sponsor calls their counterpart', team: 'executive', due_days: 14, description: '' },
      { title: 'Prepare the renewal proposal', team: 'sales', due_days: 21, description: '' },
    ],
    active: true,
    saved_by: null,
    saved_at: null,
  },
  {
    key: 'usage_decline',
    version: 1,
    name: 'Usage decline',
    description: 'Usage or health is falling.',
    triggers: ['usage_drop'],
    steps: [
      { title: 'Review where usage dropped', team: 'cs', due_days: 2, description: '' },
      { title: 'Check for blockers in open tickets', team: 'support', due_days: 7, description: '' },
      { title: 'Run a re-enablement session', team: 'delivery', due_days: 10, description: '' },
    ],
    active: true,
    saved_by: null,
    saved_at: null,
  },
];

const runs: RunView[] = [];
let nextId = 1;

function today(w: MockWorld): string {
  return w.dataAsOf.slice(0, 10);
}

function bucket(due: string | null, day: string): TaskView['bucket'] {
  if (!due) return 'no_due_date';
  if (due < day) return 'overdue';
  if (due === day) return 'today';
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return due <= addDays(day, 6 - dow) ? 'this_week' : 'later';
}

export function mockPlaybooks(): Playbook[] {
  return PLAYBOOKS;
}

export function mockHint(a: Pick<AlertView, 'account_id' | 'rule'>): PlaybookHint | null {
  const p = PLAYBOOKS.find((x) => x.triggers.includes(a.rule));
  if (!p) return null;
  const run = runs.find((r) => r.account_id === a.account_id && r.playbook_key === p.key && r.status === 'active');
  return {
    key: p.key,
    name: p.name,
    run_id: run?.id ?? null,
    closed: run ? run.tasks.filter((t) => t.status !== 'open').length : 0,
    steps: p.steps.length,
  };
}

export function mockRuns(accountId: number): RunView[] {
  return runs.filter((r) => r.account_id === accountId);
}

export function mockStart(w: MockWorld, accountId: number, key: string, alertId: number | null): { run: RunView; started: boolean } {
  const going = runs.find((r) => r.account_id === accountId && r.playbook_key === key && r.status === 'active');
  if (going) return { run: going, started: false };
  const p = PLAYBOOKS.find((x) => x.key === key);
  const a = w.byId.get(accountId);
  if (!p || !a) throw new Error('unknown playbook or account');
  const id = nextId++;
  const day = today(w);
  const run: RunView = {
    id,
    account_id: accountId,
    account_name: a.row.name,
    playbook_key: key,
    playbook: p.name,
    version: p.version,
    alert_id: alertId,
    alert_summary: null,
    started_at: w.dataAsOf,
    started_by: 'you',
    status: 'active',
    closed_at: null,
    outcome: null,
    tasks: p.steps.map((s, i) => ({
      id: id * 100 + i,
      account_id: accountId,
      account_name: a.row.name,
      arr: a.row.arr,
      currency: a.row.currency,
      run_id: id,
      playbook: p.name,
      step: i + 1,
      steps: p.steps.length,
      title: s.title,
      description: s.description,
      team: s.team,
      owner: s.team === 'cs' ? a.row.owner : '',
      due_on: addDays(day, s.due_days),
      bucket: bucket(addDays(day, s.due_days), day),
      snoozed_until: null,
      status: 'open',
      created_at: w.dataAsOf,
      completed_at: null,
      completed_by: null,
      notes: [],
      crm: null,
      can_send: false,
    })),
  };
  runs.push(run);
  return { run, started: true };
}

function allTasks(): TaskView[] {
  return runs.flatMap((r) => r.tasks);
}

export function mockTaskCounts(w: MockWorld): TaskCounts {
  const day = today(w);
  const c: TaskCounts = { overdue: 0, today: 0, this_week: 0, later: 0, no_due_date: 0, snoozed: 0 };
  for (const t of allTasks()) {
    if (t.status !== 'open') continue;
    if (t.snoozed_until && t.snoozed_until > day) c.snoozed++;
    else c[t.bucket]++;
  }
  return c;
}

export function mockTasks(w: MockWorld, all: boolean): TasksView {
  const day = today(w);
  const tasks = allTasks()
    .filter((t) => all || (t.status === 'open' && (!t.snoozed_until || t.snoozed_until <= day)))
    .sort((a, b) => Number(a.status !== 'open') - Number(b.status !== 'open') || (a.due_on ?? '9').localeCompare(b.due_on ?? '9') || b.arr - a.arr);
  return { tasks, counts: mockTaskCounts(w), today: day, people: [...new Set(w.accounts.map((a) => a.row.owner))].sort() };
}

export function mockActOnTask(id: number, action: TaskAction, at: string): TaskActed {
  const run = runs.find((r) => r.tasks.some((t) => t.id === id));
  const i = run?.tasks.findIndex((t) => t.id === id) ?? -1;
  if (!run || i < 0) throw new Error(`Task ${id} was not found.`);
  const t = { ...run.tasks[i]! };
  const note = (body: string, comment = false): void => {
    t.notes = [...t.notes, { comment, at, by: 'you', body }];
  };
  switch (action.action) {
    case 'done':
      Object.assign(t, { status: 'done', completed_at: at, completed_by: 'you' });
      note('Done.');
      break;
    case 'skip':
      Object.assign(t, { status: 'cancelled', completed_at: at, completed_by: 'you' });
      note(`Skipped: ${action.reason}`);
      break;
    case 'reopen':
      Object.assign(t, { status: 'open', completed_at: null, completed_by: null });
      note('Reopened.');
      break;
    case 'snooze':
      t.snoozed_until = action.until;
      note(`Snoozed until ${action.until}.`);
      break;
    case 'reassign':
      Object.assign(t, { team: action.team, owner: action.owner.trim() });
      note(`Reassigned to ${action.owner.trim() || `the ${action.team} queue`}.`);
      break;
    case 'comment':
      note(action.body.trim(), true);
      break;
  }
  run.tasks = run.tasks.map((x, j) => (j === i ? t : x));
  const closes = run.status === 'active' && run.tasks.every((x) => x.status !== 'open');
  if (closes) Object.assign(run, { status: 'completed', closed_at: at });
  return { task: t, completed_run: closes ? run : null };
}

export function mockOutcome(runId: number, outcome: RunOutcome, at: string): RunView {
  const run = runs.find((r) => r.id === runId);
  if (!run) throw new Error(`Playbook run ${runId} was not found.`);
  Object.assign(run, { outcome, status: 'completed', closed_at: run.closed_at ?? at });
  return run;
}
