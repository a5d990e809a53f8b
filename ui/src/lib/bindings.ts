// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p rapport-core bindings` (ts-rs).
// Do not edit by hand: a test fails when this file and the Rust types drift apart.

export type ErrorCode = "not_found" | "invalid_input" | "keychain_unavailable" | "passphrase_required" | "wrong_key" | "corrupt_database" | "storage" | "crm_auth" | "crm_scope" | "crm_unreachable" | "crm_rate_limited" | "crm_bad_response" | "crm_setup" | "crm_rejected" | "cancelled" | "internal";

export type IpcError = { code: ErrorCode, message: string, };

export type Crm = "demo" | "hubspot" | "salesforce";

export type LifecycleStage = "onboarding" | "adoption" | "value" | "renewal" | "expansion" | "at_risk" | "churned";

export type DealKind = "new" | "renewal" | "expansion" | "contraction" | "other";

export type DealStatus = "open" | "won" | "lost";

export type SurveyKind = "nps" | "csat" | "ces";

export type Band = "red" | "yellow" | "green";

export type Measure = "seat_utilisation" | "usage_trend" | "engagement" | "support" | "satisfaction" | "sentiment";

export type Component = { measure: Measure, label: string, 
/**
 * The raw input in its own unit (a ratio, days, a count, a mean score), when there is one.
 */
raw: number | null, 
/**
 * The raw input said in words, e.g. "62 of 100 seats active (62 %)".
 */
raw_text: string, 
/**
 * 0–100, absent when the input is missing.
 */
score: number | null, 
/**
 * The profile's weight, and the weight after staleness decay (0 when missing).
 */
weight: number, effective_weight: number, 
/**
 * Share of the composite (effective weight ÷ sum of effective weights).
 */
share: number, 
/**
 * Points this measure adds to the composite; the contributions sum to the score.
 */
contribution: number, 
/**
 * Day of the newest data behind the input and its age in days on the scoring day.
 */
input_on: string | null, age_days: number | null, missing: boolean, 
/**
 * The input is old enough to have lost weight (the UI's "stale" tag).
 */
stale: boolean, };

export type MeasureChange = { measure: Measure, label: string, before: number | null, after: number | null, 
/**
 * Change of this measure's contribution to the composite, in points.
 */
contribution_delta: number, };

export type PreviousScore = { day: string, score: number | null, };

export type Confidence = "high" | "medium" | "low" | "insufficient";

export type HealthExplanation = { day: string, score: number | null, band: Band | null, profile: string, profile_name: string, model_version: string, components: Array<Component>, 
/**
 * Share of the profile's weight with data, and what that makes of the score.
 */
coverage: number, confidence: Confidence, previous: PreviousScore | null, 
/**
 * Measures whose contribution moved by at least half a point, largest move first.
 */
changes: Array<MeasureChange>, 
/**
 * One sentence for the header, e.g. "Down 7 points since 17 Nov 2026, mostly usage trend (−5.2)".
 */
summary: string, };

export type KpiStatus = "met" | "missed" | "info" | "no_data";

export type KpiTile = { id: string, label: string, value: number | null, 
/**
 * The value as shown, e.g. "92 %", "$12.4M", "+41".
 */
display: string, 
/**
 * The seed target in words, e.g. "> 90 %".
 */
target: string | null, status: KpiStatus, 
/**
 * The period the figure covers, e.g. "last 90 days".
 */
period: string, 
/**
 * How it was computed, in a sentence.
 */
detail: string, 
/**
 * Points for a small chart (oldest first), when the figure trends.
 */
series: Array<number>, };

export type AppStatus = { 
/**
 * True while the store holds the generated demo portfolio.
 */
demo: boolean, demo_seed: string | null, 
/**
 * When the data was last refreshed (demo generation or last sync).
 */
data_as_of: string, 
/**
 * `keychain` or `passphrase`.
 */
key_source: string, data_dir: string, 
/**
 * Accounts on the books (churned ones excluded).
 */
accounts: number, 
/**
 * Captured entries not yet delivered to their CRM.
 */
outbox_waiting: number, };

export type HealthDistribution = { green: number, yellow: number, red: number, unscored: number, };

export type PortfolioRow = { id: number, name: string, segment: string, industry: string, owner: string, stage: LifecycleStage, arr: number, currency: string, score: number | null, band: Band | null, 
/**
 * Points since the previous snapshot.
 */
delta: number | null, 
/**
 * Scores of the last 90 days, oldest first, for the sparkline.
 */
trend: Array<number>, renewal_date: string | null, days_to_renewal: number | null, 
/**
 * Probability (0–1) the churn model gives that it will not renew; `None` while the book
 * has too little history for the model.
 */
risk: number | null, };

export type Portfolio = { 
/**
 * The day the scores are for.
 */
scored_on: string | null, status: AppStatus, kpis: Array<KpiTile>, distribution: HealthDistribution, rows: Array<PortfolioRow>, 
/**
 * Open early warnings by severity.
 */
warnings: WarningCounts, 
/**
 * Open tasks by when they are due.
 */
tasks: TaskCounts, };

export type AccountHeader = { id: number, name: string, domain: string, industry: string, segment: string, tier: string, owner: string, stage: LifecycleStage, arr: number, mrr: number, currency: string, contract_start: string, renewal_date: string | null, days_to_renewal: number | null, 
/**
 * The user's local day of the last two-way conversation, and the days since it.
 */
last_two_way_on: string | null, days_since_two_way: number | null, seats_purchased: number, crm: Crm, crm_id: string, churned_on: string | null, 
/**
 * How ARR was arrived at when the CRM holds none, in a sentence.
 */
arr_note: string | null, 
/**
 * How the contract or renewal date was arrived at when the CRM holds none.
 */
dates_note: string | null, 
/**
 * The day the current lifecycle stage began, and the days spent in it so far.
 */
stage_since: string | null, days_in_stage: number | null, };

