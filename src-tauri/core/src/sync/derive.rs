//! Account facts the CRM does not hold, derived the same way for both CRMs from the ones it does
//! (pure): segment, a first lifecycle stage, and from the deals ARR, contract dates and churn.

use chrono::{Datelike, Duration, Months, NaiveDate};

pub use crate::domain::sync::{AccountFacts, DealFact, Derived};
use crate::domain::{DealKind, DealStatus, LifecycleStage};

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

/// Lifecycle from the contract dates: new contracts onboard, near renewals renew. The rescore
/// replaces it with the stage the evidence shows.
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

/// Days of won deals that make up ARR: contracts are assumed annual.
pub const ARR_WINDOW_DAYS: i64 = 365;

/// What a won deal adds to ARR: contractions by their size (CRMs hold them with either sign),
/// unmapped types nothing.
fn arr_effect(kind: DealKind, amount: f64) -> f64 {
    match kind {
        DealKind::New | DealKind::Renewal | DealKind::Expansion => amount.abs(),
        DealKind::Contraction => -amount.abs(),
        DealKind::Other => 0.0,
    }
}

/// ARR at the end of `day` from won deals: the new, renewal and expansion amounts won in the
/// year before, less contractions. When nothing was signed in that year (a multi-year contract,
/// renewals not recorded as deals) the latest won contract still stands, with what was won
/// after it, unless a renewal was lost since.
pub fn arr_from_deals(deals: &[DealFact], day: NaiveDate) -> f64 {
    let from = day - Duration::days(ARR_WINDOW_DAYS);
    let won = |d: &&DealFact| d.1 == DealStatus::Won && d.3 <= day;
    let trailing: f64 = deals
        .iter()
        .filter(won)
        .filter(|d| d.3 > from)
        .map(|d| arr_effect(d.0, d.2))
        .sum();
    if trailing > 0.0 {
        return trailing;
    }
    let Some(base) = deals
        .iter()
        .filter(won)
        .filter(|d| matches!(d.0, DealKind::New | DealKind::Renewal))
        .max_by_key(|d| d.3)
    else {
        return 0.0;
    };
    let lost_since = deals
        .iter()
        .any(|d| d.0 == DealKind::Renewal && d.1 == DealStatus::Lost && d.3 > base.3 && d.3 <= day);
    if lost_since {
        return 0.0;
    }
    let after: f64 = deals
        .iter()
        .filter(won)
        .filter(|d| d.3 > base.3 && matches!(d.0, DealKind::Expansion | DealKind::Contraction))
        .map(|d| arr_effect(d.0, d.2))
        .sum();
    (base.2.abs() + after).max(0.0)
}

/// Churned when the latest closed renewal was lost and nothing was won after it; the churn day
/// is that renewal's close date.
pub fn churn_from_deals(deals: &[DealFact], today: NaiveDate) -> Option<NaiveDate> {
    let lost = deals
        .iter()
        .filter(|(k, s, _, d)| *k == DealKind::Renewal && *s != DealStatus::Open && *d <= today)
        .max_by_key(|(_, s, _, d)| (*d, *s == DealStatus::Won))?;
    if lost.1 != DealStatus::Lost {
        return None;
    }
    let won_after = deals.iter().any(|(k, s, _, d)| {
        *s == DealStatus::Won
            && *d > lost.3
            && !matches!(k, DealKind::Contraction | DealKind::Other)
    });
    (!won_after).then_some(lost.3)
}

/// The next anniversary of `start` on or after `today`.
fn next_anniversary(start: NaiveDate, today: NaiveDate) -> NaiveDate {
    let years = (today.year() - start.year()).max(0) as u32;
    let mut d = start
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(today);
    while d < today {
        d = d.checked_add_months(Months::new(12)).unwrap_or(today);
    }
    d
}

