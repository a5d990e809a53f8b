//! The Warnings view's totals, counts and filter choices, from one pass over the book's alerts:
//! one read of the alerts and a pure summary costs a third of the four aggregate queries it
//! replaced (each of which walked every open alert and its account).

use std::collections::{BTreeSet, HashSet};

use crate::domain::risk::{
    AlertBrief, AlertFacets, AlertQuery, AlertState, AlertTotals, RuleChoice, Severity,
};

/// Open alerts by severity (critical, warning, info), the snoozed ones, and the open ones not yet
/// seen — the home screen's counts, whatever the query.
pub type Counts = [i64; 5];

/// What the Warnings view shows beside its rows for `q`, over `book` (every unresolved alert of
/// an active account, and the resolved ones too when `q.all`).
pub fn summarize(book: &[AlertBrief], q: &AlertQuery) -> (AlertTotals, AlertFacets, Counts) {
    let shown = |a: &&AlertBrief| q.all || a.state == AlertState::Open;
    let kind = |a: &AlertBrief| {
        q.severity.is_none_or(|s| a.severity == s) && q.rule.is_none_or(|r| a.rule == r)
    };
    let place = |a: &AlertBrief| {
        q.segment.as_deref().is_none_or(|s| a.segment == s)
            && q.owner.as_deref().is_none_or(|o| a.owner == o)
    };
    let matching = book
        .iter()
        .filter(shown)
        .filter(|a| kind(a) && place(a))
        .count() as i64;
    // Each account's ARR once, if any matching alert of it is open.
    let mut at_stake = HashSet::new();
    let open_arr = book
        .iter()
        .filter(|a| a.state == AlertState::Open && kind(a) && place(a))
        .filter(|a| at_stake.insert(a.account_id))
        .map(|a| a.arr)
        .sum();
    let (mut rules, mut segments, mut owners) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for a in book.iter().filter(shown) {
        rules.insert(a.rule.as_str());
        if !a.segment.is_empty() {
            segments.insert(a.segment.as_str());
        }
        if !a.owner.is_empty() {
            owners.insert(a.owner.as_str());
        }
    }
    let facets = AlertFacets {
        rules: rules
            .into_iter()
            .filter_map(crate::domain::risk::RuleId::parse)
            .map(|id| RuleChoice {
                id,
                label: id.label().into(),
            })
            .collect(),
        segments: segments.into_iter().map(str::to_string).collect(),
        owners: owners.into_iter().map(str::to_string).collect(),
    };
    let mut counts = [0; 5];
    for a in book {
        match (a.state, a.severity) {
            (AlertState::Open, s) => {
                counts[match s {
                    Severity::Critical => 0,
                    Severity::Warning => 1,
                    Severity::Info => 2,
                }] += 1;
                if !a.seen {
                    counts[4] += 1;
                }
            }
            (AlertState::Snoozed, _) => counts[3] += 1,
            (AlertState::Resolved, _) => {}
        }
    }
    (AlertTotals { matching, open_arr }, facets, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::risk::RuleId;

    /// One alert of the account `(id, segment, owner, arr)`.
    fn alert(
        (account_id, segment, owner, arr): (i64, &str, &str, f64),
        rule: RuleId,
        severity: Severity,
        state: AlertState,
        seen: bool,
    ) -> AlertBrief {
        AlertBrief {
            account_id,
            segment: segment.into(),
            owner: owner.into(),
            arr,
            rule,
            severity,
            state,
            seen,
        }
    }

    /// Account 1 (SMB, Ana, 10k) has two open alerts and a snoozed one; account 2 (Enterprise,
    /// Ben, 50k) an open critical one already seen; account 3 (no segment or owner, 7k) only a
    /// resolved one.
    fn book() -> Vec<AlertBrief> {
        use AlertState::*;
        use RuleId::*;
        use Severity::*;
        vec![
            alert((1, "SMB", "Ana", 10e3), NoTouch, Warning, Open, false),
            alert((1, "SMB", "Ana", 10e3), UsageDrop, Critical, Open, false),
            alert((1, "SMB", "Ana", 10e3), BadSurvey, Info, Snoozed, true),
            alert(
                (2, "Enterprise", "Ben", 50e3),
                UsageDrop,
                Critical,
                Open,
                true,
            ),
            alert((3, "", "", 7e3), HealthDrop, Warning, Resolved, true),
        ]
    }

    #[test]
    fn open_view_counts_each_account_arr_once_and_offers_only_what_is_shown() {
        let (totals, facets, counts) = summarize(&book(), &AlertQuery::default());
        assert_eq!(totals.matching, 3);
        assert_eq!(totals.open_arr, 60e3);
        let rules: Vec<_> = facets.rules.iter().map(|r| r.id).collect();
        // Sorted by id: no_touch < usage_drop; the snoozed and resolved rules are not shown.
        assert_eq!(rules, [RuleId::NoTouch, RuleId::UsageDrop]);
        assert_eq!(facets.segments, ["Enterprise", "SMB"]);
        assert_eq!(facets.owners, ["Ana", "Ben"]);
        // Critical 2, warning 1, info 0 open; 1 snoozed; 2 open unseen.
        assert_eq!(counts, [2, 1, 0, 1, 2]);
    }

    #[test]
    fn filters_narrow_the_totals_but_not_the_choices_or_counts() {
        let q = AlertQuery {
            severity: Some(Severity::Critical),
            ..Default::default()
        };
        let (totals, facets, counts) = summarize(&book(), &q);
        assert_eq!((totals.matching, totals.open_arr), (2, 60e3));
        assert_eq!(facets.owners, ["Ana", "Ben"]);
        assert_eq!(counts, [2, 1, 0, 1, 2]);
        let q = AlertQuery {
            owner: Some("Ana".into()),
            rule: Some(RuleId::NoTouch),
            ..Default::default()
        };
        let (totals, _, _) = summarize(&book(), &q);
        assert_eq!((totals.matching, totals.open_arr), (1, 10e3));
    }

    #[test]
    fn all_includes_snoozed_and_resolved_but_arr_stays_with_open_alerts() {
        let q = AlertQuery {
            all: true,
            ..Default::default()
        };
        let (totals, facets, counts) = summarize(&book(), &q);
        assert_eq!(totals.matching, 5);
        assert_eq!(totals.open_arr, 60e3);
        assert_eq!(facets.rules.len(), 4);
        assert_eq!(facets.segments, ["Enterprise", "SMB"]);
        assert_eq!(counts, [2, 1, 0, 1, 2]);
        let q = AlertQuery {
            all: true,
            rule: Some(RuleId::HealthDrop),
            ..Default::default()
        };
        let (totals, _, _) = summarize(&book(), &q);
        assert_eq!((totals.matching, totals.open_arr), (1, 0.0));
    }
}