export type ContactView = { id: number, name: string, email: string, title: string, champion: boolean, sponsor: boolean, decision_maker: boolean, advisory: boolean, last_engaged: string | null, left_on: string | null, 
/**
 * Why Rapport thinks they left, in words (bounced mail, removed from the company, ...).
 */
left_reason: string | null, };

export type DealView = { id: number, name: string, kind: DealKind, amount: number, stage: string, close_date: string, status: DealStatus, };

export type TicketView = { id: number, subject: string, priority: string, status: string, opened_on: string, closed_on: string | null, csat: number | null, };

export type ActivityView = { id: number, kind: string, direction: string, team: string, at: string, summary: string, contact: string | null, 
/**
 * Logged in Rapport (and sent, or on its way, to the CRM).
 */
captured_here: boolean, };

export type FeedbackView = { kind: SurveyKind, score: number, verbatim: string, channel: string, captured_at: string, contact: string | null, 
/**
 * Logged in Rapport rather than read from the CRM.
 */
captured_here: boolean, };

export type AccountDetail = { header: AccountHeader, health: HealthExplanation | null, 
/**
 * 12-month health trend rendered by plotters, as a standalone SVG document.
 */
trend_svg: string, 
/**
 * The same chart in the dark theme's colours.
 */
trend_svg_dark: string, contacts: Array<ContactView>, open_deals: Array<DealView>, tickets: Array<TicketView>, feedback: Array<FeedbackView>, timeline: Array<ActivityView>, 
/**
 * The account's early warnings, open first.
 */
alerts: Array<AlertView>, 
/**
 * The churn model's risk for it, when the book's history allows a model.
 */
risk: AccountRisk | null, 
/**
 * Its retention playbooks, active first, with their tasks.
 */
runs: Array<RunView>, 
/**
 * Its lifecycle stays and handoff checklists.
 */
journey: AccountJourney, 
/**
 * Its active users and seat utilisation over the year, and its key features.
 */
adoption: AccountAdoption, status: AppStatus, };

export type ConnectionView = { name: string, crm: Crm, base_url: string, 
/**
 * When every object type last finished syncing.
 */
last_synced: string | null, 
/**
 * The newest failed run's error, if the newest run of some type failed.
 */
last_error: IpcError | null, 
/**
 * What the mapping could not find in this CRM, in sentences.
 */
notes: Array<string>, 
/**
 * A plain http:// address to this computer (tests, local proxies).
 */
unencrypted: boolean, requests_per_10s: number, 
/**
 * How CRM fields map to Rapport's (editable).
 */
settings: Settings, 
/**
 * Whether health scores are written back to this CRM.
 */
score_writeback: boolean, };

export type WritebackView = { connection: string, on: boolean, 
/**
 * The CRM fields the scores go to (HubSpot company properties, Salesforce Account fields).
 */
fields: Array<string>, 
/**
 * HubSpot properties Rapport created just now (turning it on).
 */
created: Array<string>, 
/**
 * What the CRM still lacks before the scores can land, in a sentence.
 */
setup: string | null, 
/**
 * Accounts whose score the CRM holds as Rapport last computed it.
 */
delivered: number, 
/**
 * Score writes on their way.
 */
waiting: number, last_written_at: string | null, };

export type Severity = "info" | "warning" | "critical";

export type RuleId = "usage_drop" | "health_drop" | "relationship_left" | "renewal_at_risk" | "no_touch" | "bad_survey" | "ticket_spike" | "seat_utilisation" | "first_value_late" | "milestone_stuck" | "stage_stalled";

export type Rule = { id: RuleId, enabled: boolean, severity: Severity, params: { [key in string]?: number }, };

export type RuleSet = { 
/**
 * 0 for the built-in defaults never saved.
 */
version: number, rules: Array<Rule>, };

export type Evidence = { label: string, value: string, on: string | null, };

export type AlertState = "open" | "snoozed" | "resolved";

export type AlertAction = { "action": "snooze_until", until: string, } | { "action": "snooze_until_change" } | { "action": "resolve" } | { "action": "reopen" };

export type AlertView = { id: number, account_id: number, account_name: string, segment: string, owner: string, arr: number, currency: string, rule: RuleId, rule_label: string, severity: Severity, summary: string, evidence: Array<Evidence>, state: AlertState, fired_at: string, 
/**
 * When its figures last changed (it still holds unless `cleared_at` is set).
 */
updated_at: string, 
/**
 * Since when the condition no longer holds, if it cleared.
 */
cleared_at: string | null, snoozed_until: string | null, snooze_until_change: boolean, 
/**
 * Who last changed its state, and when (`None` while it is as the rules left it).
 */
state_by: string | null, state_at: string | null, rules_version: number, 
/**
 * The user has had it on screen (or been notified of it).
 */
seen: boolean, 
/**
 * The playbook its rule suggests, and the account's run of it if one is going.
 */
playbook: PlaybookHint | null, };

export type AlertQuery = { 
/**
 * Snoozed and resolved ones too.
 */
all: boolean, severity: Severity | null, rule: RuleId | null, segment: string | null, owner: string | null, 
/**
 * At most this many rows, most severe and most ARR first (`None`: every one).
 */
limit: number | null, };

export type AlertTotals = { matching: number, open_arr: number, };

export type RuleChoice = { id: RuleId, label: string, };

export type AlertFacets = { rules: Array<RuleChoice>, segments: Array<string>, owners: Array<string>, };

export type ParamSpec = { key: string, label: string, 
/**
 * "%", "days", "points", "tickets", or "" for a plain score.
 */
unit: string, default: number, min: number, max: number, };

