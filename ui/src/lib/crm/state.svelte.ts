// CRM connections and syncing: the list, the add form's submission, and a running sync's progress.
import type { ConnectionView, Crm, CrmCredentials, IpcError, Progress, Settings, SignInDefaults, SignInForm, SyncReport } from '../bindings';
import { ipc, normaliseError } from '../ipc';

/** Progress rows in a stable order: the order the engine syncs object types. */
export const OBJECT_ORDER = [
  'companies',
  'contacts',
  'deals',
  'tickets',
  'notes',
  'calls',
  'meetings',
  'emails',
  'tasks',
  'feedback_submissions',
  'Account',
  'Contact',
  'Opportunity',
  'Case',
  'Task',
  'Event',
];

export const OBJECT_LABELS: Record<string, string> = {
  companies: 'Companies',
  contacts: 'Contacts',
  deals: 'Deals',
  tickets: 'Tickets',
  notes: 'Notes',
  calls: 'Calls',
  meetings: 'Meetings',
  emails: 'Emails',
  tasks: 'Tasks',
  feedback_submissions: 'Feedback',
  Account: 'Accounts',
  Contact: 'Contacts',
  Opportunity: 'Opportunities',
  Case: 'Cases',
  Task: 'Tasks',
  Event: 'Events',
};

/** Sorts progress rows by the engine's order (unknown types last, by name). */
export function orderedProgress(rows: Iterable<Progress>): Progress[] {
  const rank = (t: string) => {
    const i = OBJECT_ORDER.indexOf(t);
    return i < 0 ? OBJECT_ORDER.length : i;
  };
  return [...rows].sort((a, b) => rank(a.object_type) - rank(b.object_type) || a.object_type.localeCompare(b.object_type));
}

/** What a finished sync amounts to, in one sentence. */
export function summarise(reports: SyncReport[]): string {
  const fetched = reports.reduce((n, r) => n + r.objects.reduce((m, o) => m + o.fetched, 0), 0);
  const changed = reports.reduce((n, r) => n + r.objects.reduce((m, o) => m + o.upserted, 0), 0);
  const deleted = reports.reduce((n, r) => n + r.objects.reduce((m, o) => m + o.deleted, 0), 0);
  const failed = reports.flatMap((r) => r.objects.filter((o) => o.error !== null));
  const base = `${fetched.toLocaleString('en-US')} records read, ${changed.toLocaleString('en-US')} new or changed, ${deleted.toLocaleString('en-US')} deleted`;
  const head = failed.length === 0 ? `Sync finished: ${base}.` : `Sync stopped with ${failed.length} failed object type${failed.length === 1 ? '' : 's'} (${base}).`;
  return [head, ...reports.map(budgetSentence).filter((s) => s !== '')].join(' ');
}

/** How much of a connection's daily API allowance is used, when the CRM says. */
export function budgetSentence(r: SyncReport): string {
  const { daily_used: used, daily_limit: limit } = r.budget;
  if (used === null || limit === null || limit <= 0) return '';
  const pct = (100 * used) / limit;
  return `${r.connection}: ${used.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')} daily API requests used (${pct < 0.1 ? '< 0.1' : pct.toFixed(1)} %).`;
}

/** True when the CRM could not be reached, whether the whole sync or one object type failed. */
export function wasOffline(error: IpcError | null, reports: SyncReport[] | null): boolean {
  return (
    error?.code === 'crm_unreachable' ||
    (reports ?? []).some((r) => r.objects.some((o) => o.error?.code === 'crm_unreachable'))
  );
}

class CrmState {
  connections = $state<ConnectionView[]>([]);
  loaded = $state(false);
  loadError = $state<IpcError | null>(null);
  connecting = $state(false);
  syncing = $state(false);
  progress = $state<Record<string, Progress>>({});
  reports = $state<SyncReport[] | null>(null);
  syncError = $state<IpcError | null>(null);

  async load(): Promise<void> {
    try {
      this.connections = await ipc.connections();
      this.loadError = null;
    } catch (e) {
      this.loadError = normaliseError(e);
    } finally {
      this.loaded = true;
    }
  }

