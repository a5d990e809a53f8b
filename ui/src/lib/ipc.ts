// The one door to the Rust side: typed Tauri commands whose rejections are always an IpcError.
import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  MilestoneAction,
  MilestoneForm,
  MilestonesView,
  PlanDraftForm,
  PlanForm,
  PlanSaved,
  SuccessView,
  TtvView,
  AccountJourney,
  AdoptionBook,
  JourneyView,
  ColumnMapping,
  ImportPreview,
  ImportProgress,
  ImportReport,
  ExpansionView,
  HandedOff,
  PriceBook,
  PriceBookSaved,
  ValueEntryForm,
  AlertQuery,
  Playbook,
  PlaybookSaved,
  RunOutcome,
  RunStarted,
  RunView,
  TaskAction,
  TaskActed,
  TasksView,
  ModelReport,
  AlertAction,
  RuleSet,
  RulesView,
  WarningsView,
  AdvisoryMember,
  AcceptFollowUp,
  Accepted,
  FollowUpView,
  ExportReport,
  FeedbackOverride,
  Insights,
  InsightsFilter,
  Taxonomy,
  Theme,
  CaptureForm,
  Captured,
  ContactFacts,
  Draft,
  OutboxEntryView,
  WriteKind,
  AccountDetail,
  AppStatus,
  ConnectionView,
  WritebackView,
  Crm,
  CrmCredentials,
  ErrorCode,
  IpcError,
  Portfolio,
  Progress,
  Settings,
  SignInDefaults,
  SignInForm,
  SyncReport,
} from './bindings';

// `satisfies` makes svelte-check fail when the Rust side adds a code this list lacks.
const ERROR_CODE_SET = {
  not_found: true,
  invalid_input: true,
  keychain_unavailable: true,
  passphrase_required: true,
  wrong_key: true,
  corrupt_database: true,
  storage: true,
  crm_auth: true,
  crm_scope: true,
  crm_unreachable: true,
  crm_rate_limited: true,
  crm_bad_response: true,
  crm_setup: true,
  crm_rejected: true,
  cancelled: true,
  internal: true,
} as const satisfies Record<ErrorCode, true>;
const ERROR_CODES = Object.keys(ERROR_CODE_SET) as readonly ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return isErrorCode(v.code) && typeof v.message === 'string';
}