export type CalibrationBin = { from: number, to: number, count: number, 
/**
 * Mean predicted probability, and the share that did turn out positive.
 */
predicted: number | null, observed: number | null, };

export type Driver = { feature: string, 
/**
 * e.g. "Active users down 38 % month over month: +12 points of risk".
 */
text: string, 
/**
 * Probability points this feature adds (negative: it lowers the risk).
 */
points: number, };

export type Span = { from: string, to: string, renewals: number, churned: number, };

export type Weight = { feature: string, label: string, weight: number, };

export type Pattern = { feature: string, label: string, renewed: number | null, expanded: number | null, churned: number | null, 
/**
 * |median renewed − median churned| ÷ the feature's spread: how far apart they sit.
 */
separation: number, };

export type BacktestReport = { train: Span, test: Span, roc_auc: number | null, pr_auc: number | null, brier: number | null, arr_auc: number | null, 
/**
 * The health score alone (100 − score) as the predictor, on the same held-out renewals.
 */
health_auc: number | null, 
/**
 * The model's AUC minus the health score's on the held-out renewals that have both, with a
 * 95 % paired-bootstrap interval: above zero throughout means clearly better.
 */
auc_gap: number | null, auc_gap_interval: [number, number] | null, 
/**
 * Share of the held-out renewals that churned (PR AUC's chance level).
 */
base_rate: number, calibration: Array<CalibrationBin>, 
/**
 * The probability from which an account counts as at risk (best Youden's J on training).
 */
threshold: number, 
/**
 * The L2 penalty cross-validation chose on the training renewals.
 */
alpha: number, 
/**
 * Median days before renewal (checked every 30 days from 180) at which held-out churners
 * first crossed the threshold, and how many of them ever did (of at most [`LEAD_SAMPLE`]).
 */
lead_time_days: number | null, caught: number, weights: Array<Weight>, patterns: Array<Pattern>, patterns_text: string, };

export type Team = "cs" | "sales" | "support" | "delivery" | "executive";

export type PlaybookStep = { title: string, team: Team, due_days: number, description: string, };

export type Playbook = { 
/**
 * Stable across versions ("renewal_at_risk"); new playbooks get one from their name.
 */
key: string, 
/**
 * 0 for a new playbook not saved yet.
 */
version: number, name: string, description: string, 
/**
 * The early-warning rules whose alerts suggest it.
 */
triggers: Array<RuleId>, steps: Array<PlaybookStep>, 
/**
 * Archived playbooks are not offered; their runs stay.
 */
active: boolean, 
/**
 * Who saved this version, and when (`None` for the built-in version).
 */
saved_by: string | null, saved_at: string | null, };

export type RunStatus = "active" | "completed";

export type RunOutcome = "saved" | "churned" | "expanded";

export type TaskStatus = "open" | "done" | "cancelled";

export type DueBucket = "overdue" | "today" | "this_week" | "later" | "no_due_date";

export type TaskNote = { 
/**
 * A comment someone wrote (true), or an event such as "Reassigned to Support" (false).
 */
comment: boolean, at: string, by: string, body: string, };

export type TaskCrm = { outbox_id: number, delivery: OutboxState, 
/**
 * The CRM's id for it once delivered.
 */
crm_task_id: string | null, };

export type TaskView = { id: number, account_id: number, account_name: string, arr: number, currency: string, 
/**
 * The playbook run it is a step of (`None` for a feedback follow-up's task).
 */
run_id: number | null, playbook: string | null, 
/**
 * Its place in the run (1-based) and the run's step count.
 */
step: number, steps: number, title: string, description: string, 
/**
 * The team as stored: one of `Team`'s ids.
 */
team: string, 
/**
 * The person it is assigned to ('' for the team's queue).
 */
owner: string, due_on: string | null, bucket: DueBucket, snoozed_until: string | null, status: TaskStatus, created_at: string, completed_at: string | null, completed_by: string | null, notes: Array<TaskNote>, crm: TaskCrm | null, 
/**
 * The account is in a CRM and the task was not sent there yet.
 */
can_send: boolean, };

export type RunView = { id: number, account_id: number, account_name: string, playbook_key: string, playbook: string, version: number, 
/**
 * The early warning it was started from.
 */
alert_id: number | null, alert_summary: string | null, started_at: string, started_by: string, status: RunStatus, closed_at: string | null, outcome: RunOutcome | null, tasks: Array<TaskView>, };

export type PlaybookHint = { key: string, name: string, 
/**
 * The account's active run of it.
 */
run_id: number | null, 
/**
 * Its steps closed and in all.
 */
closed: number, steps: number, };

export type TaskAction = { "action": "done" } | { "action": "skip", reason: string, } | { "action": "reopen" } | { "action": "snooze", until: string, } | { "action": "reassign", team: Team, owner: string, } | { "action": "comment", body: string, };

export type TaskActed = { task: TaskView, completed_run: RunView | null, };

export type TaskCounts = { overdue: number, today: number, this_week: number, later: number, no_due_date: number, snoozed: number, };

export type TasksView = { tasks: Array<TaskView>, counts: TaskCounts, today: string, 
/**
 * The people tasks can be assigned to: account owners the store knows, and owners in use.
 */
people: Array<string>, };

export type PlaybookOutcomes = { key: string, name: string, runs: number, active: number, 
/**
 * Completed with no outcome recorded yet.
 */
pending: number, saved: number, churned: number, expanded: number, 
/**
 * Median days from start to the last step closed, over completed runs.
 */
median_days: number | null, };

export type MilestoneKind = "onboarding" | "first_value" | "full_value" | "adoption";

