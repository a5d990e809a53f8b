// Generated from the Rust types by `cargo test -p rapport bindings` (ts-rs). Do not edit by hand.
// (Provisional hand copy until the generator runs; it will be overwritten.)

export type ErrorCode = "not_found" | "invalid_input" | "keychain_unavailable" | "wrong_key" | "corrupt_database" | "storage" | "internal";

export type IpcError = { code: ErrorCode, message: string, };

export type Crm = "demo" | "hubspot" | "salesforce";

export type LifecycleStage = "onboarding" | "adoption" | "value" | "renewal" | "expansion" | "at_risk" | "churned";

export type DealKind = "new" | "renewal" | "expansion" | "contraction";

export type DealStatus = "open" | "won" | "lost";

export type SurveyKind = "nps" | "csat" | "ces";

export type Band = "red" | "yellow" | "green";

export type Measure = "seat_utilisation" | "usage_trend" | "engagement" | "support" | "satisfaction" | "sentiment";

export type Component = { measure: Measure, label: string, raw: number | null, raw_text: string, score: number | null, weight: number, effective_weight: number, share: number, contribution: number, input_on: string | null, age_days: number | null, missing: boolean, };

export type MeasureChange = { measure: Measure, label: string, before: number | null, after: number | null, contribution_delta: number, };

export type PreviousScore = { day: string, score: number | null, };

export type HealthExplanation = { day: string, score: number | null, band: Band | null, profile: string, profile_name: string, model_version: string, components: Array<Component>, previous: PreviousScore | null, changes: Array<MeasureChange>, summary: string, };

export type KpiStatus = "met" | "missed" | "info" | "no_data";

export type KpiTile = { id: string, label: string, value: number | null, display: string, target: string | null, status: KpiStatus, period: string, detail: string, series: Array<number>, };

export type AppStatus = { demo: boolean, demo_seed: string | null, data_as_of: string | null, key_source: string, data_dir: string, accounts: number, };

export type HealthDistribution = { green: number, yellow: number, red: number, unscored: number, };

export type PortfolioRow = { id: number, name: string, segment: string, industry: string, owner: string, stage: LifecycleStage, arr: number, currency: string, score: number | null, band: Band | null, delta: number | null, trend: Array<number>, renewal_date: string | null, days_to_renewal: number | null, };

export type Portfolio = { scored_on: string | null, status: AppStatus, kpis: Array<KpiTile>, distribution: HealthDistribution, rows: Array<PortfolioRow>, };

export type AccountHeader = { id: number, name: string, domain: string, industry: string, segment: string, tier: string, owner: string, stage: LifecycleStage, arr: number, mrr: number, currency: string, contract_start: string, renewal_date: string | null, days_to_renewal: number | null, seats_purchased: number, crm: Crm, crm_id: string, churned_on: string | null, };

export type ContactView = { id: number, name: string, email: string, title: string, champion: boolean, sponsor: boolean, decision_maker: boolean, advisory: boolean, last_engaged: string | null, left_on: string | null, };

export type DealView = { id: number, name: string, kind: DealKind, amount: number, stage: string, close_date: string, status: DealStatus, };

export type TicketView = { id: number, subject: string, priority: string, status: string, opened_on: string, closed_on: string | null, csat: number | null, };

export type ActivityView = { id: number, kind: string, direction: string, team: string, at: string, summary: string, contact: string | null, };

export type FeedbackView = { kind: SurveyKind, score: number, verbatim: string, channel: string, captured_at: string, contact: string | null, };

export type AccountDetail = { header: AccountHeader, health: HealthExplanation | null, trend_svg: string, contacts: Array<ContactView>, open_deals: Array<DealView>, tickets: Array<TicketView>, feedback: Array<FeedbackView>, timeline: Array<ActivityView>, status: AppStatus, };
