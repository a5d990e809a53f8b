//! Account fields neither CRM holds as such, derived the same way for both from the ones they do.

use chrono::{Duration, NaiveDate};

use crate::domain::LifecycleStage;

/// Segment by contract size, the same bands the demo portfolio uses.
pub fn segment(arr: f64) -> &'static str {
    if arr >= 100_000.0 {
        "Enterprise"
    } else if arr >= 25_000.0 {
        "Mid-Market"
    } else {
        "SMB"
    }
}

/// Lifecycle from the contract dates: new contracts onboard, near renewals renew.
pub fn stage(
    start: Option<NaiveDate>,
    renewal: Option<NaiveDate>,
    today: NaiveDate,
) -> LifecycleStage {
    match (start, renewal) {
        (Some(s), _) if today - s < Duration::days(90) => LifecycleStage::Onboarding,
        (_, Some(r)) if r >= today && r - today <= Duration::days(90) => LifecycleStage::Renewal,
        _ => LifecycleStage::Adoption,
    }
}