export type MilestoneStatus = "stuck" | "behind" | "on_track" | "done";

export type StatusThresholds = { 
/**
 * Behind when progress trails the share of time gone by this many points.
 */
behind_gap_pct: number, 
/**
 * Stuck when it trails by this many points.
 */
stuck_gap_pct: number, 
/**
 * Stuck when past due by more than this many days (behind from the first day past due).
 */
stuck_days: number, };

export type MilestoneView = { id: number, plan_id: number, position: number, name: string, kind: MilestoneKind, metric: string, unit: string, baseline: number | null, current: number | null, 
/**
 * When the current value was last updated.
 */
current_on: string | null, target: number | null, start_on: string, due_on: string, achieved_on: string | null, owner: string, evidence: string, status: MilestoneStatus, progress_pct: number | null, elapsed_pct: number, days_late: number, reason: string, updated_at: string | null, };

export type PlanView = { id: number, objective: string, created_on: string, milestones: Array<MilestoneView>, };

export type PlanForm = { account_id: number, id: number | null, objective: string, };

export type MilestoneForm = { account_id: number, plan_id: number, id: number | null, name: string, kind: MilestoneKind, metric: string, unit: string, baseline: number | null, current: number | null, target: number | null, 
/**
 * `None` means the day it is saved.
 */
start_on: string | null, due_on: string | null, owner: string, evidence: string, 
/**
 * Also write the update to the CRM as a note on the company.
 */
tell_crm: boolean, };

export type PlanDraftForm = { "form": "plan" } & PlanForm | { "form": "milestone" } & MilestoneForm | { "form": "value" } & ValueEntryForm;

export type PlanDraft = { form: PlanDraftForm, saved_at: string, };

export type ColumnRole = "account" | "date" | "active_users" | "seats_used" | "feature" | "ignore";

export type AccountKey = "auto" | "crm_id" | "domain" | "name";

export type ColumnMapping = { roles: Array<ColumnRole>, account_key: AccountKey, };

export type ImportIssue = { 
/**
 * 1-based, the header being line 1.
 */
line: number, message: string, };

export type PreviewRow = { line: number, account_id: number, account: string, day: string, active_users: number | null, seats_used: number | null, 
/**
 * One value per feature column, in `ImportPreview::features` order.
 */
features: Array<number>, };

export type ImportPreview = { file_name: string, headers: Array<string>, mapping: ColumnMapping, 
/**
 * What the mapping still lacks ("Pick the column with the date."), if anything.
 */
mapping_errors: Array<string>, features: Array<string>, 
/**
 * The first lines that would be imported.
 */
sample: Array<PreviewRow>, rows_total: number, rows_ok: number, 
/**
 * The first issues, by line.
 */
issues: Array<ImportIssue>, issues_total: number, 
/**
 * Lines whose account matches no account, or several.
 */
unmatched: number, ambiguous: number, accounts: number, first_day: string | null, last_day: string | null, };

export type ImportPhase = "reading" | "writing" | "scoring";

export type ImportProgress = { phase: ImportPhase, done: number, total: number, };

export type ImportReport = { file_name: string, rows_read: number, 
/**
 * Days new or different from what the store had.
 */
rows_written: number, 
/**
 * Days the store had exactly so already (a re-import writes nothing).
 */
rows_unchanged: number, 
/**
 * Bad lines left out (only when asked to skip them).
 */
rows_skipped: number, accounts: number, features: Array<string>, first_day: string | null, last_day: string | null, 
/**
 * Accounts scored again with the new usage.
 */
rescored: number, };

export type TierPrice = { tier: string, seat_price: number, rank: number, };

export type PriceBook = { currency: string, tiers: Array<TierPrice>, 
/**
 * Estimated from the book, not set by the user.
 */
estimated: boolean, };

export type SignalKind = "over_seats" | "seats_near_full" | "promoter" | "health_rising";

export type Signal = { kind: SignalKind, text: string, on: string | null, };

export type ExpansionKind = "seats" | "upgrade";

export type Handoff = { id: number, kind: ExpansionKind, seats: number, estimated_value: number, handed_on: string, handed_by: string, task_id: number | null, };

export type OpportunityState = { "state": "open" } | { "state": "in_pipeline", amount: number, } | { "state": "handed", handoff: Handoff, } | { "state": "won", handoff: Handoff, amount: number, on: string, };

export type Opportunity = { account_id: number, account: string, owner: string, tier: string, seats: number, arr: number, currency: string, utilisation: number | null, kind: ExpansionKind, 
/**
 * Seats to add (for an upgrade: the seats moving up).
 */
seats_to_add: number, 
/**
 * The tier an upgrade moves to.
 */
to_tier: string | null, 
/**
 * Per seat per year: the price book's for its tier, else what the account pays per seat.
 */
seat_price: number, price_from_book: boolean, 
/**
 * A year's extra ARR.
 */
estimated_value: number, signals: Array<Signal>, 
/**
 * One sentence: what to sell and why.
 */
summary: string, state: OpportunityState, };

export type ExpansionView = { as_of: string, opportunities: Array<Opportunity>, price_book: PriceBook, 
/**
 * Estimated ARR of the opportunities not yet handed or won.
 */
open_value: number, handed: number, 
/**
 * Won after a handoff from here, in the last 12 months.
 */
won_value: number, 
/**
 * Tiers with no price in the price book whose accounts have no ARR per seat to go by
 * either (no estimate for them).
 */
unpriced_tiers: Array<string>, };

export type HandedOff = { task_id: number, 
/**
 * The CRM write queued for it; absent for accounts not in a CRM.
 */
outbox_id: number | null, message: string, view: ExpansionView, };

export type PriceBookSaved = { errors: Array<FieldError>, view: ExpansionView | null, };

