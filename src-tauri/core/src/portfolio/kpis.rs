//! The KPI tiles of the home screen, with the seed targets of DESIGN §4.

use chrono::{Datelike, Duration, NaiveDate};

use super::{HealthDistribution, PortfolioRow};
use crate::domain::SurveyKind;
use crate::error::Result;
use crate::kpi::{self, KpiStatus, KpiTile};
use crate::store::{Store, META_KPI_CACHE};

/// Compact money, e.g. "$12.4M", "$840k", "$950".
pub fn money(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    if a >= 1e6 {
        format!("{sign}${:.1}M", a / 1e6)
    } else if a >= 1e3 {
        format!("{sign}${:.0}k", a / 1e3)
    } else {
        format!("{sign}${a:.0}")
    }
}

fn pct(v: f64) -> String {
    format!("{:.1} %", v * 100.0)
}

fn status(value: Option<f64>, met: impl Fn(f64) -> bool) -> KpiStatus {
    match value {
        Some(v) if met(v) => KpiStatus::Met,
        Some(_) => KpiStatus::Missed,
        None => KpiStatus::NoData,
    }
}

#[allow(clippy::too_many_arguments)]
fn tile(
    id: &str,
    label: &str,
    value: Option<f64>,
    display: String,
    target: Option<&str>,
    status: KpiStatus,
    period: &str,
    detail: String,
    series: Vec<f64>,
) -> KpiTile {
    KpiTile {
        id: id.into(),
        label: label.into(),
        value,
        display: if value.is_none() && status == KpiStatus::NoData {
            "—".into()
        } else {
            display
        },
        target: target.map(Into::into),
        status,
        period: period.into(),
        detail,
        series,
    }
}

/// First day of the month `back` months before `today`'s month.
fn month_start(today: NaiveDate, back: u32) -> NaiveDate {
    let m0 = today.year() * 12 + today.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1, 1).unwrap()
}

/// Monthly values of a survey metric over the last six months, oldest first; months without
/// responses are left out.
fn monthly(
    scores: &[(NaiveDate, i64)],
    today: NaiveDate,
    f: fn(&[i64]) -> Option<f64>,
) -> Vec<f64> {
    (0..6)
        .rev()
        .filter_map(|back| {
            let from = month_start(today, back);
            let in_month: Vec<i64> = scores
                .iter()
                .filter(|(d, _)| {
                    d.year() == from.year() && d.month() == from.month() && *d <= today
                })
                .map(|(_, s)| *s)
                .collect();
            f(&in_month).map(|v| (v * 10.0).round() / 10.0)
        })
        .collect()
}

/// Scores of `scores` captured from `from` to `to` inclusive.
fn between(scores: &[(NaiveDate, i64)], from: NaiveDate, to: NaiveDate) -> Vec<i64> {
    scores
        .iter()
        .filter(|(d, _)| (from..=to).contains(d))
        .map(|(_, s)| *s)
        .collect()
}

/// Bumped when `tiles` changes what it computes, so tiles kept by an older build are not shown.
const CACHE_VERSION: u32 = 3;

/// The tiles as computed at the last scoring, for the day they were computed for.
#[derive(serde::Serialize, serde::Deserialize)]
struct Cached {
    version: u32,
    day: NaiveDate,
    tiles: Vec<KpiTile>,
}

/// The kept tiles when they are for `today` and this build; `None` means compute them.
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn cached(store: &Store, today: NaiveDate) -> Result<Option<Vec<KpiTile>>> {
    let Some(json) = store.meta(META_KPI_CACHE).await? else {
        return Ok(None);
    };
    Ok(serde_json::from_str::<Cached>(&json)
        .ok()
        .filter(|c| c.version == CACHE_VERSION && c.day == today)
        .map(|c| c.tiles))
}

/// Computes the tiles for `today` from the store now.
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn compute(
    store: &Store,
    table: &super::PortfolioTable,
    today: NaiveDate,
) -> Result<Vec<KpiTile>> {
    let input = inputs(store, today).await?;
    let mut out = tiles(&input, &table.rows, &table.distribution, today);
    // After the renewals tile: what of them the churn model expects to lose.
    let at = out
        .iter()
        .position(|t| t.id == "renewals_90d")
        .map_or(out.len(), |i| i + 1);
    out.insert(at, super::risk::arr_at_risk_tile(&table.rows));
    Ok(out)
}