/// Derives what the CRM does not say about one account, as of `today`.
pub fn account(f: &AccountFacts, today: NaiveDate) -> Derived {
    let churn = f
        .crm_churned_on
        .filter(|d| *d <= today)
        .map(|d| (d, "crm"))
        .or_else(|| churn_from_deals(&f.deals, today).map(|d| (d, "deals")));
    let contract_start = match f.crm_contract_start {
        Some(_) => None,
        None => f
            .deals
            .iter()
            .filter(|(k, s, _, _)| {
                *s == DealStatus::Won && matches!(k, DealKind::New | DealKind::Renewal)
            })
            .map(|d| d.3)
            .min(),
    };
    let renewal = match f.crm_renewal_date {
        Some(_) => None,
        None => f
            .deals
            .iter()
            .filter(|(k, s, _, d)| *k == DealKind::Renewal && *s == DealStatus::Open && *d >= today)
            .map(|d| (d.3, "deals"))
            .min()
            .or_else(|| {
                f.crm_contract_start
                    .or(contract_start)
                    .map(|s| (next_anniversary(s, today), "anniversary"))
            }),
    };
    // A churned account's ARR is what it paid until the day before it left.
    let arr_day = churn.map_or(today, |(d, _)| d - Duration::days(1));
    Derived {
        account_id: f.account_id,
        arr: (!f.arr_from_crm).then(|| arr_from_deals(&f.deals, arr_day)),
        contract_start,
        renewal,
        churn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(deals: Vec<DealFact>) -> AccountFacts {
        AccountFacts {
            account_id: 1,
            arr_from_crm: false,
            crm_contract_start: None,
            crm_renewal_date: None,
            crm_churned_on: None,
            deals,
        }
    }

    use DealKind::*;
    use DealStatus::*;

    #[test]
    fn arr_is_the_last_years_won_new_renewal_and_expansion_less_contraction() {
        let today = d("2026-11-20");
        let deals = vec![
            // Won 2024-12-01: older than a year, replaced by the renewal.
            (New, Won, 100_000.0, d("2024-12-01")),
            (Renewal, Won, 110_000.0, d("2025-12-01")),
            (Expansion, Won, 20_000.0, d("2026-03-01")),
            // Stored negative by some CRMs: counted by its size either way.
            (Contraction, Won, -5_000.0, d("2026-06-01")),
            (Expansion, Lost, 50_000.0, d("2026-07-01")),
            (Expansion, Open, 9_000.0, d("2027-01-01")),
            (Other, Won, 77_000.0, d("2026-05-01")),
        ];
        // 110,000 + 20,000 − 5,000 = 125,000
        let out = account(&facts(deals), today);
        assert_eq!(out.arr, Some(125_000.0));
        assert_eq!(out.contract_start, Some(d("2024-12-01")));
        // No open renewal: the contract's next anniversary.
        assert_eq!(out.renewal, Some((d("2026-12-01"), "anniversary")));
        assert_eq!(out.churn, None);
    }

    #[test]
    fn without_a_deal_in_the_last_year_the_latest_won_contract_stands() {
        let today = d("2026-11-20");
        // A three-year contract signed in 2024, an upsell in 2025: 90,000 + 12,000.
        let deals = vec![
            (New, Won, 90_000.0, d("2024-03-01")),
            (Expansion, Won, 12_000.0, d("2025-05-01")),
        ];
        assert_eq!(arr_from_deals(&deals, today), 102_000.0);
        // Unless the renewal was lost since: then nothing stands.
        let mut lost = deals.clone();
        lost.push((Renewal, Lost, 90_000.0, d("2025-09-01")));
        assert_eq!(arr_from_deals(&lost, today), 0.0);
        // No won contract at all: no ARR.
        assert_eq!(
            arr_from_deals(&[(Expansion, Open, 5.0, d("2026-12-01"))], today),
            0.0
        );
    }

    #[test]
    fn a_lost_renewal_with_nothing_won_after_it_is_churn() {
        let today = d("2026-11-20");
        let mut deals = vec![
            (New, Won, 50_000.0, d("2025-03-01")),
            (Renewal, Lost, 50_000.0, d("2026-03-01")),
        ];
        let out = account(&facts(deals.clone()), today);
        assert_eq!(out.churn, Some((d("2026-03-01"), "deals")));
        // ARR when it left: what it paid the day before, the new deal won 364 days earlier.
        assert_eq!(out.arr, Some(50_000.0));
        // Won back two months later: not churned.
        deals.push((New, Won, 40_000.0, d("2026-05-01")));
        assert_eq!(account(&facts(deals), today).churn, None);
        // A lost renewal followed by a later won renewal: the latest renewal decides.
        let deals = vec![
            (Renewal, Lost, 1.0, d("2025-03-01")),
            (Renewal, Won, 1.0, d("2026-03-01")),
        ];
        assert_eq!(account(&facts(deals), today).churn, None);
        // A renewal that closes in the future is not churn yet.
        let deals = vec![(Renewal, Lost, 1.0, d("2026-12-01"))];
        assert_eq!(account(&facts(deals), today).churn, None);
    }

    #[test]
    fn the_crms_own_values_win() {
        let today = d("2026-11-20");
        let f = AccountFacts {
            arr_from_crm: true,
            crm_contract_start: Some(d("2023-01-15")),
            crm_renewal_date: Some(d("2027-01-15")),
            crm_churned_on: Some(d("2026-10-01")),
            ..facts(vec![(Renewal, Won, 9.0, d("2026-11-01"))])
        };
        let out = account(&f, today);
        assert_eq!(
            (out.arr, out.contract_start, out.renewal, out.churn),
            (None, None, None, Some((d("2026-10-01"), "crm")))
        );
    }

    #[test]
    fn an_open_renewal_gives_the_renewal_date() {
        let today = d("2026-11-20");
        let deals = vec![
            (New, Won, 10.0, d("2024-02-29")),
            (Renewal, Open, 10.0, d("2027-02-28")),
        ];
        assert_eq!(
            account(&facts(deals), today).renewal,
            Some((d("2027-02-28"), "deals"))
        );
        // Anniversaries of 29 February fall on 28 February.
        assert_eq!(next_anniversary(d("2024-02-29"), today), d("2027-02-28"));
    }
}