  /** Tests and saves a connection; resolves to the error to show beside the form, or null. */
  async connect(crm: Crm, name: string, baseUrl: string, credentials: CrmCredentials): Promise<IpcError | null> {
    if (this.connecting) return null;
    this.connecting = true;
    try {
      this.connections = await ipc.connectCrm(crm, name.trim(), baseUrl.trim() === '' ? null : baseUrl.trim(), credentials);
      return null;
    } catch (e) {
      return normaliseError(e);
    } finally {
      this.connecting = false;
    }
  }

  /** The sign-in address while a browser sign-in waits for the browser to come back. */
  signInAddress = $state<string | null>(null);
  signingIn = $state(false);

  /** What the browser sign-in form starts from; null when the backend cannot say. */
  async signInDefaults(c: Crm): Promise<SignInDefaults | null> {
    try {
      return await ipc.signInDefaults(c);
    } catch {
      return null;
    }
  }

  /** Signs in through the browser and saves the connection; resolves to the error to show, or null. */
  async signIn(form: SignInForm): Promise<IpcError | null> {
    if (this.signingIn) return null;
    this.signingIn = true;
    this.signInAddress = null;
    try {
      this.connections = await ipc.signInCrm(form, (url) => (this.signInAddress = url));
      return null;
    } catch (e) {
      return normaliseError(e);
    } finally {
      this.signingIn = false;
      this.signInAddress = null;
    }
  }

  async cancelSignIn(): Promise<void> {
    await ipc.cancelSignIn().catch(() => undefined);
  }

  /** Tests and saves an edited connection; resolves to the error to show, or null. */
  async edit(name: string, baseUrl: string, settings: Settings, credentials: CrmCredentials | null): Promise<IpcError | null> {
    try {
      this.connections = await ipc.editConnection(name, baseUrl, settings, credentials);
      return null;
    } catch (e) {
      return normaliseError(e);
    }
  }

  /** Tests a connection; resolves to the mapping's notes, or the error. */
  async test(name: string): Promise<{ notes: string[] } | { error: IpcError }> {
    try {
      const notes = await ipc.testConnection(name);
      await this.load();
      return { notes };
    } catch (e) {
      return { error: normaliseError(e) };
    }
  }

  async disconnect(name: string): Promise<IpcError | null> {
    try {
      this.connections = await ipc.disconnect(name);
      return null;
    } catch (e) {
      return normaliseError(e);
    }
  }

  /** Runs a sync; resolves true when every object type finished. */
  async sync(name: string | null, full: boolean): Promise<boolean> {
    if (this.syncing) return false;
    this.syncing = true;
    this.progress = {};
    this.reports = null;
    this.syncError = null;
    try {
      this.reports = await ipc.syncNow(name, full, (p) => {
        this.progress = { ...this.progress, [`${p.connection}/${p.object_type}`]: p };
      });
      return this.reports.every((r) => r.objects.every((o) => o.error === null));
    } catch (e) {
      this.syncError = normaliseError(e);
      return false;
    } finally {
      this.syncing = false;
      await this.load();
    }
  }

  async cancel(): Promise<void> {
    await ipc.cancelSync().catch(() => undefined);
  }

  /** When the newest of the connections' complete syncs finished, if any. */
  get lastSynced(): string | null {
    const times = this.connections.map((c) => c.last_synced).filter((t): t is string => t !== null);
    return times.length === 0 ? null : times.reduce((a, b) => (a > b ? a : b));
  }

  get offline(): boolean {
    return wasOffline(this.syncError, this.reports);
  }

  private timer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Background sync: at start (which also resumes a sync the app was closed during), then every
   * 15 minutes, or every minute while the CRM cannot be reached. `onsynced` runs after each sync.
   */
  startBackground(onsynced: () => Promise<void>): void {
    const run = async () => {
      await this.load();
      if (this.connections.length > 0 && !this.syncing) {
        await this.sync(null, false);
        await onsynced();
      }
      this.timer = setTimeout(() => void run(), this.offline ? 60_000 : 15 * 60_000);
    };
    this.stopBackground();
    void run();
  }

  stopBackground(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

export const crm = new CrmState();