/// Computes the tiles for `today` and keeps them for reads (called where scores are computed).
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn refresh(
    store: &Store,
    table: &super::PortfolioTable,
    today: NaiveDate,
) -> Result<()> {
    let tiles = compute(store, table, today).await?;
    let json = serde_json::to_string(&Cached {
        version: CACHE_VERSION,
        day: today,
        tiles,
    })
    .map_err(|e| crate::error::Error::Storage(format!("the KPI tiles did not encode: {e}")))?;
    store.set_meta(META_KPI_CACHE, &json).await
}

/// What the book-level tiles read from the store, fetched concurrently.
pub(super) struct KpiInputs {
    csat: Vec<(NaiveDate, i64)>,
    nps: Vec<(NaiveDate, i64)>,
    retention: crate::store::RetentionInputs,
    ttv: Vec<crate::domain::value::TtvFacts>,
}

/// First day any tile looks at: the survey quarter or six months of monthly points.
fn survey_from(today: NaiveDate) -> NaiveDate {
    (today - Duration::days(89)).min(month_start(today, 5))
}

#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn inputs(store: &Store, today: NaiveDate) -> Result<KpiInputs> {
    let from = survey_from(today);
    let (csat, nps, retention, (ttv, _)) = tokio::try_join!(
        store.survey_scores(SurveyKind::Csat, from, today),
        store.survey_scores(SurveyKind::Nps, from, today),
        store.retention_inputs(),
        store.ttv_facts(),
    )?;
    Ok(KpiInputs {
        csat,
        nps,
        retention,
        ttv,
    })
}

