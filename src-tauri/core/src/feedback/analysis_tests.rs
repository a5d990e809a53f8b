use chrono::{TimeZone, Utc};

use super::*;
use crate::feedback::text::default_taxonomy;

fn row(id: i64, account: i64, kind: SurveyKind, score: i64, day: (i32, u32, u32)) -> FeedbackRow {
    FeedbackRow {
        id,
        account_id: account,
        account: format!("Account {account}"),
        segment: if account == 1 { "Enterprise" } else { "SMB" }.into(),
        owner: "Maya".into(),
        arr: account as f64 * 1000.0,
        kind,
        score,
        verbatim: String::new(),
        channel: "meeting".into(),
        contact: None,
        captured_at: Utc.with_ymd_and_hms(day.0, day.1, day.2, 10, 0, 0).unwrap(),
        captured_here: false,
        themes: Vec::new(),
        sentiment: None,
        themes_overridden: false,
        sentiment_overridden: false,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn months_with_counts_and_figures_including_empty_ones() {
    use SurveyKind::*;
    let rows = vec![
        // September: 10 and 9 (promoters), 5 (detractor): (2 - 1) / 3 = +33.3
        row(1, 1, Nps, 10, (2026, 9, 3)),
        row(2, 1, Nps, 9, (2026, 9, 20)),
        row(3, 2, Nps, 5, (2026, 9, 30)),
        // November: 7 (passive): 0
        row(4, 2, Nps, 7, (2026, 11, 1)),
        // CSAT: 5, 4, 2 → 2 of 3 satisfied; CES 3 and 6 → mean 4.5
        row(5, 1, Csat, 5, (2026, 10, 2)),
        row(6, 1, Csat, 4, (2026, 10, 2)),
        row(7, 2, Csat, 2, (2026, 11, 2)),
        row(8, 2, Ces, 3, (2026, 11, 2)),
        row(9, 2, Ces, 6, (2026, 11, 3)),
    ];
    let i = insights(
        &rows,
        &[],
        &default_taxonomy(),
        &InsightsFilter::default(),
        d(2026, 9, 1),
        d(2026, 11, 30),
    );
    let n = &i.kinds[0];
    assert_eq!((n.kind, n.count), (Nps, 4));
    // Over the period: 2 promoters, 1 detractor of 4 = +25
    assert_eq!(n.value, Some(25.0));
    let months: Vec<(&str, i64, Option<i64>)> = n
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.count, m.value.map(|v| v.round() as i64)))
        .collect();
    assert_eq!(
        months,
        vec![
            ("2026-09", 3, Some(33)),
            ("2026-10", 0, None),
            ("2026-11", 1, Some(0))
        ]
    );
    assert_eq!(i.kinds[1].value.map(|v| (v * 10.0).round()), Some(667.0));
    assert_eq!(i.kinds[2].value, Some(4.5));
    assert_eq!(
        i.newest,
        Some(Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap())
    );

    // By segment: Enterprise = account 1 (NPS 10, 9 → +100; CSAT 5, 4 → 100 %), SMB the rest.
    let ent = i
        .by_segment
        .iter()
        .find(|g| g.group == "Enterprise")
        .unwrap();
    assert_eq!(
        (ent.responses, ent.nps, ent.csat, ent.ces),
        (4, Some(100.0), Some(100.0), None)
    );
    let smb = i.by_segment.iter().find(|g| g.group == "SMB").unwrap();
    // NPS 5 and 7: −50; CSAT 2: 0 %; CES 4.5
    assert_eq!(
        (smb.responses, smb.nps, smb.csat, smb.ces),
        (5, Some(-50.0), Some(0.0), Some(4.5))
    );
    assert_eq!(i.by_segment[0].group, "SMB", "most responses first");
}

