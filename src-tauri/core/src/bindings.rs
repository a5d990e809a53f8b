//! The TypeScript mirror of every IPC type, checked for drift: the test fails when
//! `ui/src/lib/bindings.ts` differs from what ts-rs generates now. Regenerate with
//! `UPDATE_BINDINGS=1 cargo test -p rapport-core bindings`.

use ts_rs::TS;

use crate::domain::capture::{
    CaptureForm, Captured, Channel, ContactFacts, Draft, FeedbackForm, FieldError, NoteForm,
    OutboxEntryView, OutboxState, SentimentForm, Speaker, WriteKind,
};
use crate::domain::followup::{
    AcceptFollowUp, AdvisoryMember, Escalation, FollowUpState, FollowUpTask, FollowUpView,
};
use crate::domain::insights::{
    FeedbackOverride, FeedbackRow, GroupFigures, Insights, InsightsFilter, KindSeries, MonthPoint,
    Polarity, ResponseRate, Taxonomy, Theme, ThemeSummary,
};
use crate::domain::{Crm, DealKind, DealStatus, LifecycleStage, SurveyKind};
use crate::error::{ErrorCode, IpcError};
use crate::health::{
    Band, Component, Confidence, HealthExplanation, Measure, MeasureChange, PreviousScore,
};
use crate::kpi::{KpiStatus, KpiTile};
use crate::portfolio::*;
use crate::sync::{Budget, ObjectReport, Progress, SyncPhase, SyncReport};