export type ValueCategory = "time_saved" | "cost_avoided" | "revenue_gained" | "risk_reduced" | "other";

export type Confirmation = "unconfirmed" | "requested" | "confirmed" | "disputed";

export type UsageMetric = "active_users" | "seats_used" | "feature_events";

export type UsageFigure = { metric: UsageMetric, value: number, on: string, };

export type ValueEntryForm = { account_id: number, id: number | null, category: ValueCategory, description: string, amount: number | null, 
/**
 * ISO 4217, e.g. "USD"; empty means the account's currency.
 */
currency: string, 
/**
 * How the figure was worked out ("4 analysts × 6 h/week × $55/h × 48 weeks").
 */
measured_how: string, evidence: string, 
/**
 * A link to what shows it (http or https only).
 */
evidence_url: string, usage_metric: UsageMetric | null, recorded_on: string | null, 
/**
 * The milestone that produced it, one of the account's.
 */
milestone_id: number | null, 
/**
 * The contact at the client who confirmed it, one of the account's.
 */
confirmed_by: number | null, confirmation: Confirmation, 
/**
 * Also leave a note on the company in the CRM (through the outbox).
 */
tell_crm: boolean, };

export type ValueEntryView = { id: number, category: ValueCategory, description: string, amount: number, currency: string, measured_how: string, evidence: string, evidence_url: string, usage: UsageFigure | null, recorded_on: string, milestone_id: number | null, milestone: string | null, confirmed_by: number | null, confirmed_by_name: string | null, confirmation: Confirmation, 
/**
 * Counted in the totals: in the account's currency (others are listed, not converted:
 * there are no exchange rates offline).
 */
counted: boolean, };

export type YearValue = { year: number, total: number, confirmed: number, entries: number, };

export type MilestoneValue = { milestone_id: number, name: string, total: number, };

export type OtherCurrency = { currency: string, total: number, entries: number, };

export type ContactChoice = { id: number, name: string, title: string, };

export type ValueLedger = { currency: string, arr: number, entries: Array<ValueEntryView>, 
/**
 * Newest year first.
 */
years: Array<YearValue>, by_milestone: Array<MilestoneValue>, 
/**
 * Recorded in the 365 days up to today.
 */
last_12m: number, last_12m_confirmed: number, 
/**
 * `last_12m ÷ ARR`: value delivered per unit paid; absent without ARR.
 */
roi_multiple: number | null, roi_confirmed: number | null, other_currencies: Array<OtherCurrency>, contacts: Array<ContactChoice>, };

export type SuccessView = { account_id: number, 
/**
 * The day the statuses are for.
 */
as_of: string, plans: Array<PlanView>, 
/**
 * The milestones on a time axis (SVG), in the light and the dark theme; `None` without any.
 */
timeline_svg: string | null, timeline_svg_dark: string | null, thresholds: StatusThresholds, 
/**
 * Whether the account is in a CRM (a milestone update can then be written there as a note).
 */
in_crm: boolean, drafts: Array<PlanDraft>, 
/**
 * The value delivered: entries, totals per year, ROI against what the client pays.
 */
ledger: ValueLedger, };

export type ReachedBy = { day: number, 
/**
 * Accounts observed for at least `day` days.
 */
observed: number, reached: number, 
/**
 * `reached ÷ observed`, absent while no account has been observed that long.
 */
share: number | null, };

export type TtvCohort = { 
/**
 * e.g. "2026 Q1".
 */
quarter: string, accounts: number, reached_first: number, 
/**
 * Accounts without first value yet (churned ones included: they never got there).
 */
not_yet: number, reached_full: number, 
/**
 * Reached by day 30, 60 and 90.
 */
by_day: Array<ReachedBy>, 
/**
 * Median days to first value (Kaplan–Meier, accounts not there yet counted as still
 * waiting); absent while fewer than half have reached it.
 */
median_first_days: number | null, median_full_days: number | null, 
/**
 * The quarter ended long enough ago for its slow starters to have had their chance; only
 * settled cohorts with enough accounts are compared.
 */
settled: boolean, 
/**
 * 75 % of the median of the same quarter a year earlier: a cut of more than 25 % beats it.
 */
target_days: number | null, 
/**
 * 1 − median ÷ median of the same quarter a year earlier.
 */
cut: number | null, };

export type TtvWaiting = { account_id: number, account: string, owner: string, arr: number, contract_start: string, days_since_start: number, 
/**
 * When the plan's first-value milestone is due; absent when the plan has none open.
 */
first_value_due: string | null, has_first_value_milestone: boolean, 
/**
 * More days since the contract start than the "First value late" rule allows.
 */
late: boolean, };

export type TtvView = { as_of: string, 
/**
 * Oldest first.
 */
cohorts: Array<TtvCohort>, 
/**
 * The latest settled cohort's cut against the same quarter a year earlier.
 */
reduction: number | null, latest: string | null, baseline: string | null, 
/**
 * The seed target: a cut of more than this share.
 */
target_cut: number, 
/**
 * Days after the contract start when missing first value is a warning.
 */
late_after_days: number, accounts: number, 
/**
 * Accounts without a contract start, which no cohort can hold.
 */
without_start: number, 
/**
 * Not churned and without first value, the longest waiting first (at most `portfolio::WAITING_SHOWN`).
 */
waiting: Array<TtvWaiting>, waiting_total: number, late_total: number, 
/**
 * The cohort trend chart, light and dark.
 */
chart_svg: string | null, chart_svg_dark: string | null, };

export type MilestoneAction = { "action": "achieve", on: string | null, evidence: string, tell_crm: boolean, } | { "action": "reopen" } | { "action": "move", by: number, } | { "action": "delete" };