#[test]
fn themes_weigh_count_detractor_share_sentiment_and_distinct_arr() {
    use SurveyKind::*;
    let mut a = row(1, 1, Nps, 3, (2026, 10, 1));
    a.themes = vec!["support".into()];
    a.sentiment = Some(-0.6);
    let mut b = row(2, 1, Nps, 9, (2026, 10, 2));
    b.themes = vec!["support".into(), "pricing".into()];
    b.sentiment = Some(0.4);
    let mut c = row(3, 2, Csat, 2, (2026, 10, 3));
    c.themes = vec!["support".into()];
    let mut e = row(4, 2, Nps, 10, (2026, 10, 4));
    e.themes = vec!["retired_theme".into()];
    e.sentiment = Some(0.01);
    let i = insights(
        &[a, b, c, e],
        &[],
        &default_taxonomy(),
        &InsightsFilter::default(),
        d(2026, 10, 1),
        d(2026, 10, 31),
    );
    let s = &i.themes[0];
    assert_eq!(
        (s.key.as_str(), s.label.as_str(), s.count),
        ("support", "Support quality", 3)
    );
    // NPS responses with the theme: 3 and 9, one detractor of two.
    assert_eq!(s.detractor_share, Some(50.0));
    // Sentiment of the two with text: (−0.6 + 0.4) / 2
    assert!((s.sentiment.unwrap() + 0.1).abs() < 1e-9);
    // Accounts 1 (1,000) and 2 (2,000), each counted once.
    assert_eq!((s.arr, s.accounts), (3000.0, 2));
    let retired = i.themes.iter().find(|t| t.key == "retired_theme").unwrap();
    assert_eq!(retired.count, 1);
    let onboarding = i.themes.iter().find(|t| t.key == "onboarding").unwrap();
    assert_eq!(
        (
            onboarding.count,
            onboarding.detractor_share,
            onboarding.sentiment
        ),
        (0, None, None)
    );
    // −0.6 negative, 0.4 positive, 0.01 neutral, one without text.
    assert_eq!((i.positive, i.neutral, i.negative), (1, 1, 1));
}

#[test]
fn response_rate_is_distinct_people_over_active_contacts_lowest_first() {
    use SurveyKind::*;
    let mut rows = Vec::new();
    for (id, who) in [(1, "Ana"), (2, "Ana"), (3, "Bo")] {
        let mut r = row(id, 1, Nps, 8, (2026, 10, 1));
        r.contact = Some(who.into());
        rows.push(r);
    }
    let mut r = row(4, 2, Nps, 8, (2026, 10, 1));
    r.contact = Some("Cy".into());
    rows.push(r);
    let contacts = vec![
        (1, "Account 1".into(), 4),
        (2, "Account 2".into(), 1),
        (3, "Account 3".into(), 0),
    ];
    let i = insights(
        &rows,
        &contacts,
        &default_taxonomy(),
        &InsightsFilter::default(),
        d(2026, 10, 1),
        d(2026, 10, 31),
    );
    let got: Vec<(i64, i64, i64, Option<f64>)> = i
        .response_rates
        .iter()
        .map(|r| (r.account_id, r.responded, r.contacts, r.rate))
        .collect();
    // Account 1: Ana and Bo of 4 = 50 %; account 2: 1 of 1; account 3 has no contacts.
    assert_eq!(
        got,
        vec![
            (1, 2, 4, Some(50.0)),
            (2, 1, 1, Some(100.0)),
            (3, 0, 0, None)
        ]
    );
}

#[test]
fn verbatims_are_the_newest_with_text() {
    use SurveyKind::*;
    let mut old = row(1, 1, Nps, 8, (2026, 9, 1));
    old.verbatim = "older".into();
    let blank = row(2, 1, Nps, 8, (2026, 10, 1));
    let mut new = row(3, 1, Csat, 5, (2026, 9, 30));
    new.verbatim = "newer".into();
    let i = insights(
        &[old, blank, new],
        &[],
        &default_taxonomy(),
        &InsightsFilter::default(),
        d(2026, 9, 1),
        d(2026, 10, 31),
    );
    let v: Vec<&str> = i.verbatims.iter().map(|r| r.verbatim.as_str()).collect();
    assert_eq!(v, vec!["newer", "older"]);
}
