use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::domain::capture::{CaptureForm, Channel, FeedbackForm, Speaker};
use crate::domain::insights::Polarity;
use crate::domain::{Clock, SurveyKind};
use crate::portfolio::Scored;
use crate::secrets::DbKey;
use crate::secrets::KeySource;

async fn demo() -> (tempfile::TempDir, Rapport, DateTime<Utc>) {
    let dir = tempfile::tempdir().unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, 0),
    )
    .await
    .unwrap();
    r.generate_demo(30, 7, at).await.unwrap();
    (dir, r, at)
}

async fn log_nps(r: &Rapport, account: i64, score: i64, verbatim: &str) {
    let form = CaptureForm::Feedback(FeedbackForm {
        account_id: account,
        kind: SurveyKind::Nps,
        score: Some(score),
        verbatim: verbatim.into(),
        speaker: Speaker::New {
            name: "Dana Wu".into(),
            email: "dana@example.com".into(),
        },
        channel: Channel::Meeting,
        at: None,
        tags: vec![],
    });
    let c = r.capture(&form).await.unwrap();
    assert!(c.errors.is_empty(), "{:?}", c.errors);
}

#[tokio::test]
async fn every_response_is_read_once_and_the_figures_match_the_stored_scores() {
    let (_d, r, _) = demo().await;
    let n = r.tag_feedback().await.unwrap();
    assert!(n > 100, "{n} responses read");
    assert_eq!(r.tag_feedback().await.unwrap(), 0, "nothing left to read");

    let today = r.today();
    let i = r.insights(&InsightsFilter::default(), today).await.unwrap();
    // Twelve months up to today: from the first of the month eleven months back.
    assert_eq!(i.from, NaiveDate::from_ymd_opt(2025, 12, 1).unwrap());
    assert_eq!(i.kinds[0].months.len(), 12);
    // The same responses counted through the store's other path (the KPI tiles' query).
    for k in &i.kinds {
        let scores = r.store().survey_scores(k.kind, i.from, i.to).await.unwrap();
        assert_eq!(k.count as usize, scores.len(), "{:?}", k.kind);
        let mine: Vec<i64> = scores.iter().map(|(_, s)| *s).collect();
        assert_eq!(k.value, analysis::figure(k.kind, &mine));
    }
    assert!(i.chart_svg.starts_with("<svg") && i.chart_svg_dark.contains("#161920"));
}

#[tokio::test]
async fn a_captured_verbatim_is_read_at_once_and_the_ams_override_wins_over_later_readings() {
    let (_d, r, _) = demo().await;
    let account = r.portfolio_table(r.today()).await.unwrap().rows[0].id;
    log_nps(
        &r,
        account,
        3,
        "Not happy with support, tickets sit for days without a reply.",
    )
    .await;
    let mine = InsightsFilter {
        account_id: Some(account),
        ..Default::default()
    };
    let i = r.insights(&mine, r.today()).await.unwrap();
    let v = &i.verbatims[0];
    assert!(v.verbatim.starts_with("Not happy with support"));
    assert!(v.captured_here);
    assert_eq!(v.themes, vec!["support"]);
    assert_eq!(Polarity::of(v.sentiment.unwrap()), Polarity::Negative);

    let id = v.id;
    r.set_feedback_override(&FeedbackOverride {
        id,
        themes: Some(vec!["pricing".into()]),
        sentiment: Some(Polarity::Neutral),
    })
    .await
    .unwrap();
    // A new taxonomy reads every response again; the override still wins.
    let mut themes = r.taxonomy().await.unwrap().themes;
    themes[1].keywords.push("tickets".into());
    let saved = r.save_taxonomy(&themes).await.unwrap();
    assert_eq!(saved.version, 2);
    let pricing = InsightsFilter {
        theme: Some("pricing".into()),
        ..mine.clone()
    };
    let i = r.insights(&pricing, r.today()).await.unwrap();
    let v = i.verbatims.iter().find(|v| v.id == id).unwrap();
    assert_eq!(v.themes, vec!["pricing"]);
    assert_eq!(
        (v.sentiment, v.themes_overridden, v.sentiment_overridden),
        (Some(0.0), true, true)
    );

    // Cleared: the text decides again.
    r.set_feedback_override(&FeedbackOverride {
        id,
        themes: None,
        sentiment: None,
    })
    .await
    .unwrap();
    let i = r.insights(&mine, r.today()).await.unwrap();
    let v = i.verbatims.iter().find(|v| v.id == id).unwrap();
    assert_eq!(v.themes, vec!["support"]);
    assert!(!v.themes_overridden);

    let unknown = FeedbackOverride {
        id,
        themes: Some(vec!["nope".into()]),
        sentiment: None,
    };
    assert_eq!(
        r.set_feedback_override(&unknown).await.unwrap_err().code(),
        crate::ErrorCode::InvalidInput
    );
    let gone = FeedbackOverride {
        id: 999_999_999,
        themes: None,
        sentiment: None,
    };
    assert_eq!(
        r.set_feedback_override(&gone).await.unwrap_err().code(),
        crate::ErrorCode::NotFound
    );
}