/// The tiles for `today` from the table's rows, its band counts and the KPI inputs.
pub(super) fn tiles(
    input: &KpiInputs,
    rows: &[PortfolioRow],
    dist: &HealthDistribution,
    today: NaiveDate,
) -> Vec<KpiTile> {
    let arr: f64 = rows.iter().map(|r| r.arr).sum();
    let renewing: Vec<&PortfolioRow> = rows
        .iter()
        .filter(|r| r.days_to_renewal.is_some_and(|d| (0..=90).contains(&d)))
        .collect();
    let renewing_arr: f64 = renewing.iter().map(|r| r.arr).sum();
    let renewing_at_risk = renewing
        .iter()
        .filter(|r| r.band != Some(crate::health::Band::Green))
        .count();

    let q_from = today - Duration::days(89);
    let (csat_scores, nps_scores) = (&input.csat, &input.nps);
    // The tiles score the last 90 days and say how many answers that is.
    let (csat_q, nps_q) = (
        between(csat_scores, q_from, today),
        between(nps_scores, q_from, today),
    );
    let csat = kpi::csat(&csat_q);
    let nps = kpi::nps(&nps_q);

    let year_ago = today - Duration::days(365);
    let ret = kpi::retention(&input.retention, year_ago, today);
    let ttv = kpi::ttv_cohorts(&input.ttv, today);
    let ttv_latest = ttv
        .cohorts
        .iter()
        .find(|c| Some(&c.quarter) == ttv.latest.as_ref());
    let t12 = "last 12 months";

    vec![
        tile(
            "arr",
            "ARR",
            Some(arr),
            money(arr),
            None,
            KpiStatus::Info,
            "today",
            format!(
                "Annual recurring revenue of the {} accounts on the books.",
                rows.len()
            ),
            vec![],
        ),
        tile(
            "accounts",
            "Accounts",
            Some(rows.len() as f64),
            rows.len().to_string(),
            None,
            KpiStatus::Info,
            "today",
            format!(
                "{} green, {} yellow, {} red, {} not scored.",
                dist.green, dist.yellow, dist.red, dist.unscored
            ),
            vec![],
        ),
        tile(
            "renewals_90d",
            "Renewing",
            Some(renewing_arr),
            money(renewing_arr),
            None,
            KpiStatus::Info,
            "next 90 days",
            format!(
                "ARR up for renewal: {} accounts renew in the next 90 days; {} of them are not green.",
                renewing.len(),
                renewing_at_risk
            ),
            vec![],
        ),
        tile(
            "csat",
            "CSAT",
            csat,
            csat.map_or_else(String::new, |v| format!("{v:.0} %")),
            Some("> 90 %"),
            status(csat, |v| v > 90.0),
            "last 90 days",
            format!(
                "Share of 4–5 answers among {} CSAT responses.",
                csat_q.len()
            ),
            monthly(csat_scores, today, kpi::csat),
        ),
        tile(
            "nps",
            "NPS",
            nps,
            nps.map_or_else(String::new, |v| format!("{v:+.0}")),
            Some("> 50"),
            status(nps, |v| v > 50.0),
            "last 90 days",
            format!(
                "% promoters − % detractors over {} NPS responses.",
                nps_q.len()
            ),
            monthly(nps_scores, today, kpi::nps),
        ),
        tile(
            "grr",
            "GRR",
            ret.grr,
            ret.grr.map_or_else(String::new, pct),
            Some("> 95 %"),
            status(ret.grr, |v| v > 0.95),
            t12,
            format!(
                "Gross revenue retention: {} starting ARR, {} churned, {} contraction. Logo retention {}.",
                money(ret.starting_arr),
                money(ret.churned),
                money(ret.contraction),
                ret.logo_retention.map_or_else(|| "—".into(), pct)
            ),
            vec![],
        ),
        tile(
            "nrr",
            "NRR",
            ret.nrr,
            ret.nrr.map_or_else(String::new, pct),
            None,
            if ret.nrr.is_some() {
                KpiStatus::Info
            } else {
                KpiStatus::NoData
            },
            t12,
            format!(
                "Net revenue retention: (starting ARR + {} expansion − contraction − churn) ÷ starting ARR.",
                money(ret.expansion)
            ),
            vec![],
        ),
        tile(
            "expansion",
            "Expansion",
            ret.expansion_rate,
            ret.expansion_rate.map_or_else(String::new, pct),
            Some("> 20 % / yr"),
            status(ret.expansion_rate, |v| v > 0.20),
            t12,
            format!(
                "{} expansion ARR ÷ {} starting ARR.",
                money(ret.expansion),
                money(ret.starting_arr)
            ),
            vec![],
        ),
        tile(
            "ttv",
            "TTV cut",
            ttv.reduction,
            ttv.reduction.map_or_else(String::new, pct),
            Some("> 25 %"),
            status(ttv.reduction, |v| v > 0.25),
            "vs a year earlier",
            match (&ttv.latest, &ttv.baseline, ttv_latest.and_then(|c| c.median_first_days)) {
                (Some(l), Some(b), Some(days)) => format!(
                    "Time-to-value cut: median days to first value, {l} cohort {days:.0} d vs {b}."
                ),
                _ => "Needs two settled start-quarter cohorts a year apart.".to_string(),
            },
            ttv.cohorts
                .iter()
                .filter(|c| c.settled)
                .filter_map(|c| c.median_first_days)
                .collect(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csat_and_nps_tiles_count_the_window_they_score() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let day = |back: i64| today - Duration::days(back);
        let input = KpiInputs {
            // In the last 90 days: 5 and 4 (satisfied), 2 → 2 of 3; older: 1, 1, 1 (ignored).
            csat: vec![
                (day(150), 1),
                (day(120), 1),
                (day(95), 1),
                (day(60), 5),
                (day(10), 4),
                (day(0), 2),
            ],
            // In the window: 10, 9, 3, 7 → (2 − 1) / 4 = +25; older: 0 (ignored).
            nps: vec![
                (day(100), 0),
                (day(89), 10),
                (day(30), 9),
                (day(20), 3),
                (day(1), 7),
            ],
            retention: Default::default(),
            ttv: vec![],
        };
        let tiles = tiles(&input, &[], &HealthDistribution::default(), today);
        let csat = tiles.iter().find(|t| t.id == "csat").unwrap();
        assert_eq!(csat.display, "67 %");
        assert_eq!(csat.detail, "Share of 4–5 answers among 3 CSAT responses.");
        let nps = tiles.iter().find(|t| t.id == "nps").unwrap();
        assert_eq!(nps.display, "+25");
        assert_eq!(
            nps.detail,
            "% promoters − % detractors over 4 NPS responses."
        );
    }

    #[test]
    fn money_is_compact() {
        assert_eq!(money(12_400_000.0), "$12.4M");
        assert_eq!(money(840_200.0), "$840k");
        assert_eq!(money(950.0), "$950");
        assert_eq!(money(-2_500.0), "-$2k");
    }

    #[test]
    fn month_starts_cross_year_boundaries() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 14).unwrap();
        assert_eq!(
            month_start(d, 0),
            NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
        );
        assert_eq!(
            month_start(d, 2),
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
        );
        assert_eq!(
            month_start(d, 14),
            NaiveDate::from_ymd_opt(2024, 12, 1).unwrap()
        );
    }
}
