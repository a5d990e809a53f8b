//! Gross and net revenue retention, logo retention and expansion over a period (DESIGN §4).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::domain::views::RetentionInputs;
use crate::domain::{DealKind, DealStatus};

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RetentionFigures {
    pub starting_arr: f64,
    pub expansion: f64,
    pub contraction: f64,
    pub churned: f64,
    pub logos_at_start: usize,
    pub logos_lost: usize,
    /// Ratios (1.0 = 100 %); `None` when nothing was on the books at the start.
    pub grr: Option<f64>,
    pub nrr: Option<f64>,
    pub logo_retention: Option<f64>,
    pub expansion_rate: Option<f64>,
}

/// ARR of an account at the end of `day` from its won deals: new business plus expansions less
/// contractions (taken by their size; CRMs store them with either sign) since its last lost
/// renewal, so a client won back counts once. Renewals keep ARR as it is; unmapped deal types
/// count towards nothing.
fn arr_at(deals: &[(DealKind, DealStatus, f64, NaiveDate)], day: NaiveDate) -> f64 {
    let since = deals
        .iter()
        .filter(|(k, s, _, d)| *k == DealKind::Renewal && *s == DealStatus::Lost && *d <= day)
        .map(|d| d.3)
        .max();
    deals
        .iter()
        .filter(|(_, s, _, d)| *s == DealStatus::Won && *d <= day && since.is_none_or(|l| *d > l))
        .map(|(k, _, a, _)| match k {
            DealKind::New | DealKind::Expansion => a.abs(),
            DealKind::Contraction => -a.abs(),
            DealKind::Renewal | DealKind::Other => 0.0,
        })
        .sum()
}

