//! The feedback analysis (pure): NPS, CSAT and CES over a period month by month and by group,
//! what the themes weigh, sentiment counts and each account's response rate.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use crate::domain::insights::{
    FeedbackRow, GroupFigures, Insights, InsightsFilter, KindSeries, MonthPoint, Polarity,
    ResponseRate, Taxonomy, ThemeSummary,
};
use crate::domain::SurveyKind;
use crate::kpi::satisfaction::{csat, nps};

/// The most groups, accounts and verbatims one analysis carries (the rest are in the export).
pub const MAX_LISTED: usize = 200;

/// A kind's figure over `scores`: NPS, CSAT share, or the mean CES.
pub fn figure(kind: SurveyKind, scores: &[i64]) -> Option<f64> {
    match kind {
        SurveyKind::Nps => nps(scores),
        SurveyKind::Csat => csat(scores),
        SurveyKind::Ces if scores.is_empty() => None,
        SurveyKind::Ces => Some(scores.iter().sum::<i64>() as f64 / scores.len() as f64),
    }
}

fn month_key(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Every month from `from`'s to `to`'s, as `YYYY-MM`.
fn months(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    while (y, m) <= (to.year(), to.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

fn series(kind: SurveyKind, rows: &[&FeedbackRow], from: NaiveDate, to: NaiveDate) -> KindSeries {
    let mut by_month: HashMap<String, Vec<i64>> = HashMap::new();
    let mut all = Vec::new();
    for r in rows.iter().filter(|r| r.kind == kind) {
        by_month
            .entry(month_key(r.captured_at.date_naive()))
            .or_default()
            .push(r.score);
        all.push(r.score);
    }
    KindSeries {
        kind,
        count: all.len() as i64,
        value: figure(kind, &all),
        months: months(from, to)
            .into_iter()
            .map(|m| {
                let scores = by_month.remove(&m).unwrap_or_default();
                MonthPoint {
                    count: scores.len() as i64,
                    value: figure(kind, &scores),
                    month: m,
                }
            })
            .collect(),
    }
}

/// Figures per group; `key` gives each row's group key and the label shown for it (accounts are
/// keyed by id, so two of one name stay apart).
fn groups(
    rows: &[&FeedbackRow],
    key: impl Fn(&FeedbackRow) -> (String, String),
) -> Vec<GroupFigures> {
    let mut by: BTreeMap<(String, String), [Vec<i64>; 3]> = BTreeMap::new();
    for r in rows {
        let slot = match r.kind {
            SurveyKind::Nps => 0,
            SurveyKind::Csat => 1,
            SurveyKind::Ces => 2,
        };
        by.entry(key(r)).or_default()[slot].push(r.score);
    }
    let mut out: Vec<GroupFigures> = by
        .into_iter()
        .map(|((_, group), [n, c, e])| GroupFigures {
            group,
            responses: (n.len() + c.len() + e.len()) as i64,
            nps: figure(SurveyKind::Nps, &n),
            csat: figure(SurveyKind::Csat, &c),
            ces: figure(SurveyKind::Ces, &e),
        })
        .collect();
    out.sort_by(|a, b| b.responses.cmp(&a.responses).then(a.group.cmp(&b.group)));
    out.truncate(MAX_LISTED);
    out
}

fn theme_summaries(rows: &[&FeedbackRow], taxonomy: &Taxonomy) -> Vec<ThemeSummary> {
    let mut labels: Vec<(String, String)> = taxonomy
        .themes
        .iter()
        .map(|t| (t.key.clone(), t.label.clone()))
        .collect();
    // Overrides may keep a key the taxonomy has since dropped: it still counts, under its key.
    for r in rows {
        for t in &r.themes {
            if !labels.iter().any(|(k, _)| k == t) {
                labels.push((t.clone(), t.clone()));
            }
        }
    }
    let mut out: Vec<ThemeSummary> = labels
        .into_iter()
        .map(|(key, label)| {
            let with: Vec<&&FeedbackRow> =
                rows.iter().filter(|r| r.themes.contains(&key)).collect();
            let nps_scores: Vec<i64> = with
                .iter()
                .filter(|r| r.kind == SurveyKind::Nps)
                .map(|r| r.score)
                .collect();
            let sentiments: Vec<f64> = with.iter().filter_map(|r| r.sentiment).collect();
            let mut arr_by_account: HashMap<i64, f64> = HashMap::new();
            for r in &with {
                arr_by_account.insert(r.account_id, r.arr);
            }
            ThemeSummary {
                count: with.len() as i64,
                detractor_share: (!nps_scores.is_empty()).then(|| {
                    100.0 * nps_scores.iter().filter(|s| **s <= 6).count() as f64
                        / nps_scores.len() as f64
                }),
                sentiment: (!sentiments.is_empty())
                    .then(|| sentiments.iter().sum::<f64>() / sentiments.len() as f64),
                // Folded from +0: an empty sum of f64 is −0, which prints as "-0".
                arr: arr_by_account.values().fold(0.0, |a, b| a + b),
                accounts: arr_by_account.len() as i64,
                key,
                label,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    out
}

fn response_rates(rows: &[&FeedbackRow], contacts: &[(i64, String, i64)]) -> Vec<ResponseRate> {
    let mut who: HashMap<i64, HashSet<&str>> = HashMap::new();
    for r in rows {
        if let Some(c) = &r.contact {
            who.entry(r.account_id).or_default().insert(c.as_str());
        }
    }
    let mut out: Vec<ResponseRate> = contacts
        .iter()
        .map(|(id, name, n)| {
            // A person logged by name who is not (or no longer) a CRM contact still answered.
            let responded = who.get(id).map_or(0, |s| s.len()) as i64;
            ResponseRate {
                account_id: *id,
                account: name.clone(),
                contacts: *n,
                responded: responded.min(*n),
                rate: (*n > 0).then(|| 100.0 * responded.min(*n) as f64 / *n as f64),
            }
        })
        .collect();
    // Lowest first: the accounts to ask next; those without contacts last.
    out.sort_by(|a, b| {
        let ra = a.rate.unwrap_or(f64::INFINITY);
        let rb = b.rate.unwrap_or(f64::INFINITY);
        ra.total_cmp(&rb).then(a.account.cmp(&b.account))
    });
    out.truncate(MAX_LISTED);
    out
}

/// The analysis of `rows` (already filtered to the period and groups) over `from..=to`.
/// `contacts` is `(account id, name, active contacts)` of the accounts the filter takes.
pub fn insights(
    rows: &[FeedbackRow],
    contacts: &[(i64, String, i64)],
    taxonomy: &Taxonomy,
    filter: &InsightsFilter,
    from: NaiveDate,
    to: NaiveDate,
) -> Insights {
    let mut sorted: Vec<&FeedbackRow> = rows.iter().collect();
    sorted.sort_by(|a, b| b.captured_at.cmp(&a.captured_at).then(b.id.cmp(&a.id)));
    let count = |p: Polarity| {
        sorted
            .iter()
            .filter(|r| r.sentiment.is_some_and(|s| Polarity::of(s) == p))
            .count() as i64
    };
    Insights {
        filter: filter.clone(),
        from,
        to,
        newest: sorted.first().map(|r| r.captured_at),
        kinds: [SurveyKind::Nps, SurveyKind::Csat, SurveyKind::Ces]
            .into_iter()
            .map(|k| series(k, &sorted, from, to))
            .collect(),
        by_segment: groups(&sorted, |r| (r.segment.clone(), r.segment.clone())),
        by_owner: groups(&sorted, |r| (r.owner.clone(), r.owner.clone())),
        by_account: groups(&sorted, |r| (r.account_id.to_string(), r.account.clone())),
        themes: theme_summaries(&sorted, taxonomy),
        positive: count(Polarity::Positive),
        neutral: count(Polarity::Neutral),
        negative: count(Polarity::Negative),
        response_rates: response_rates(&sorted, contacts),
        verbatims: sorted
            .iter()
            .filter(|r| !r.verbatim.trim().is_empty())
            .take(MAX_LISTED)
            .map(|r| (*r).clone())
            .collect(),
        taxonomy: taxonomy.clone(),
        chart_svg: String::new(),
        chart_svg_dark: String::new(),
    }
}

#[cfg(test)]
#[path = "analysis_tests.rs"]
mod tests;