export type PlanSaved = { errors: Array<FieldError>, view: SuccessView | null, outbox: OutboxEntryView | null, };

export type DueMilestone = { account_id: number, account: string, owner: string, arr: number, objective: string, milestone: MilestoneView, };

export type MilestoneCounts = { open: number, due_soon: number, behind: number, stuck: number, };

export type MilestonesView = { as_of: string, window_days: number, 
/**
 * Due within the window and not (yet) behind, soonest first.
 */
due_soon: Array<DueMilestone>, 
/**
 * Behind or stuck, stuck first, then the most overdue.
 */
behind: Array<DueMilestone>, counts: MilestoneCounts, };

export type UsageWeek = { week: string, active_users: number, seats_used: number, 
/**
 * Active users against seats bought; `None` with no seats on record.
 */
utilisation: number | null, days: number, };

export type FeatureUse = { name: string, events_30: number, events_prev_30: number, 
/**
 * Days in the last 30 with any event.
 */
days_30: number, first_used: string | null, last_used: string | null, };

export type AccountAdoption = { 
/**
 * The latest day with usage on record.
 */
as_of: string | null, seats_purchased: number, weeks: Array<UsageWeek>, 
/**
 * The latest week's utilisation, and the first week's of the year.
 */
utilisation_now: number | null, utilisation_year_ago: number | null, 
/**
 * Every key feature the book knows, most used first; unused ones have no events.
 */
features: Array<FeatureUse>, 
/**
 * Features used in the last 30 days, of those the book knows.
 */
breadth_now: number, 
/**
 * Features used in the 30 days ending 90 days earlier.
 */
breadth_90_days_ago: number, known_features: number, chart_svg: string | null, chart_svg_dark: string | null, };

export type AdoptionBucket = { label: string, accounts: number, arr: number, };

export type AdoptionRow = { account_id: number, name: string, owner: string, arr: number, seats_purchased: number, 
/**
 * 7-day average active users against seats; `None` with no seats or no recent usage.
 */
utilisation: number | null, 
/**
 * The same 90 days earlier.
 */
utilisation_90_days_ago: number | null, breadth: number, };

export type AdoptionBook = { as_of: string | null, utilisation: Array<AdoptionBucket>, breadth: Array<AdoptionBucket>, known_features: number, 
/**
 * Accounts with usage and seats, lowest utilisation first.
 */
rows: Array<AdoptionRow>, 
/**
 * Accounts with no recent usage or no seats on record.
 */
without_usage: number, 
/**
 * ARR-weighted median utilisation of the book.
 */
median_utilisation: number | null, chart_svg: string | null, chart_svg_dark: string | null, };

export type StageExpectations = { adoption_days: number, expansion_days: number, at_risk_days: number, };

export type StageSummary = { stage: LifecycleStage, 
/**
 * Accounts in the stage today.
 */
now: number, arr_now: number, 
/**
 * Accounts that entered it within the period.
 */
entered: number, 
/**
 * Accounts that left it within the period.
 */
left: number, 
/**
 * Median days in the stage of the stays that began in the period, counting stays still
 * under way (Kaplan–Meier); `None` with fewer than half of them over.
 */
median_days: number | null, expected_days: number | null, 
/**
 * Of the stays that began in the period, how many went past the expected time.
 */
overran: number, 
/**
 * Accounts stalled in the stage today.
 */
stalled_now: number, stalled_arr: number, 
/**
 * Where accounts went after overrunning the stage, most common first.
 */
after_stall: Array<StageCount>, };

export type StageCount = { stage: LifecycleStage, accounts: number, };

export type StageFlow = { from: LifecycleStage | null, to: LifecycleStage, accounts: number, arr: number, };

export type StalledAccount = { account_id: number, name: string, arr: number, stage: LifecycleStage, since: string, days: number, expected_days: number, };

export type RenewalTally = { renewed: number, churned: number, renewed_arr: number, churned_arr: number, };

export type RenewalByStall = { stalled: RenewalTally, not_stalled: RenewalTally, };

export type StageMix = { day: string, counts: Array<number>, };

export type StageStay = { stage: LifecycleStage, from: string, 
/**
 * `None` while under way.
 */
to: string | null, days: number, expected_days: number | null, stalled: boolean, };

export type HandoffItemView = { id: number, text: string, team: Team, done_on: string | null, };

export type HandoffView = { id: number, account_id: number, account: string, name: string, from: LifecycleStage | null, to: LifecycleStage, started_on: string, due_on: string, items: Array<HandoffItemView>, 
/**
 * Items left past the due day.
 */
overdue: boolean, };

export type AccountJourney = { stays: Array<StageStay>, handoffs: Array<HandoffView>, };

export type JourneyView = { from: string, to: string, expectations: StageExpectations, stages: Array<StageSummary>, flows: Array<StageFlow>, stalled: Array<StalledAccount>, renewals: RenewalByStall, handoffs: Array<HandoffView>, 
/**
 * The freshest stage change on record.
 */
as_of: string | null, 
/**
 * Accounts in each stage week by week through the period.
 */
mix: Array<StageMix>, 
/**
 * The mix as a stacked chart, in both themes; `None` with no history in the period.
 */
chart_svg: string | null, chart_svg_dark: string | null, };

export type PlaybookSaved = { errors: Array<FieldError>, playbook: Playbook | null, };

export type RunStarted = { run: RunView, 
/**
 * False when the run was already going: nothing new was made.
 */
started: boolean, };

