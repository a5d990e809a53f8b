//! Scores worked out by hand from DESIGN §4's weights and this model's breakpoints.

use chrono::NaiveDate;

use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The worked example: every measure present, sentiment 60 days old.
fn worked_example() -> HealthInputs {
    HealthInputs {
        account_id: 7,
        at: d("2026-11-24"),
        segment: "Mid-Market".into(),
        contract_start: d("2024-03-01"),
        seats_purchased: 100,
        usage: Some(UsageFacts {
            last_day: d("2026-11-23"),
            active_avg_7: 65.0,
            // 60 a day for 30 days vs 75 a day before: −20 %
            sum_30: 1800.0,
            sum_prev_30: 2250.0,
            days_30: 30,
            days_prev_30: 30,
        }),
        last_two_way_touch: Some(d("2026-11-04")), // 20 days
        support: SupportFacts {
            open_high: 1,
            opened_30: 4,
            opened_prev_30: 2,
        },
        surveys: Some(SurveyFacts {
            nps_avg: Some(7.0),
            nps_count: 3,
            csat_avg: None,
            csat_count: 0,
            latest: d("2026-10-01"),
        }),
        sentiment: Some((4, d("2026-09-25"))), // 60 days old
    }
}

fn component(h: &HealthScore, m: Measure) -> &Component {
    &h.components[m.index()]
}

#[test]
fn worked_example_matches_hand_calculation() {
    let h = score(&worked_example());
    assert_eq!(h.profile.id, "standard");
    // seat 65 % → 51 + 25·(0.15/0.30) = 63.5
    assert!((component(&h, Measure::SeatUtilisation).score.unwrap() - 63.5).abs() < 1e-9);
    // trend −20 % → 50 exactly
    assert!((component(&h, Measure::UsageTrend).score.unwrap() - 50.0).abs() < 1e-9);
    // 20 days → 76 − 25·6/16 = 66.625
    assert!((component(&h, Measure::Engagement).score.unwrap() - 66.625).abs() < 1e-9);
    // 1 open high → 70, 2 more tickets than before → −10 → 60
    assert!((component(&h, Measure::Support).score.unwrap() - 60.0).abs() < 1e-9);
    // NPS mean 7 → 60
    assert!((component(&h, Measure::Satisfaction).score.unwrap() - 60.0).abs() < 1e-9);
    // sentiment 4 → 80, 60 days old → weight 10·(90−60)/60 = 5
    let s = component(&h, Measure::Sentiment);
    assert!((s.score.unwrap() - 80.0).abs() < 1e-9);
    assert!((s.effective_weight - 5.0).abs() < 1e-9);
    assert_eq!(s.age_days, Some(60));
    // (25·63.5 + 20·50 + 15·66.625 + 15·60 + 15·60 + 5·80) / 95 = 5786.875 / 95
    let expected = 5786.875 / 95.0;
    assert!((h.score.unwrap() - expected).abs() < 1e-9);
    assert_eq!(h.rounded(), Some(61));
    assert_eq!(h.band(), Some(Band::Yellow));
    let sum: f64 = h.components.iter().map(|c| c.contribution).sum();
    assert!((sum - expected).abs() < 1e-9);
    // seat utilisation: 25/95 of the score
    assert!((component(&h, Measure::SeatUtilisation).share - 25.0 / 95.0).abs() < 1e-12);
}

#[test]
fn missing_inputs_redistribute_their_weight() {
    let mut i = worked_example();
    i.surveys = None;
    i.sentiment = None;
    let h = score(&i);
    let sat = component(&h, Measure::Satisfaction);
    assert!(sat.missing);
    assert_eq!(sat.effective_weight, 0.0);
    assert_eq!(sat.contribution, 0.0);
    // (25·63.5 + 20·50 + 15·66.625 + 15·60) / 75 = 4486.875 / 75 = 59.825
    assert!((h.score.unwrap() - 59.825).abs() < 1e-9);
    assert_eq!(h.rounded(), Some(60));
}

#[test]
fn sentiment_weight_decays_linearly_after_30_days() {
    let mut i = worked_example();
    for (age, weight) in [
        (0, 10.0),
        (30, 10.0),
        (45, 7.5),
        (89, 10.0 / 60.0),
        (90, 0.0),
        (400, 0.0),
    ] {
        i.sentiment = Some((4, i.at - chrono::Duration::days(age)));
        let h = score(&i);
        let w = component(&h, Measure::Sentiment).effective_weight;
        assert!(
            (w - weight).abs() < 1e-9,
            "age {age}: weight {w}, expected {weight}"
        );
    }
}

#[test]
fn onboarding_and_enterprise_profiles_apply() {
    let mut i = worked_example();
    i.contract_start = d("2026-09-15"); // 70 days before
    assert_eq!(score(&i).profile.id, "onboarding");
    i.contract_start = d("2026-08-26"); // exactly 90 days: no longer onboarding
    assert_eq!(score(&i).profile.id, "standard");
    i.segment = "Enterprise".into();
    assert_eq!(score(&i).profile.id, "enterprise");
}

#[test]
fn trend_needs_two_windows_of_data() {
    let mut i = worked_example();
    let mut u = i.usage.unwrap();
    u.days_prev_30 = 10;
    i.usage = Some(u);
    let h = score(&i);
    assert!(component(&h, Measure::UsageTrend).missing);
    assert!(!component(&h, Measure::SeatUtilisation).missing);
}

#[test]
fn support_alone_carries_the_whole_score() {
    let i = HealthInputs {
        usage: None,
        last_two_way_touch: None,
        surveys: None,
        sentiment: None,
        support: SupportFacts::default(),
        ..worked_example()
    };
    // Support always has data (zero tickets is a fact), so one measure remains.
    let h = score(&i);
    assert_eq!(h.rounded(), Some(100));
    assert!((component(&h, Measure::Support).share - 1.0).abs() < 1e-12);
}

#[test]
fn support_penalty_is_capped_and_floored() {
    let mut i = worked_example();
    i.support = SupportFacts {
        open_high: 3,
        opened_30: 20,
        opened_prev_30: 0,
    };
    // 3 open high → 45 − 45·(1/2) = 22.5; rise 20 → penalty capped at 25 → floored at 0
    assert_eq!(component(&score(&i), Measure::Support).score, Some(0.0));
    i.support.open_high = 0;
    // 100 − 25 = 75
    assert_eq!(component(&score(&i), Measure::Support).score, Some(75.0));
}

#[test]
fn explanation_lists_what_moved() {
    let before = score(&worked_example());
    let mut i = worked_example();
    i.usage.as_mut().unwrap().sum_30 = 1125.0; // 37.5 a day vs 75: −50 % → 0
    let after = score(&i);
    let prev = Snapshot::from(&before);
    let mut cur = Snapshot::from(&after);
    cur.day = d("2026-11-24");
    let mut prev = prev;
    prev.day = d("2026-11-17");
    let e = explain(&cur, Some(&prev));
    // trend lost 20/95·50 = 10.526 points; nothing else moved
    assert_eq!(e.changes.len(), 1);
    assert_eq!(e.changes[0].measure, Measure::UsageTrend);
    assert!((e.changes[0].contribution_delta + 1000.0 / 95.0).abs() < 1e-9);
    // 61 → round((5786.875 − 1000)/95) = round(50.388) = 50
    assert_eq!(e.score, Some(50));
    assert_eq!(e.band, Some(Band::Red));
    assert_eq!(
        e.summary,
        "Down 11 points since 17 Nov 2026, mostly usage trend (30 d) (-10.5)."
    );
}