/// Retention of the cohort on the books at the end of `from`, over (`from`, `to`]. An account
/// leaves the books when it churns or, failing that, when it is deleted in the CRM.
pub fn retention(input: &RetentionInputs, from: NaiveDate, to: NaiveDate) -> RetentionFigures {
    let mut by_account: HashMap<i64, Vec<(DealKind, DealStatus, f64, NaiveDate)>> = HashMap::new();
    for (id, kind, status, amount, day) in &input.deals {
        by_account
            .entry(*id)
            .or_default()
            .push((*kind, *status, *amount, *day));
    }
    let mut f = RetentionFigures::default();
    let in_period = |d: NaiveDate| d > from && d <= to;
    for a in &input.accounts {
        let left = a.churned_on.or(a.deleted_on);
        if a.contract_start > from || left.is_some_and(|c| c <= from) {
            continue;
        }
        let deals = by_account.get(&a.id).map(Vec::as_slice).unwrap_or(&[]);
        let explained = deals
            .iter()
            .any(|(k, s, _, _)| *s == DealStatus::Won && *k != DealKind::Other);
        // Without won deals the account's own ARR stands for the whole period.
        let arr_on = |day| if explained { arr_at(deals, day) } else { a.arr };
        f.logos_at_start += 1;
        f.starting_arr += arr_on(from);
        for (kind, status, amount, day) in deals {
            if *status != DealStatus::Won || !in_period(*day) {
                continue;
            }
            match kind {
                DealKind::Expansion => f.expansion += amount.abs(),
                DealKind::Contraction => f.contraction += amount.abs(),
                _ => {}
            }
        }
        // What it paid until the day before it left.
        if let Some(c) = left.filter(|c| in_period(*c)) {
            f.logos_lost += 1;
            f.churned += arr_on(c - chrono::Duration::days(1));
        }
    }
    if f.starting_arr > 0.0 {
        f.grr = Some((f.starting_arr - f.contraction - f.churned) / f.starting_arr);
        f.nrr = Some((f.starting_arr + f.expansion - f.contraction - f.churned) / f.starting_arr);
        f.expansion_rate = Some(f.expansion / f.starting_arr);
    }
    if f.logos_at_start > 0 {
        f.logo_retention = Some(1.0 - f.logos_lost as f64 / f.logos_at_start as f64);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::views::RetentionAccount;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn acct(id: i64, start: NaiveDate, churned_on: Option<NaiveDate>) -> RetentionAccount {
        RetentionAccount {
            id,
            contract_start: start,
            churned_on,
            deleted_on: None,
            arr: 0.0,
        }
    }

    #[test]
    fn design_example_gives_grr_85_and_nrr_103() {
        // 10M at start over four accounts; in the year: 0.6M contraction, 0.9M churn, 1.8M expansion.
        let (from, to) = (d("2025-11-24"), d("2026-11-24"));
        let input = RetentionInputs {
            accounts: vec![
                acct(1, d("2023-01-10"), None),
                acct(2, d("2024-05-01"), None),
                acct(3, d("2024-02-01"), Some(d("2026-02-01"))),
                acct(4, d("2025-01-01"), None),
                // starts after the period begins: not in the cohort
                acct(5, d("2026-03-01"), None),
                // churned before the period: not in the cohort
                acct(6, d("2022-01-01"), Some(d("2025-06-01"))),
            ],
            deals: vec![
                (
                    1,
                    DealKind::New,
                    DealStatus::Won,
                    4_000_000.0,
                    d("2023-01-10"),
                ),
                (
                    2,
                    DealKind::New,
                    DealStatus::Won,
                    3_000_000.0,
                    d("2024-05-01"),
                ),
                (
                    3,
                    DealKind::New,
                    DealStatus::Won,
                    700_000.0,
                    d("2024-02-01"),
                ),
                (
                    3,
                    DealKind::Expansion,
                    DealStatus::Won,
                    200_000.0,
                    d("2025-03-01"),
                ),
                (
                    3,
                    DealKind::Renewal,
                    DealStatus::Lost,
                    900_000.0,
                    d("2026-02-01"),
                ),
                (
                    4,
                    DealKind::New,
                    DealStatus::Won,
                    2_100_000.0,
                    d("2025-01-01"),
                ),
                (
                    1,
                    DealKind::Expansion,
                    DealStatus::Won,
                    1_800_000.0,
                    d("2026-04-01"),
                ),
                (
                    2,
                    DealKind::Contraction,
                    DealStatus::Won,
                    600_000.0,
                    d("2026-05-01"),
                ),
                (
                    2,
                    DealKind::Renewal,
                    DealStatus::Won,
                    2_400_000.0,
                    d("2026-05-01"),
                ),
                (
                    5,
                    DealKind::New,
                    DealStatus::Won,
                    5_000_000.0,
                    d("2026-03-01"),
                ),
                (
                    6,
                    DealKind::New,
                    DealStatus::Won,
                    1_000_000.0,
                    d("2022-01-01"),
                ),
                // an expansion after the period is ignored
                (
                    4,
                    DealKind::Expansion,
                    DealStatus::Won,
                    999.0,
                    d("2026-12-01"),
                ),
            ],
        };
        let f = retention(&input, from, to);
        assert_eq!(f.starting_arr, 10_000_000.0);
        assert_eq!(f.expansion, 1_800_000.0);
        assert_eq!(f.contraction, 600_000.0);
        assert_eq!(f.churned, 900_000.0);
        assert!((f.grr.unwrap() - 0.85).abs() < 1e-12);
        assert!((f.nrr.unwrap() - 1.03).abs() < 1e-12);
        assert!((f.expansion_rate.unwrap() - 0.18).abs() < 1e-12);
        assert_eq!((f.logos_at_start, f.logos_lost), (4, 1));
        assert!((f.logo_retention.unwrap() - 0.75).abs() < 1e-12);
        // NRR − GRR = expansion rate
        assert!((f.nrr.unwrap() - f.grr.unwrap() - f.expansion_rate.unwrap()).abs() < 1e-12);
    }

    #[test]
    fn crm_data_contraction_signs_deleted_accounts_and_arr_without_deals() {
        let (from, to) = (d("2025-11-24"), d("2026-11-24"));
        let input = RetentionInputs {
            accounts: vec![
                // 100k from a won deal, contracted by 10k (stored negative in the CRM).
                acct(1, d("2024-01-01"), None),
                // 50k from a won deal; deleted in the CRM mid-period without a churn date.
                RetentionAccount {
                    deleted_on: Some(d("2026-06-01")),
                    ..acct(2, d("2024-01-01"), None)
                },
                // No deals: its 30k ARR is all we know; churned in the period.
                RetentionAccount {
                    arr: 30_000.0,
                    ..acct(3, d("2024-06-01"), Some(d("2026-02-01")))
                },
                // Deleted before the period: not in the cohort.
                RetentionAccount {
                    deleted_on: Some(d("2025-01-01")),
                    ..acct(4, d("2023-01-01"), None)
                },
            ],
            deals: vec![
                (
                    1,
                    DealKind::New,
                    DealStatus::Won,
                    100_000.0,
                    d("2024-01-01"),
                ),
                (
                    1,
                    DealKind::Contraction,
                    DealStatus::Won,
                    -10_000.0,
                    d("2026-03-01"),
                ),
                (
                    1,
                    DealKind::Other,
                    DealStatus::Won,
                    99_000.0,
                    d("2026-04-01"),
                ),
                (2, DealKind::New, DealStatus::Won, 50_000.0, d("2024-01-01")),
                (4, DealKind::New, DealStatus::Won, 70_000.0, d("2023-01-01")),
            ],
        };
        let f = retention(&input, from, to);
        // Start: 100k + 50k + 30k = 180k. Lost: account 2 (50k, deleted) and 3 (30k, churned).
        assert_eq!(f.starting_arr, 180_000.0);
        assert_eq!(f.contraction, 10_000.0);
        assert_eq!(f.churned, 80_000.0);
        assert_eq!((f.logos_at_start, f.logos_lost), (3, 2));
        // GRR = (180 − 10 − 80) / 180 = 0.5
        assert!((f.grr.unwrap() - 0.5).abs() < 1e-12);
        assert!(f.grr.unwrap() <= 1.0);
        assert_eq!(f.expansion, 0.0);
    }

    #[test]
    fn empty_book_has_no_ratios() {
        let f = retention(
            &RetentionInputs::default(),
            d("2025-01-01"),
            d("2026-01-01"),
        );
        assert_eq!(f.grr, None);
        assert_eq!(f.logo_retention, None);
    }
}