export type ModelReport = { 
/**
 * The day the model was fitted and the accounts scored.
 */
as_of: string, outcomes: number, 
/**
 * Past renewals left out: no usage on record in the two months before their as-of day.
 */
left_out: number, churned: number, 
/**
 * Why there is no model, when there is none (too few outcomes): the rules alone flag risk.
 */
fallback: string | null, backtest: BacktestReport | null, 
/**
 * Accounts scored today.
 */
scored: number, 
/**
 * How retention playbooks' runs ended (read fresh with each report, never kept).
 */
playbooks: Array<PlaybookOutcomes>, };

export type AccountRisk = { probability: number, as_of: string, drivers: Array<Driver>, 
/**
 * The model's held-out quality, for the card's footnote.
 */
roc_auc: number | null, threshold: number, };

export type RuleSpec = { id: RuleId, label: string, description: string, default_severity: Severity, params: Array<ParamSpec>, };

export type WarningCounts = { critical: number, warning: number, info: number, snoozed: number, 
/**
 * Open alerts the user has not had on screen yet.
 */
unseen: number, };

export type WarningsView = { 
/**
 * The first rows matching the query, most severe and most ARR first.
 */
alerts: Array<AlertView>, 
/**
 * How many match in all, and the ARR of their accounts with an open one.
 */
totals: AlertTotals, counts: WarningCounts, 
/**
 * The day the rules last ran over the book.
 */
evaluated_on: string | null, rules_version: number, 
/**
 * What the filters can choose from.
 */
facets: AlertFacets, };

export type RuleView = { spec: RuleSpec, rule: Rule, };

export type RulesView = { version: number, rules: Array<RuleView>, };

export type CrmCredentials = { token: string | null, client_id: string | null, client_secret: string | null, refresh_token: string | null, };

export type SignInForm = { crm: Crm, name: string, 
/**
 * HubSpot's API address or Salesforce's login address; empty for the CRM's own.
 */
base_url: string, client_id: string, client_secret: string | null, port: number, };

export type SignInDefaults = { crm: Crm, 
/**
 * The app last signed in with here, else the organisation's (`RAPPORT_<CRM>_CLIENT_ID`).
 */
client_id: string, base_url: string, port: number, 
/**
 * The address to register with the CRM's app for `port`.
 */
redirect_uri: string, };

export type Settings = { arr_property: string, contract_start_property: string, renewal_property: string, seats_purchased_property: string, seats_used_property: string, active_users_property: string, 
/**
 * The contact property holding buying roles (champion, executive sponsor, ...).
 */
role_property: string, 
/**
 * CRM deal type → kind; types not listed are `other` and count towards nothing.
 */
deal_types: { [key in string]?: DealKind }, won_stages: Array<string>, lost_stages: Array<string>, closed_ticket_stages: Array<string>, 
/**
 * The app's request budget per 10 s (HubSpot Starter 100, Pro/Enterprise 190).
 */
requests_per_10s: number, 
/**
 * An account property saying the client churned: a date (the churn date) or one of
 * `churn_values`. Empty: churn comes from lost renewals only.
 */
churn_property: string, churn_values: Array<string>, 
/**
 * A contact property saying the person left the company: a date, or yes/true. Bounced
 * mail and a removed company association count as well.
 */
left_company_property: string, };

export type SyncPhase = "backfill" | "changes" | "deletes" | "done";

export type Progress = { connection: string, object_type: string, fetched: number, upserted: number, deleted: number, 
/**
 * Records per second so far.
 */
rate: number, 
/**
 * Records this run expects to read in all, when the CRM says.
 */
total: number | null, phase: SyncPhase, done: boolean, error: IpcError | null, };

export type Budget = { requests: number, retries: number, rate_limited: number, 
/**
 * Requests used of the daily allowance, and the allowance (HubSpot's daily cap,
 * Salesforce's 24-hour API limit), when the CRM reports them.
 */
daily_used: number | null, daily_limit: number | null, };

export type ObjectReport = { object_type: string, fetched: number, upserted: number, deleted: number, duration_ms: number, error: IpcError | null, };

export type SyncReport = { connection: string, objects: Array<ObjectReport>, budget: Budget, 
/**
 * What the connection's mapping could not find, in sentences (e.g. a missing property).
 */
notes: Array<string>, };

export type Channel = "meeting" | "call" | "email" | "qbr" | "site_visit" | "chat" | "other";

export type ContactFacts = { id: number, name: string, email: string, crm_id: string | null, };

export type FlushReport = { connection: string, delivered: number, 
/**
 * Found in the CRM by their marker after an attempt whose answer was lost.
 */
confirmed: number, 
/**
 * Still on their way after this flush (pending or unconfirmed).
 */
waiting: number, 
/**
 * Refused for good by the CRM, until fixed and retried.
 */
failed: number, requests: number, rate_limited: number, 
/**
 * Why entries remain, one sentence per distinct reason.
 */
reasons: Array<string>, };

export type Speaker = { "kind": "unknown" } | { "kind": "contact", id: number, } | { "kind": "new", name: string, email: string, };

export type FeedbackForm = { account_id: number, kind: SurveyKind, 
/**
 * `None` until a score is picked.
 */
score: number | null, verbatim: string, speaker: Speaker, channel: Channel, 
/**
 * When it was said; `None` means now.
 */
at: string | null, tags: Array<string>, };

export type NoteForm = { account_id: number, body: string, 
/**
 * Contact ids of the account's people who attended.
 */
attendees: Array<number>, at: string | null, };

export type SentimentForm = { account_id: number, 
/**
 * 1 (very negative) to 5 (very positive); `None` until picked.
 */
value: number | null, reason: string, };

export type CaptureForm = { "form": "feedback" } & FeedbackForm | { "form": "note" } & NoteForm | { "form": "sentiment" } & SentimentForm;

export type FieldError = { 
/**
 * The form field's name (`score`, `speaker`, `email`, `at`, `verbatim`, `tags`, `body`, ...).
 */
field: string, message: string, };