fn generate() -> String {
    let decls = [
        ErrorCode::decl(),
        IpcError::decl(),
        Crm::decl(),
        LifecycleStage::decl(),
        DealKind::decl(),
        DealStatus::decl(),
        SurveyKind::decl(),
        Band::decl(),
        Measure::decl(),
        Component::decl(),
        MeasureChange::decl(),
        PreviousScore::decl(),
        Confidence::decl(),
        HealthExplanation::decl(),
        KpiStatus::decl(),
        KpiTile::decl(),
        AppStatus::decl(),
        HealthDistribution::decl(),
        PortfolioRow::decl(),
        Portfolio::decl(),
        AccountHeader::decl(),
        ContactView::decl(),
        DealView::decl(),
        TicketView::decl(),
        ActivityView::decl(),
        FeedbackView::decl(),
        AccountDetail::decl(),
        ConnectionView::decl(),
        WritebackView::decl(),
        crate::domain::risk::Severity::decl(),
        crate::domain::risk::RuleId::decl(),
        crate::domain::risk::Rule::decl(),
        crate::domain::risk::RuleSet::decl(),
        crate::domain::risk::Evidence::decl(),
        crate::domain::risk::AlertState::decl(),
        crate::domain::risk::AlertAction::decl(),
        crate::domain::risk::AlertView::decl(),
        crate::domain::risk::AlertQuery::decl(),
        crate::domain::risk::AlertTotals::decl(),
        crate::domain::risk::RuleChoice::decl(),
        crate::domain::risk::AlertFacets::decl(),
        crate::risk::ParamSpec::decl(),
        crate::risk::metrics::CalibrationBin::decl(),
        crate::risk::churn::Driver::decl(),
        crate::risk::churn::Span::decl(),
        crate::risk::churn::Weight::decl(),
        crate::risk::churn::Pattern::decl(),
        crate::risk::churn::BacktestReport::decl(),
        crate::domain::playbook::Team::decl(),
        crate::domain::playbook::PlaybookStep::decl(),
        crate::domain::playbook::Playbook::decl(),
        crate::domain::playbook::RunStatus::decl(),
        crate::domain::playbook::RunOutcome::decl(),
        crate::domain::playbook::TaskStatus::decl(),
        crate::domain::playbook::DueBucket::decl(),
        crate::domain::playbook::TaskNote::decl(),
        crate::domain::playbook::TaskCrm::decl(),
        crate::domain::playbook::TaskView::decl(),
        crate::domain::playbook::RunView::decl(),
        crate::domain::playbook::PlaybookHint::decl(),
        crate::domain::playbook::TaskAction::decl(),
        crate::domain::playbook::TaskActed::decl(),
        crate::domain::playbook::TaskCounts::decl(),
        crate::domain::playbook::TasksView::decl(),
        crate::domain::playbook::PlaybookOutcomes::decl(),
        crate::domain::success::MilestoneKind::decl(),
        crate::domain::success::MilestoneStatus::decl(),
        crate::domain::success::StatusThresholds::decl(),
        crate::domain::success::MilestoneView::decl(),
        crate::domain::success::PlanView::decl(),
        crate::domain::success::PlanForm::decl(),
        crate::domain::success::MilestoneForm::decl(),
        crate::domain::success::PlanDraftForm::decl(),
        crate::domain::success::PlanDraft::decl(),
        crate::domain::usage::ColumnRole::decl(),
        crate::domain::usage::AccountKey::decl(),
        crate::domain::usage::ColumnMapping::decl(),
        crate::domain::usage::ImportIssue::decl(),
        crate::domain::usage::PreviewRow::decl(),
        crate::domain::usage::ImportPreview::decl(),
        crate::domain::usage::ImportPhase::decl(),
        crate::domain::usage::ImportProgress::decl(),
        crate::domain::usage::ImportReport::decl(),
        crate::domain::expansion::TierPrice::decl(),
        crate::domain::expansion::PriceBook::decl(),
        crate::domain::expansion::SignalKind::decl(),
        crate::domain::expansion::Signal::decl(),
        crate::domain::expansion::ExpansionKind::decl(),
        crate::domain::expansion::Handoff::decl(),
        crate::domain::expansion::OpportunityState::decl(),
        crate::domain::expansion::Opportunity::decl(),
        crate::domain::expansion::ExpansionView::decl(),
        crate::domain::expansion::HandedOff::decl(),
        crate::domain::expansion::PriceBookSaved::decl(),
        crate::domain::value::ValueCategory::decl(),
        crate::domain::value::Confirmation::decl(),
        crate::domain::value::UsageMetric::decl(),
        crate::domain::value::UsageFigure::decl(),
        crate::domain::value::ValueEntryForm::decl(),
        crate::domain::value::ValueEntryView::decl(),
        crate::domain::value::YearValue::decl(),
        crate::domain::value::MilestoneValue::decl(),
        crate::domain::value::OtherCurrency::decl(),
        crate::domain::value::ContactChoice::decl(),
        crate::domain::value::ValueLedger::decl(),
        crate::domain::success::SuccessView::decl(),
        crate::domain::value::ReachedBy::decl(),
        crate::domain::value::TtvCohort::decl(),
        crate::domain::value::TtvWaiting::decl(),
        crate::domain::value::TtvView::decl(),
        crate::domain::success::MilestoneAction::decl(),
        crate::domain::success::PlanSaved::decl(),
        crate::domain::success::DueMilestone::decl(),
        crate::domain::success::MilestoneCounts::decl(),
        crate::domain::success::MilestonesView::decl(),
        crate::domain::journey::StageExpectations::decl(),
        crate::domain::journey::StageSummary::decl(),
        crate::domain::journey::StageCount::decl(),
        crate::domain::journey::StageFlow::decl(),
        crate::domain::journey::StalledAccount::decl(),
        crate::domain::journey::RenewalTally::decl(),
        crate::domain::journey::RenewalByStall::decl(),
        crate::domain::journey::StageMix::decl(),
        crate::domain::journey::StageStay::decl(),
        crate::domain::journey::HandoffItemView::decl(),
        crate::domain::journey::HandoffView::decl(),
        crate::domain::journey::AccountJourney::decl(),
        crate::domain::journey::JourneyView::decl(),
        PlaybookSaved::decl(),
        RunStarted::decl(),
        ModelReport::decl(),
        AccountRisk::decl(),
        crate::risk::RuleSpec::decl(),
        WarningCounts::decl(),
        WarningsView::decl(),
        RuleView::decl(),
        RulesView::decl(),
        CrmCredentials::decl(),
        SignInForm::decl(),
        SignInDefaults::decl(),
        crate::sync::Settings::decl(),
        SyncPhase::decl(),
        Progress::decl(),
        Budget::decl(),
        ObjectReport::decl(),
        SyncReport::decl(),
        Channel::decl(),
        ContactFacts::decl(),
        crate::sync::outbox::FlushReport::decl(),
        Speaker::decl(),
        FeedbackForm::decl(),
        NoteForm::decl(),
        SentimentForm::decl(),
        CaptureForm::decl(),
        FieldError::decl(),
        WriteKind::decl(),
        OutboxState::decl(),
        OutboxEntryView::decl(),
        Draft::decl(),
        Captured::decl(),
        Theme::decl(),
        Taxonomy::decl(),
        Polarity::decl(),
        FeedbackRow::decl(),
        InsightsFilter::decl(),
        FeedbackOverride::decl(),
        MonthPoint::decl(),
        KindSeries::decl(),
        GroupFigures::decl(),
        ThemeSummary::decl(),
        ResponseRate::decl(),
        Insights::decl(),
        ExportReport::decl(),
        Escalation::decl(),
        FollowUpState::decl(),
        FollowUpTask::decl(),
        FollowUpView::decl(),
        AcceptFollowUp::decl(),
        Accepted::decl(),
        AdvisoryMember::decl(),
    ];
    let mut out = String::from(
        "// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p rapport-core bindings` (ts-rs).\n// Do not edit by hand: a test fails when this file and the Rust types drift apart.\n",
    );
    for d in decls {
        // serde_json sends i64 as a JSON number; every id and count here is far below 2^53.
        out.push_str(&format!("\nexport {}\n", d.replace("bigint", "number")));
    }
    out
}

#[test]
fn typescript_bindings_are_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings.ts");
    let fresh = generate();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is out of date with the Rust types; run `UPDATE_BINDINGS=1 cargo test -p rapport-core bindings` and commit the result"
    );
}
