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
            expected_from: d("2024-03-01"),
            last_day: d("2026-11-23"),
            feed_day: d("2026-11-23"),
            active_avg_7: 65.0,
            // 60 a day for 30 days vs 75 a day before: −20 %
            sum_30: 1800.0,
            sum_prev_30: 2250.0,
            days_30: 30,
            days_prev_30: 30,
        }),
        last_two_way_touch: Some(d("2026-11-04")), // 20 days
        relationship: RelationshipFacts {
            champions: 1,
            sponsors: 1,
            departed: None,
        },
        support: SupportFacts {
            open_high: 1,
            opened_30: 4,
            opened_prev_30: 2,
            latest: Some(d("2026-11-20")),
        },
        // One promoter, one passive, one detractor: NPS 0.
        surveys: Some(SurveyFacts {
            nps_promoters: 1,
            nps_detractors: 1,
            nps_count: 3,
            csat_satisfied: 0,
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
    // NPS (1 − 1) / 3 = 0 → 60
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

/// An account the CRM holds nothing about yet.
fn empty() -> HealthInputs {
    HealthInputs {
        usage: None,
        last_two_way_touch: None,
        relationship: RelationshipFacts::default(),
        surveys: None,
        sentiment: None,
        support: SupportFacts::default(),
        ..worked_example()
    }
}

#[test]
fn an_account_with_no_data_is_not_scored_and_never_green() {
    let h = score(&empty());
    assert_eq!((h.score, h.band()), (None, None));
    // No ticket on record says nothing about support.
    assert!(component(&h, Measure::Support).missing);
    let e = explain(&Snapshot::from(&h), None);
    assert_eq!(e.confidence, Confidence::Insufficient);
    assert_eq!(e.summary, "Not scored: no input has data yet.");
}

#[test]
fn one_input_or_too_little_weight_is_not_enough_evidence() {
    // Support alone: one measure.
    let i = HealthInputs {
        support: SupportFacts {
            latest: Some(d("2026-11-01")),
            ..SupportFacts::default()
        },
        ..empty()
    };
    let h = score(&i);
    assert_eq!(h.score, None);
    assert!(!component(&h, Measure::Support).missing);
    let e = explain(&Snapshot::from(&h), None);
    assert_eq!(
        e.summary,
        "Not scored: too little evidence (1 of 6 inputs: support). A score needs at least two inputs carrying 40 % of the weight."
    );
    // Engagement and NPS/CSAT: two measures but 15 + 15 = 30 % of the standard weight.
    let i = HealthInputs {
        last_two_way_touch: Some(d("2026-11-20")),
        surveys: worked_example().surveys,
        ..empty()
    };
    assert_eq!(score(&i).score, None);
    // Seat utilisation and usage trend: 25 + 20 = 45 % ≥ 40 %, scored with low confidence.
    let i = HealthInputs {
        usage: worked_example().usage,
        ..empty()
    };
    let h = score(&i);
    // (25·63.5 + 20·50) / 45 = 2587.5 / 45 = 57.5
    assert!((h.score.unwrap() - 57.5).abs() < 1e-9);
    let e = explain(&Snapshot::from(&h), None);
    assert_eq!(
        (e.confidence, (e.coverage * 100.0).round()),
        (Confidence::Low, 45.0)
    );
    // The worked example: 95 of 100 → high.
    let e = explain(&Snapshot::from(&score(&worked_example())), None);
    assert_eq!(e.confidence, Confidence::High);
}

#[test]
fn usage_that_stopped_arriving_loses_weight_and_says_so() {
    let mut i = worked_example();
    let mut u = i.usage.unwrap();
    // The source last reported 20 days before the scoring day.
    u.feed_day = d("2026-11-04");
    u.last_day = d("2026-11-04");
    i.usage = Some(u);
    let h = score(&i);
    let seat = component(&h, Measure::SeatUtilisation);
    // 20 days: 25 · (30 − 20) / (30 − 7) = 250 / 23
    assert!((seat.effective_weight - 250.0 / 23.0).abs() < 1e-9);
    assert!(seat.stale && seat.raw_text.contains("last reported 20 days ago"));
    assert_eq!(seat.input_on, Some(d("2026-11-04")));
    assert_eq!(seat.age_days, Some(20));
    // A week old is still fresh.
    u.feed_day = d("2026-11-17");
    i.usage = Some(u);
    let seat = component(&score(&i), Measure::SeatUtilisation).clone();
    assert!(!seat.stale && seat.effective_weight == 25.0);
    // A month old weighs nothing.
    u.feed_day = d("2026-10-25");
    i.usage = Some(u);
    assert_eq!(
        component(&score(&i), Measure::SeatUtilisation).effective_weight,
        0.0
    );
}

#[test]
fn usage_windows_end_on_the_feed_day_and_count_silent_days_as_zero() {
    let (at, feed) = (d("2026-11-24"), d("2026-11-24"));
    // Started using the product 3 days ago: the 7-day mean is over the 4 days since.
    let u = UsageFacts::from_sums(d("2026-11-21"), d("2026-11-24"), feed, at, 40.0, 40.0, 0.0);
    assert_eq!((u.active_avg_7, u.days_30, u.days_prev_30), (10.0, 4, 0));
    // A long-time user silent for the last 10 days: the last 7 days are zeros, not skipped.
    let u = UsageFacts::from_sums(
        d("2024-01-01"),
        d("2026-11-14"),
        feed,
        at,
        0.0,
        600.0,
        1800.0,
    );
    assert_eq!((u.active_avg_7, u.days_30, u.days_prev_30), (0.0, 30, 30));
    // The windows end on the feed day when the source stopped reporting.
    let u = UsageFacts::from_sums(
        d("2024-01-01"),
        d("2026-11-10"),
        d("2026-11-10"),
        at,
        70.0,
        0.0,
        0.0,
    );
    assert_eq!((u.feed_day, u.active_avg_7), (d("2026-11-10"), 10.0));
}

#[test]
fn satisfaction_uses_nps_and_csat_as_design_defines_them() {
    let mut i = worked_example();
    // 3 promoters, 1 detractor of 5: NPS +40 → 80 + 20·(40 − 30)/30 = 86.667; 9 of 10 satisfied
    // (90 %) → 85. Both: the mean, 85.833.
    i.surveys = Some(SurveyFacts {
        nps_promoters: 3,
        nps_detractors: 1,
        nps_count: 5,
        csat_satisfied: 9,
        csat_count: 10,
        latest: d("2026-11-01"),
    });
    let sat = component(&score(&i), Measure::Satisfaction).clone();
    assert!((sat.score.unwrap() - (80.0 + 20.0 / 3.0 + 85.0) / 2.0).abs() < 1e-9);
    assert_eq!(
        sat.raw_text,
        "NPS +40 (3 promoters, 1 detractors of 5), CSAT 90 % (9 of 10 satisfied)"
    );
    // Three zeros: NPS −100 → 0, not the "mean 0/10" of a mean rating.
    i.surveys = Some(SurveyFacts {
        nps_promoters: 0,
        nps_detractors: 3,
        nps_count: 3,
        csat_satisfied: 0,
        csat_count: 0,
        latest: d("2026-11-01"),
    });
    assert_eq!(
        component(&score(&i), Measure::Satisfaction).score,
        Some(0.0)
    );
}

#[test]
fn a_champion_who_left_without_a_successor_caps_engagement() {
    let mut i = worked_example();
    i.relationship = RelationshipFacts {
        champions: 0,
        sponsors: 1,
        departed: Some(Departure {
            name: "Ada Lovelace".into(),
            champion: true,
            on: d("2026-11-10"),
        }),
    };
    let e = component(&score(&i), Measure::Engagement).clone();
    // 66.625 from recency, capped at 50.
    assert_eq!(e.score, Some(50.0));
    assert!(e.raw_text.ends_with(
        "the champion Ada Lovelace left on 10 Nov 2026 and no other champion is on record"
    ));
    // Another champion carries on: recency alone.
    i.relationship.champions = 1;
    assert!((component(&score(&i), Measure::Engagement).score.unwrap() - 66.625).abs() < 1e-9);
}

#[test]
fn support_penalty_is_capped_and_floored() {
    let mut i = worked_example();
    i.support = SupportFacts {
        open_high: 3,
        opened_30: 20,
        opened_prev_30: 0,
        latest: Some(d("2026-11-20")),
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