export type WriteKind = "feedback" | "note" | "sentiment" | "task" | "advisory" | "score";

export type OutboxState = "pending" | "sending" | "delivered" | "unconfirmed" | "failed";

export type OutboxEntryView = { id: number, key: string, connection: string, account_id: number, account: string, kind: WriteKind, summary: string, state: OutboxState, attempts: number, next_attempt_at: string, last_error: IpcError | null, crm_id: string | null, 
/**
 * Opens the record in the CRM, once delivered.
 */
crm_url: string | null, created_at: string, delivered_at: string | null, };

export type Draft = { form: CaptureForm, saved_at: string, };

export type Captured = { 
/**
 * Why the form could not be saved (nothing was saved); empty when it was.
 */
errors: Array<FieldError>, 
/**
 * The outbox entry carrying it to the CRM; `None` for demo accounts (no CRM to tell).
 */
outbox: OutboxEntryView | null, };

export type Theme = { 
/**
 * Lower-case letters, digits and `_`; what responses store.
 */
key: string, label: string, 
/**
 * Words or phrases, matched on whole words ignoring case; a trailing `*` matches any ending
 * (`integrat*` matches "integration" and "integrations").
 */
keywords: Array<string>, };

export type Taxonomy = { version: number, themes: Array<Theme>, };

export type Polarity = "positive" | "neutral" | "negative";

export type FeedbackRow = { id: number, account_id: number, account: string, segment: string, owner: string, arr: number, kind: SurveyKind, score: number, verbatim: string, channel: string, contact: string | null, captured_at: string, captured_here: boolean, 
/**
 * Theme keys, the AM's override when there is one.
 */
themes: Array<string>, 
/**
 * −1 (negative) to 1 (positive); none for a response without text.
 */
sentiment: number | null, 
/**
 * The AM set the themes (the text no longer decides them).
 */
themes_overridden: boolean, sentiment_overridden: boolean, };

export type InsightsFilter = { 
/**
 * First day, inclusive; none = from the first response.
 */
from: string | null, 
/**
 * Last day, inclusive; none = up to today.
 */
to: string | null, segment: string | null, owner: string | null, 
/**
 * A theme key.
 */
theme: string | null, account_id: number | null, };

export type FeedbackOverride = { id: number, themes: Array<string> | null, sentiment: Polarity | null, };

export type MonthPoint = { 
/**
 * `YYYY-MM`.
 */
month: string, count: number, 
/**
 * NPS −100..100, CSAT share 0..100, CES mean 1..7; none without responses.
 */
value: number | null, };

export type KindSeries = { kind: SurveyKind, count: number, value: number | null, months: Array<MonthPoint>, };

export type GroupFigures = { group: string, responses: number, nps: number | null, csat: number | null, ces: number | null, };

export type ThemeSummary = { key: string, label: string, count: number, 
/**
 * Of this theme's NPS responses, the share of detractors (0..100); none without NPS.
 */
detractor_share: number | null, 
/**
 * Mean sentiment of its responses with text.
 */
sentiment: number | null, 
/**
 * ARR of the distinct accounts that raised it.
 */
arr: number, accounts: number, };

export type ResponseRate = { account_id: number, account: string, contacts: number, responded: number, 
/**
 * 0..100; none for an account without active contacts.
 */
rate: number | null, };

export type Insights = { filter: InsightsFilter, 
/**
 * The first and last day the figures cover.
 */
from: string, to: string, 
/**
 * The newest response counted; the figures' freshness.
 */
newest: string | null, kinds: Array<KindSeries>, by_segment: Array<GroupFigures>, by_owner: Array<GroupFigures>, by_account: Array<GroupFigures>, themes: Array<ThemeSummary>, positive: number, neutral: number, negative: number, response_rates: Array<ResponseRate>, 
/**
 * The newest responses with text, newest first (at most 200).
 */
verbatims: Array<FeedbackRow>, taxonomy: Taxonomy, 
/**
 * The monthly series as a chart (plotters SVG), light and dark.
 */
chart_svg: string, chart_svg_dark: string, };

export type ExportReport = { rows: number, files: Array<string>, };

export type Escalation = "none" | "support" | "sales";

export type FollowUpState = "proposed" | "accepted" | "dismissed";

export type FollowUpTask = { task_id: number, title: string, 
/**
 * `cs` for the AM's own, `support` or `sales` for an escalation.
 */
team: string, due_on: string | null, 
/**
 * The outbox entry that carries it (none for demo accounts).
 */
outbox_id: number | null, delivery: OutboxState | null, };

export type FollowUpView = { response_id: number, account_id: number, account: string, owner: string, kind: SurveyKind, score: number, verbatim: string, contact: string | null, captured_at: string, state: FollowUpState, 
/**
 * The proposal's (or the accepted task's) title.
 */
title: string, 
/**
 * Two business days after the response, or the day the AM chose.
 */
due_on: string, escalation: Escalation, 
/**
 * Why it was dismissed.
 */
reason: string, decided_at: string | null, tasks: Array<FollowUpTask>, };

export type AcceptFollowUp = { response_id: number, title: string, due_on: string, escalation: Escalation, 
/**
 * What the escalated team should know (optional).
 */
note: string, };

export type Accepted = { errors: Array<FieldError>, outbox: Array<number>, };

export type AdvisoryMember = { contact_id: number, name: string, email: string, title: string, account_id: number, account: string, 
/**
 * Their newest survey response: kind, score, when.
 */
last_kind: SurveyKind | null, last_score: number | null, last_feedback_at: string | null, last_engaged: string | null, 
/**
 * Set in Rapport (rather than read from the CRM), and how far that is on its way there.
 */
set_here: boolean, delivery: OutboxState | null, };
