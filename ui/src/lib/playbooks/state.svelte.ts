// My tasks' state: the tasks, the team filter, the cursor, and the user's actions. Kept across
// screens, so opening an account and coming back keeps the place.
import type { IpcError, RunOutcome, RunView, TaskAction, TaskView, TasksView, Team } from '../bindings';
import { ipc, normaliseError } from '../ipc';
import { banner } from '../app/errors.svelte';
import { groupTasks } from './derive';

class TasksState {
  data = $state.raw<TasksView | null>(null);
  loading = $state(false);
  error = $state<IpcError | null>(null);
  /** Done, skipped and snoozed ones too. */
  all = $state(false);
  team = $state<Team | ''>('');
  cursor = $state<number | null>(null);
  acting = $state(false);
  /** A run whose last step was just closed: the view asks how it ended. */
  completed = $state.raw<RunView | null>(null);
  #seq = 0;

  readonly groups = $derived(this.data ? groupTasks(this.data.tasks, this.team) : []);
  /** The tasks in the order shown. */
  readonly rows: TaskView[] = $derived(this.groups.flatMap((g) => g.tasks));
  readonly current: TaskView | null = $derived(this.rows.find((t) => t.id === this.cursor) ?? null);

  /** Reads the tasks again; a cursor whose task left the list moves to the task at `at` (the
   *  one that took its place), else to the first. */
  async load(at = 0): Promise<void> {
    const seq = ++this.#seq;
    this.loading = true;
    this.error = null;
    try {
      const d = await ipc.tasks(this.all);
      if (seq !== this.#seq) return;
      this.data = d;
      if (this.cursor !== null && !this.rows.some((t) => t.id === this.cursor)) this.cursor = null;
      if (this.cursor === null && this.rows.length > 0) this.cursor = this.rows[Math.min(Math.max(at, 0), this.rows.length - 1)]!.id;
    } catch (e) {
      if (seq === this.#seq) this.error = normaliseError(e);
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  move(n: number): void {
    const rows = this.rows;
    if (rows.length === 0) return;
    const i = rows.findIndex((t) => t.id === this.cursor);
    const next = i < 0 ? (n > 0 ? 0 : rows.length - 1) : Math.min(rows.length - 1, Math.max(0, i + n));
    this.cursor = rows[next]!.id;
  }

  /** Acts on task `id`; the cursor stays in place (on the task that takes its place when it
   *  leaves the list). Errors are thrown to the caller, which shows them next to its fields. */
  async act(id: number, action: TaskAction): Promise<void> {
    this.acting = true;
    const at = this.rows.findIndex((t) => t.id === id);
    try {
      const got = await ipc.actOnTask(id, action);
      if (got.completed_run) this.completed = got.completed_run;
      await this.load(at);
    } finally {
      this.acting = false;
    }
  }

  async send(id: number): Promise<void> {
    this.acting = true;
    try {
      await ipc.sendTask(id);
      await this.load(this.rows.findIndex((t) => t.id === id));
    } finally {
      this.acting = false;
    }
  }

  async outcome(run: RunView, outcome: RunOutcome | null): Promise<void> {
    if (outcome === null) {
      this.completed = null;
      return;
    }
    try {
      await ipc.recordOutcome(run.id, outcome);
      this.completed = null;
    } catch (e) {
      banner.show(e);
    }
  }
}

export const tasks = new TasksState();