#[tokio::test]
async fn the_export_holds_every_response_of_the_filter() {
    let (d, r, _) = demo().await;
    let account = r.portfolio_table(r.today()).await.unwrap().rows[0].id;
    log_nps(&r, account, 2, "=1+1 </a:t> & <script>x</script> 😀").await;
    let f = InsightsFilter::default();
    let i = r.insights(&f, r.today()).await.unwrap();
    let total: i64 = i.kinds.iter().map(|k| k.count).sum();
    let (csv, xlsx) = (d.path().join("out.csv"), d.path().join("out.xlsx"));
    let rep = r
        .export_insights(&f, r.today(), Some(&csv), Some(&xlsx))
        .await
        .unwrap();
    assert_eq!(rep.rows, total);
    assert_eq!(rep.files.len(), 2);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rd = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let recs: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
    assert_eq!(recs.len() as i64, total);
    assert!(recs
        .iter()
        .any(|rec| &rec[10] == "'=1+1 </a:t> & <script>x</script> 😀"));
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 2_000);
    assert!(!d.path().join("out.rapport-partial").exists());

    let bad = InsightsFilter {
        from: NaiveDate::from_ymd_opt(2026, 12, 1),
        to: NaiveDate::from_ymd_opt(2026, 1, 1),
        ..Default::default()
    };
    let e = r.insights(&bad, r.today()).await.unwrap_err();
    assert!(e
        .to_string()
        .contains("starts (2026-12-01) after it ends (2026-01-01)"));
}

#[tokio::test]
async fn a_detractor_proposes_a_follow_up_that_is_accepted_with_an_escalation_or_dismissed() {
    use crate::domain::followup::{AcceptFollowUp, Escalation, FollowUpState};
    let (_d, r, _) = demo().await;
    let account = r.portfolio_table(r.today()).await.unwrap().rows[3].id;
    // The clock says Tue 24 Nov 2026: due two business days later, Thu 26 Nov.
    log_nps(&r, account, 2, "Support never replies.").await;
    log_nps(&r, account, 8, "Fine.").await;
    let mine = r.followups(Some(account)).await.unwrap();
    let proposed: Vec<_> = mine
        .iter()
        .filter(|f| f.state == FollowUpState::Proposed)
        .collect();
    let f = proposed
        .iter()
        .find(|f| f.verbatim == "Support never replies.")
        .expect("proposed");
    assert_eq!(f.due_on, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
    assert_eq!(f.title, "Follow up with Dana Wu on their NPS of 2");
    assert!(
        mine.iter().all(|f| f.verbatim != "Fine."),
        "a passive proposes nothing"
    );

    let bad = AcceptFollowUp {
        response_id: f.response_id,
        title: " ".into(),
        due_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        escalation: Escalation::Support,
        note: String::new(),
    };
    let got = r.accept_followup(&bad).await.unwrap();
    assert_eq!(got.errors.len(), 2);
    assert_eq!(
        r.followups(Some(account))
            .await
            .unwrap()
            .iter()
            .filter(|x| x.state == FollowUpState::Proposed)
            .count(),
        proposed.len(),
        "nothing saved"
    );

    let ok = AcceptFollowUp {
        title: "Call Dana about support".into(),
        due_on: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
        ..bad.clone()
    };
    let got = r.accept_followup(&ok).await.unwrap();
    // A demo account has no CRM: the tasks are local only.
    assert!(got.errors.is_empty() && got.outbox.is_empty());
    let after = r.followups(Some(account)).await.unwrap();
    let done = after
        .iter()
        .find(|x| x.response_id == f.response_id)
        .unwrap();
    assert_eq!(done.state, FollowUpState::Accepted);
    assert_eq!(
        (done.title.as_str(), done.escalation),
        ("Call Dana about support", Escalation::Support)
    );
    let teams: Vec<(&str, &str)> = done
        .tasks
        .iter()
        .map(|t| (t.team.as_str(), t.title.as_str()))
        .collect();
    assert_eq!(
        teams,
        vec![
            ("cs", "Call Dana about support"),
            ("support", "Escalation for Support: Call Dana about support")
        ]
    );
    assert_eq!(
        r.accept_followup(&ok).await.unwrap_err().to_string(),
        "This follow-up was already decided."
    );

    let other = after.iter().find(|x| x.state == FollowUpState::Proposed);
    if let Some(o) = other {
        assert_eq!(
            r.dismiss_followup(o.response_id, "  ")
                .await
                .unwrap_err()
                .code(),
            crate::ErrorCode::InvalidInput
        );
        r.dismiss_followup(o.response_id, "Spoke to them at the QBR")
            .await
            .unwrap();
        let d = r
            .followups(Some(account))
            .await
            .unwrap()
            .into_iter()
            .find(|x| x.response_id == o.response_id)
            .unwrap();
        assert_eq!(
            (d.state, d.reason.as_str()),
            (FollowUpState::Dismissed, "Spoke to them at the QBR")
        );
    }
}

#[tokio::test]
async fn a_dismissed_follow_up_keeps_the_proposals_title_and_day() {
    use crate::domain::followup::FollowUpState;
    let (_d, r, _) = demo().await;
    let account = r.portfolio_table(r.today()).await.unwrap().rows[5].id;
    log_nps(&r, account, 1, "Nothing works.").await;
    let f = r
        .followups(Some(account))
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.verbatim == "Nothing works.")
        .unwrap();
    r.dismiss_followup(f.response_id, "Called them already")
        .await
        .unwrap();
    let d = r
        .followups(Some(account))
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.response_id == f.response_id)
        .unwrap();
    assert_eq!(d.state, FollowUpState::Dismissed);
    assert_eq!((d.title.as_str(), d.due_on), (f.title.as_str(), f.due_on));
    assert_eq!(d.due_on, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
}

