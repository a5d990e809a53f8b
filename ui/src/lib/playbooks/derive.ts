// Pure helpers for playbooks and My tasks: labels, grouping by due day, and sentences.
import type { DueBucket, RunOutcome, RunView, TaskView, Team } from '../bindings';
import { formatDate } from '../format';

export const TEAMS: readonly Team[] = ['cs', 'sales', 'support', 'delivery', 'executive'];

export const TEAM_LABEL: Record<Team, string> = {
  cs: 'Customer success',
  sales: 'Sales',
  support: 'Support',
  delivery: 'Delivery',
  executive: 'Executive sponsor',
};

/** A stored team id as people say it (an unknown id is shown as it is). */
export function teamLabel(team: string): string {
  return (TEAM_LABEL as Record<string, string>)[team] ?? team;
}

export const BUCKETS: readonly DueBucket[] = ['overdue', 'today', 'this_week', 'later', 'no_due_date'];

export const BUCKET_LABEL: Record<DueBucket, string> = {
  overdue: 'Overdue',
  today: 'Due today',
  this_week: 'Later this week',
  later: 'Later',
  no_due_date: 'No due date',
};

export const OUTCOME_LABEL: Record<RunOutcome, string> = { saved: 'Saved', churned: 'Churned', expanded: 'Expanded' };

export const TEAM_SHORT: Record<Team, string> = { cs: 'CS', sales: 'Sales', support: 'Support', delivery: 'Delivery', executive: 'Exec sponsor' };

/** Who has it in a list row: "Dana Reyes · CS", or "Support queue". */
export function ownerShort(t: Pick<TaskView, 'team' | 'owner'>): string {
  const short = (TEAM_SHORT as Record<string, string>)[t.team] ?? t.team;
  return t.owner ? `${t.owner} · ${short}` : `${teamLabel(t.team)} queue`;
}

/** How far the due day is from today: "3 days overdue", "today", "tomorrow", "in 5 days". */
export function dueRelative(due: string, today: string): string {
  const n = daysBetween(today, due);
  if (n < -1) return `${-n} days overdue`;
  if (n === -1) return '1 day overdue';
  if (n === 0) return 'today';
  if (n === 1) return 'tomorrow';
  return `in ${n} days`;
}

/** Who has it: "Dana Reyes · Customer success", or "Support queue" when no one is named. */
export function ownerText(t: Pick<TaskView, 'team' | 'owner'>): string {
  return t.owner ? `${t.owner} · ${teamLabel(t.team)}` : `${teamLabel(t.team)} queue`;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** When it is due, said from today: "3 days overdue", "due today", "due tomorrow", "due 4 Dec 2026". */
export function dueText(t: Pick<TaskView, 'due_on' | 'status'>, today: string): string {
  if (!t.due_on) return 'no due date';
  if (t.status !== 'open') return `was due ${formatDate(t.due_on)}`;
  const n = daysBetween(today, t.due_on);
  if (n < -1) return `${-n} days overdue`;
  if (n === -1) return '1 day overdue';
  if (n === 0) return 'due today';
  if (n === 1) return 'due tomorrow';
  return `due ${formatDate(t.due_on)}`;
}

/** Tasks of one team ('' for all), open ones grouped by when they are due, in the view's order. */
export function groupTasks(tasks: readonly TaskView[], team: Team | ''): { bucket: DueBucket | 'closed'; tasks: TaskView[] }[] {
  const shown = tasks.filter((t) => team === '' || t.team === team);
  const groups: { bucket: DueBucket | 'closed'; tasks: TaskView[] }[] = [];
  for (const b of BUCKETS) {
    const inIt = shown.filter((t) => t.status === 'open' && t.bucket === b);
    if (inIt.length > 0) groups.push({ bucket: b, tasks: inIt });
  }
  const closed = shown.filter((t) => t.status !== 'open');
  if (closed.length > 0) groups.push({ bucket: 'closed', tasks: closed });
  return groups;
}

/** A run's progress: steps closed of all. */
export function progress(run: Pick<RunView, 'tasks'>): { closed: number; steps: number } {
  return { closed: run.tasks.filter((t) => t.status !== 'open').length, steps: run.tasks.length };
}
