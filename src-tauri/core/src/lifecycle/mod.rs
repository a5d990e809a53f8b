//! The customer-lifecycle stage an account is in, derived from evidence on every rescore (pure):
//! dates, deals, health and churn. The store records each change as a transition, so the stage
//! history and the time in a stage are real.

pub mod handoff;
pub mod journey;

use chrono::NaiveDate;

use crate::domain::health::Band;
pub use crate::domain::views::StageFacts;
use crate::domain::LifecycleStage;

/// Days before a renewal during which an account is in the renewal stage.
pub const RENEWAL_WINDOW_DAYS: i64 = 90;
/// Days after the contract start during which an account is onboarding.
pub const ONBOARDING_DAYS: i64 = 90;
/// Days after a won expansion during which an account is in the expansion stage.
pub const EXPANSION_DAYS: i64 = 90;

/// The stage on `today`, the first that applies of: churned, at risk (red health), renewal
/// (within 90 days), onboarding (first 90 days), expansion (an open expansion deal or one won in
/// the last 90 days), value (first value reached), adoption.
pub fn stage(f: &StageFacts, today: NaiveDate) -> LifecycleStage {
    let within = |d: Option<NaiveDate>, days: i64, ahead: bool| {
        d.is_some_and(|d| {
            let gap = if ahead { d - today } else { today - d }.num_days();
            (0..=days).contains(&gap)
        })
    };
    if f.churned_on.is_some_and(|c| c <= today) {
        LifecycleStage::Churned
    } else if f.band == Some(Band::Red) {
        LifecycleStage::AtRisk
    } else if within(f.renewal_date, RENEWAL_WINDOW_DAYS, true) {
        LifecycleStage::Renewal
    } else if within(f.contract_start, ONBOARDING_DAYS - 1, false) {
        LifecycleStage::Onboarding
    } else if f.expansion_open || within(f.expansion_won_on, EXPANSION_DAYS, false) {
        LifecycleStage::Expansion
    } else if f.first_value_on.is_some_and(|d| d <= today) {
        LifecycleStage::Value
    } else {
        LifecycleStage::Adoption
    }
}

/// The accounts whose stage changes on `today`, with their new stage; an account never
/// derived before changes into its first.
pub fn transitions(facts: &[StageFacts], today: NaiveDate) -> Vec<(i64, LifecycleStage)> {
    facts
        .iter()
        .filter_map(|f| {
            let s = stage(f, today);
            (Some(s) != f.current).then_some((f.account_id, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use LifecycleStage::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts() -> StageFacts {
        StageFacts {
            account_id: 1,
            contract_start: Some(d("2025-01-10")),
            renewal_date: Some(d("2027-06-10")),
            churned_on: None,
            band: Some(Band::Green),
            expansion_open: false,
            expansion_won_on: None,
            first_value_on: None,
            current: Some(Adoption),
        }
    }

    #[test]
    fn the_first_stage_that_applies_wins() {
        let today = d("2026-11-24");
        let f = facts();
        assert_eq!(stage(&f, today), Adoption);
        assert_eq!(
            stage(
                &StageFacts {
                    first_value_on: Some(d("2025-03-01")),
                    ..f.clone()
                },
                today
            ),
            Value
        );
        assert_eq!(
            stage(
                &StageFacts {
                    expansion_won_on: Some(d("2026-09-01")),
                    ..f.clone()
                },
                today
            ),
            Expansion,
            "84 days after a won expansion"
        );
        assert_eq!(
            stage(
                &StageFacts {
                    expansion_won_on: Some(d("2026-08-01")),
                    ..f.clone()
                },
                today
            ),
            Adoption,
            "115 days after"
        );
        // The renewal on 2027-01-10 is 47 days away.
        let near = StageFacts {
            renewal_date: Some(d("2027-01-10")),
            ..f.clone()
        };
        assert_eq!(
            stage(
                &StageFacts {
                    renewal_date: Some(d("2026-12-20")),
                    ..near.clone()
                },
                today
            ),
            Renewal
        );
        assert_eq!(stage(&near, today), Renewal);
        assert_eq!(
            stage(
                &StageFacts {
                    renewal_date: Some(d("2027-02-23")),
                    ..f.clone()
                },
                today
            ),
            Adoption,
            "91 days away"
        );
        // Red health outranks the renewal; churn outranks everything.
        assert_eq!(
            stage(
                &StageFacts {
                    band: Some(Band::Red),
                    ..near.clone()
                },
                today
            ),
            AtRisk
        );
        assert_eq!(
            stage(
                &StageFacts {
                    band: Some(Band::Yellow),
                    ..near.clone()
                },
                today
            ),
            Renewal
        );
        assert_eq!(
            stage(
                &StageFacts {
                    churned_on: Some(d("2026-11-01")),
                    band: Some(Band::Red),
                    ..near
                },
                today
            ),
            Churned
        );
        // A churn date still ahead is not churn yet.
        assert_eq!(
            stage(
                &StageFacts {
                    churned_on: Some(d("2026-12-01")),
                    ..f.clone()
                },
                today
            ),
            Adoption
        );
        // The first 90 days are onboarding (day 89 is, day 90 is not); an unscored account is not at risk.
        let new = StageFacts {
            contract_start: Some(d("2026-08-27")),
            band: None,
            ..f.clone()
        };
        assert_eq!(stage(&new, today), Onboarding);
        assert_eq!(
            stage(
                &StageFacts {
                    contract_start: Some(d("2026-08-26")),
                    ..new
                },
                today
            ),
            Adoption
        );
    }

    #[test]
    fn only_changes_are_transitions() {
        let today = d("2026-11-24");
        let same = facts();
        let red = StageFacts {
            account_id: 2,
            band: Some(Band::Red),
            ..facts()
        };
        // Never derived: its first stage is a change even where it matches the default.
        let new = StageFacts {
            account_id: 3,
            contract_start: Some(d("2026-11-14")),
            current: None,
            ..facts()
        };
        assert_eq!(
            transitions(&[same, red, new], today),
            vec![(2, AtRisk), (3, Onboarding)]
        );
    }
}

#[cfg(test)]
mod journey_tests;