#[tokio::test]
async fn reading_verbatims_marks_no_account_for_rescoring() {
    let (_d, r, _) = demo().await;
    r.score_changes(r.today()).await.unwrap();
    r.tag_feedback().await.unwrap();
    assert_eq!(
        r.score_changes(r.today()).await.unwrap(),
        Scored::Nothing,
        "themes and sentiment are not inputs of the score"
    );
}

#[tokio::test]
async fn a_follow_up_counts_business_days_from_the_ams_local_day() {
    // 24 Nov 2026 12:00 UTC in a time zone 10 h east (Sydney-like): the response given at
    // 23 Nov 15:00 UTC was given on Tuesday 24 Nov locally, so it is due Thursday 26 Nov (counted
    // from the UTC day it would have been Wednesday 25 Nov); the task is due at 09:00 local.
    let dir = tempfile::tempdir().unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, 10),
    )
    .await
    .unwrap();
    r.generate_demo(30, 7, at).await.unwrap();
    let account = r.portfolio_table(r.today()).await.unwrap().rows[2].id;
    let form = CaptureForm::Feedback(FeedbackForm {
        account_id: account,
        kind: SurveyKind::Csat,
        score: Some(1),
        verbatim: "Late at night".into(),
        speaker: Speaker::New {
            name: "Dana Wu".into(),
            email: "dana@example.com".into(),
        },
        channel: Channel::Call,
        at: Some(Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()),
        tags: vec![],
    });
    assert!(r.capture(&form).await.unwrap().errors.is_empty());
    let f = r
        .followups(Some(account))
        .await
        .unwrap()
        .into_iter()
        .find(|f| f.verbatim == "Late at night")
        .unwrap();
    assert_eq!(f.due_on, NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
}

#[tokio::test]
async fn an_older_taxonomys_reading_never_replaces_a_newer_one() {
    // A background pass under version 1 finishing after a save under version 2 read the same
    // response: the newer reading stays.
    let (_d, r, _) = demo().await;
    r.tag_feedback().await.unwrap();
    let f = InsightsFilter::default();
    let id = r.insights(&f, r.today()).await.unwrap().verbatims[0].id;
    let store = r.store();
    store
        .set_feedback_tags(2, &[(id, vec!["pricing".into()], Some(0.9))])
        .await
        .unwrap();
    store
        .set_feedback_tags(1, &[(id, vec!["support".into()], Some(-0.9))])
        .await
        .unwrap();
    let (from, to) = (NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(), r.today());
    let row = store
        .feedback_rows(&f, from, to)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == id)
        .unwrap();
    assert_eq!(
        (row.themes, row.sentiment),
        (vec!["pricing".to_string()], Some(0.9))
    );
}