function sentence(text: string): string {
  const t = text.trim();
  if (t === '') return '';
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** Turns whatever a rejected invoke produced into an IpcError; an IpcError passes through unchanged. */
export function normaliseError(error: unknown): IpcError {
  if (isIpcError(error)) return { code: error.code, message: error.message };
  let detail = '';
  if (typeof error === 'string') detail = error;
  else if (error instanceof Error) detail = error.message;
  else if (typeof error === 'object' && error !== null) {
    const m = (error as Record<string, unknown>).message;
    if (typeof m === 'string') detail = m;
  }
  const d = sentence(detail);
  return {
    code: 'internal',
    message: d === '' ? 'Something went wrong. Please try again.' : `Something went wrong: ${d}`,
  };
}

/** Calls a Tauri command; rejects with a normalised IpcError. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw normaliseError(error);
  }
}

export const ipc = {
  appStatus: (): Promise<AppStatus> => call<AppStatus>('app_status'),
  portfolio: (): Promise<Portfolio> => call<Portfolio>('portfolio'),
  account: (id: number): Promise<AccountDetail> => call<AccountDetail>('account', { id }),
  resetDemo: (seed: number | null = null, accounts: number | null = null): Promise<AppStatus> =>
    call<AppStatus>('reset_demo', { seed, accounts }),
  /** Opens the store with a passphrase; `confirm` is the same passphrase again when it creates one. */
  unlock: (passphrase: string, confirm: string | null): Promise<AppStatus> => call<AppStatus>('unlock', { passphrase, confirm }),
  connections: (): Promise<ConnectionView[]> => call<ConnectionView[]>('connections'),
  connectCrm: (crm: Crm, name: string, baseUrl: string | null, credentials: CrmCredentials): Promise<ConnectionView[]> =>
    call<ConnectionView[]>('connect_crm', { crm, name, baseUrl, credentials }),
  editConnection: (
    name: string,
    baseUrl: string,
    settings: Settings,
    credentials: CrmCredentials | null,
  ): Promise<ConnectionView[]> => call<ConnectionView[]>('edit_connection', { name, baseUrl, settings, credentials }),
  /** Tests a connection; resolves to what its mapping could not find, in sentences. */
  testConnection: (name: string): Promise<string[]> => call<string[]>('test_connection', { name }),
  disconnect: (name: string): Promise<ConnectionView[]> => call<ConnectionView[]>('disconnect', { name }),
  /** Runs a sync; `onProgress` gets each object type's progress as pages are stored. */
  syncNow: (name: string | null, full: boolean, onProgress: (p: Progress) => void): Promise<SyncReport[]> => {
    const channel = new Channel<Progress>();
    channel.onmessage = onProgress;
    return call<SyncReport[]>('sync_now', { name, full, onProgress: channel });
  },
  cancelSync: (): Promise<void> => call<void>('cancel_sync'),
  /** What the browser sign-in form for `crm` starts from. */
  signInDefaults: (crm: Crm): Promise<SignInDefaults> => call<SignInDefaults>('sign_in_defaults', { crm }),
  /** Signs in through the system browser; `onAddress` gets the sign-in address as the browser opens. */
  signInCrm: (form: SignInForm, onAddress: (url: string) => void): Promise<ConnectionView[]> => {
    const channel = new Channel<string>();
    channel.onmessage = onAddress;
    return call<ConnectionView[]>('sign_in_crm', { form, onAddress: channel });
  },
  cancelSignIn: (): Promise<void> => call<void>('cancel_sign_in'),
  /** The account's contacts, for "who said it" and "attendees". */
  captureContacts: (accountId: number): Promise<ContactFacts[]> => call<ContactFacts[]>('capture_contacts', { accountId }),
  /** Saves a capture locally (never waiting for the CRM); field errors come back in `errors`. */
  capture: (form: CaptureForm): Promise<Captured> => call<Captured>('capture', { form }),
  saveDraft: (form: CaptureForm): Promise<void> => call<void>('save_draft', { form }),
  drafts: (accountId: number): Promise<Draft[]> => call<Draft[]>('drafts', { accountId }),
  discardDraft: (accountId: number, kind: WriteKind): Promise<void> => call<void>('discard_draft', { accountId, kind }),
  outbox: (accountId: number | null): Promise<OutboxEntryView[]> => call<OutboxEntryView[]>('outbox', { accountId }),
  retryOutbox: (id: number): Promise<OutboxEntryView> => call<OutboxEntryView>('retry_outbox', { id }),
  openInCrm: (id: number): Promise<void> => call<void>('open_in_crm', { id }),
  /** Subscribes to the background sender: `onChange` is called when entries were sent or refused. */
  watchOutbox: (onChange: () => void): Promise<void> => {
    const channel = new Channel<null>();
    channel.onmessage = onChange;
    return call<void>('watch_outbox', { onChange: channel });
  },
  /** The feedback analysis over a filter (themes and sentiment read on the device). */
  feedbackInsights: (filter: InsightsFilter): Promise<Insights> => call<Insights>('feedback_insights', { filter }),
  taxonomy: (): Promise<Taxonomy> => call<Taxonomy>('taxonomy'),
  /** Saves the themes as a new taxonomy version; every response is read again under it. */
  saveTaxonomy: (themes: Theme[]): Promise<Taxonomy> => call<Taxonomy>('save_taxonomy', { themes }),
  setFeedbackOverride: (change: FeedbackOverride): Promise<void> => call<void>('set_feedback_override', { change }),
  /** Asks where to save (native dialog) and writes the export; null when the user cancels. */
  exportInsights: (filter: InsightsFilter, format: 'xlsx' | 'csv'): Promise<ExportReport | null> =>
    call<ExportReport | null>('export_insights', { filter, format }),
  /** Follow-ups on unhappy feedback of the last 30 days (one account's, or all). */
  /** The first rows matching the Warnings view's filters, with the totals of all that match. */
  warnings: (query: AlertQuery): Promise<WarningsView> => call<WarningsView>('warnings', { query }),
  actOnWarnings: (ids: number[], action: AlertAction): Promise<number> => call<number>('act_on_warnings', { ids, action }),
  markWarningsSeen: (ids: number[]): Promise<void> => call<void>('mark_warnings_seen', { ids }),
  /** Shows the desktop notification due for new critical warnings; true when one was shown. */
  notifyWarnings: (): Promise<boolean> => call<boolean>('notify_warnings'),
  /** Calls `onOpen` when the user clicks a warnings notification. */
  watchWarnings: (onOpen: () => void): Promise<void> => {
    const channel = new Channel<null>();
    channel.onmessage = onOpen;
    return call<void>('watch_warnings', { onOpen: channel });
  },
  notifications: (): Promise<boolean> => call<boolean>('notifications'),
  setNotifications: (on: boolean): Promise<void> => call<void>('set_notifications', { on }),
  modelReport: (): Promise<ModelReport> => call<ModelReport>('model_report'),
  playbooks: (): Promise<Playbook[]> => call<Playbook[]>('playbooks'),
  /** Saves a playbook as a new version (a new playbook when its key is empty). */
  savePlaybook: (playbook: Playbook): Promise<PlaybookSaved> => call<PlaybookSaved>('save_playbook', { playbook }),
  /** Starts a playbook for an account; one already running is returned as it is. */
  startPlaybook: (accountId: number, key: string, alertId: number | null): Promise<RunStarted> =>
    call<RunStarted>('start_playbook', { accountId, key, alertId }),
  tasks: (all: boolean): Promise<TasksView> => call<TasksView>('tasks', { all }),
  actOnTask: (id: number, action: TaskAction): Promise<TaskActed> => call<TaskActed>('act_on_task', { id, action }),
  recordOutcome: (runId: number, outcome: RunOutcome): Promise<RunView> => call<RunView>('record_outcome', { runId, outcome }),
  /** Queues a task for the account's CRM (once); returns the outbox entry. */
  sendTask: (id: number): Promise<number> => call<number>('send_task', { id }),
  /** The account's success plans, milestones with their derived status, timeline and drafts. */
  success: (accountId: number): Promise<SuccessView> => call<SuccessView>('success', { accountId }),
  savePlan: (form: PlanForm): Promise<PlanSaved> => call<PlanSaved>('save_plan', { form }),
  deletePlan: (accountId: number, id: number): Promise<PlanSaved> => call<PlanSaved>('delete_plan', { accountId, id }),
  /** Saves a milestone (field errors save nothing); with `tell_crm`, queues a note for the CRM. */
  saveMilestone: (form: MilestoneForm): Promise<PlanSaved> => call<PlanSaved>('save_milestone', { form }),
  actOnMilestone: (id: number, action: MilestoneAction): Promise<PlanSaved> => call<PlanSaved>('act_on_milestone', { id, action }),
  savePlanDraft: (form: PlanDraftForm): Promise<void> => call<void>('save_plan_draft', { form }),
  discardPlanDraft: (accountId: number, target: string): Promise<void> => call<void>('discard_plan_draft', { accountId, target }),
  /** The book's open milestones due within 30 days, and those behind or stuck. */
  milestones: (): Promise<MilestonesView> => call<MilestonesView>('milestones'),
  /** Time-to-value by contract-start quarter, the cut against a year earlier, and who still waits. */
  ttv: (): Promise<TtvView> => call<TtvView>('ttv'),
  /** Saves a value entry (field errors save nothing); the account's success view comes back. */
  saveValueEntry: (form: ValueEntryForm): Promise<PlanSaved> => call<PlanSaved>('save_value_entry', { form }),
  /** Opens the native file dialog for a usage CSV and previews it; null when cancelled. */
  pickUsageFile: (): Promise<ImportPreview | null> => call<ImportPreview | null>('pick_usage_file'),
  /** The picked file again with the user's column mapping. Nothing is written. */
  previewUsage: (mapping: ColumnMapping): Promise<ImportPreview> => call<ImportPreview>('preview_usage', { mapping }),
  importUsage: (mapping: ColumnMapping, skipBad: boolean, onProgress: (p: ImportProgress) => void): Promise<ImportReport> => {
    const channel = new Channel<ImportProgress>();
    channel.onmessage = onProgress;
    return call<ImportReport>('import_usage', { mapping, skipBad, onProgress: channel });
  },
  /** The journey over [from, to] (by default the last year): flows, time per stage, stalls, handoffs. */
  journey: (from: string | null = null, to: string | null = null): Promise<JourneyView> => call<JourneyView>('journey', { from, to }),
  /** Ticks a handoff checklist item off today, or back on; the account's journey comes back. */
  setHandoffItem: (itemId: number, done: boolean): Promise<AccountJourney> => call<AccountJourney>('set_handoff_item', { itemId, done }),
  /** The book's adoption: accounts by seat utilisation and feature breadth, lowest first. */
  adoption: (): Promise<AdoptionBook> => call<AdoptionBook>('adoption'),
  /** The book's expansion opportunities at the price book's prices. */
  expansion: (): Promise<ExpansionView> => call<ExpansionView>('expansion'),
  savePriceBook: (book: PriceBook): Promise<PriceBookSaved> => call<PriceBookSaved>('save_price_book', { book }),
  /** Hands the account's open opportunity to sales as a task (sent to the CRM for CRM accounts). */
  handOff: (accountId: number): Promise<HandedOff> => call<HandedOff>('hand_off', { accountId }),
  deleteValueEntry: (accountId: number, id: number): Promise<PlanSaved> => call<PlanSaved>('delete_value_entry', { accountId, id }),
  rules: (): Promise<RulesView> => call<RulesView>('rules'),
  saveRules: (set: RuleSet): Promise<RulesView> => call<RulesView>('save_rules', { set }),
  followups: (accountId: number | null): Promise<FollowUpView[]> => call<FollowUpView[]>('followups', { accountId }),
  acceptFollowup: (accept: AcceptFollowUp): Promise<Accepted> => call<Accepted>('accept_followup', { accept }),
  dismissFollowup: (responseId: number, reason: string): Promise<void> => call<void>('dismiss_followup', { responseId, reason }),
  advisoryMembers: (): Promise<AdvisoryMember[]> => call<AdvisoryMember[]>('advisory_members'),
  setAdvisory: (contactId: number, member: boolean): Promise<void> => call<void>('set_advisory', { contactId, member }),
  scoreWriteback: (name: string): Promise<WritebackView> => call<WritebackView>('score_writeback', { name }),
  /** Turns score write-back on (HubSpot: creates the company properties; ask first) or off. */
  setScoreWriteback: (name: string, on: boolean): Promise<WritebackView> =>
    call<WritebackView>('set_score_writeback', { name, on }),
  /** Saves the Salesforce package an admin deploys (asks for a folder); null when cancelled. */
  saveSalesforceSetup: (): Promise<string | null> => call<string | null>('save_salesforce_setup'),
  /** Opens a file exported this session, or its folder. */
  openExport: (path: string, folder: boolean): Promise<void> => call<void>('open_export', { path, folder }),
  /** Subscribes to background scoring: `onChange` is called whenever scores change. */
  watchScores: (onChange: () => void): Promise<void> => {
    const channel = new Channel<null>();
    channel.onmessage = onChange;
    return call<void>('watch_scores', { onChange: channel });
  },
};
