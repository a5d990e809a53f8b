use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::capture::Channel;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap()
}

fn contacts() -> Vec<ContactFacts> {
    vec![
        ContactFacts {
            id: 7,
            name: "Ana Lima".into(),
            email: "ana@acme.io".into(),
            crm_id: Some("501".into()),
        },
        ContactFacts {
            id: 8,
            name: "Bo Chen".into(),
            email: "bo@acme.io".into(),
            crm_id: None,
        },
    ]
}

fn nps(score: Option<i64>, speaker: Speaker) -> FeedbackForm {
    FeedbackForm {
        account_id: 1,
        kind: SurveyKind::Nps,
        score,
        verbatim: String::new(),
        speaker,
        channel: Channel::Meeting,
        at: None,
        tags: vec![],
    }
}

fn fields(form: CaptureForm) -> Vec<String> {
    validate(&form, &contacts(), now())
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn scores_must_be_inside_each_kinds_range() {
    let ok = Speaker::Contact { id: 7 };
    for (kind, good, bad) in [
        (SurveyKind::Nps, [0, 10], [-1, 11]),
        (SurveyKind::Csat, [1, 5], [0, 6]),
        (SurveyKind::Ces, [1, 7], [0, 8]),
    ] {
        for s in good {
            let f = FeedbackForm {
                kind,
                ..nps(Some(s), ok.clone())
            };
            assert!(
                fields(CaptureForm::Feedback(f)).is_empty(),
                "{kind:?} {s} is valid"
            );
        }
        for s in bad {
            let f = FeedbackForm {
                kind,
                ..nps(Some(s), ok.clone())
            };
            let errs = validate(&CaptureForm::Feedback(f), &contacts(), now());
            assert_eq!(errs.len(), 1, "{kind:?} {s}");
            assert_eq!(errs[0].field, "score");
            assert!(
                errs[0].message.contains(&s.to_string()),
                "{}",
                errs[0].message
            );
        }
    }
    assert_eq!(fields(CaptureForm::Feedback(nps(None, ok))), ["score"]);
}

#[test]
fn someone_must_have_said_it() {
    assert_eq!(
        fields(CaptureForm::Feedback(nps(Some(9), Speaker::Unknown))),
        ["speaker"]
    );
    // A contact of another account (or one since removed) is refused.
    assert_eq!(
        fields(CaptureForm::Feedback(nps(
            Some(9),
            Speaker::Contact { id: 99 }
        ))),
        ["speaker"]
    );
    let new = |name: &str, email: &str| Speaker::New {
        name: name.into(),
        email: email.into(),
    };
    assert!(fields(CaptureForm::Feedback(nps(
        Some(9),
        new("Cy Dorn", "cy@dorn.co.uk")
    )))
    .is_empty());
    assert_eq!(
        fields(CaptureForm::Feedback(nps(Some(9), new(" ", "cy@dorn.com")))),
        ["name"]
    );
    for bad in [
        "cy",
        "cy@",
        "@dorn.com",
        "cy@dorn",
        "cy dorn@x.com",
        "a@b@c.com",
        "cy@dorn..com",
    ] {
        assert_eq!(
            fields(CaptureForm::Feedback(nps(Some(9), new("Cy", bad)))),
            ["email"],
            "{bad}"
        );
    }
    assert_eq!(
        fields(CaptureForm::Feedback(nps(Some(9), new("", "")))),
        ["name", "email"]
    );
}

#[test]
fn when_may_be_past_or_now_but_not_future() {
    let at = |m: i64| FeedbackForm {
        at: Some(now() + Duration::minutes(m)),
        ..nps(Some(3), Speaker::Contact { id: 8 })
    };
    assert!(fields(CaptureForm::Feedback(at(-60 * 24 * 400))).is_empty());
    assert!(
        fields(CaptureForm::Feedback(at(4))).is_empty(),
        "a few minutes of clock skew"
    );
    assert_eq!(fields(CaptureForm::Feedback(at(6))), ["at"]);
    let note = NoteForm {
        account_id: 1,
        body: "Kick-off".into(),
        attendees: vec![],
        at: Some(now() + Duration::days(1)),
    };
    assert_eq!(fields(CaptureForm::Note(note)), ["at"]);
}

#[test]
fn long_texts_and_tags_are_explained() {
    let f = FeedbackForm {
        verbatim: "x".repeat(32_001),
        tags: (0..11).map(|i| format!("t{i}")).collect(),
        ..nps(Some(5), Speaker::Contact { id: 7 })
    };
    assert_eq!(fields(CaptureForm::Feedback(f)), ["verbatim", "tags"]);
    let f = FeedbackForm {
        verbatim: "x".repeat(32_000),
        tags: vec!["y".repeat(41)],
        ..nps(Some(5), Speaker::Contact { id: 7 })
    };
    assert_eq!(fields(CaptureForm::Feedback(f)), ["tags"]);
}

#[test]
fn notes_and_sentiment_need_their_content() {
    let note = |body: &str, attendees: Vec<i64>| {
        CaptureForm::Note(NoteForm {
            account_id: 1,
            body: body.into(),
            attendees,
            at: None,
        })
    };
    assert_eq!(fields(note("  \n", vec![])), ["body"]);
    assert_eq!(fields(note("Roadmap review", vec![7, 42])), ["attendees"]);
    assert!(fields(note("Roadmap review", vec![7, 8])).is_empty());
    let s = |value: Option<i64>, reason: &str| {
        CaptureForm::Sentiment(SentimentForm {
            account_id: 1,
            value,
            reason: reason.into(),
        })
    };
    assert_eq!(fields(s(None, "")), ["value", "reason"]);
    assert_eq!(fields(s(Some(6), "fine")), ["value"]);
    assert_eq!(fields(s(Some(0), "fine")), ["value"]);
    assert!(fields(s(Some(2), "Sponsor left in October")).is_empty());
}

#[test]
fn feedback_reads_in_the_crm_as_the_am_said_it() {
    let f = FeedbackForm {
        verbatim: "  Support is slow since the migration.  ".into(),
        tags: vec![
            "support".into(),
            " Support ".into(),
            "".into(),
            "migration".into(),
        ],
        channel: Channel::SiteVisit,
        ..nps(Some(4), Speaker::Contact { id: 7 })
    };
    let p = payload(&CaptureForm::Feedback(f), "9001", &contacts(), now());
    assert_eq!(p.account_crm_id, "9001");
    assert_eq!(p.contact_crm_ids, ["501"]);
    assert_eq!(p.at, now(), "no date given: captured now");
    assert_eq!(p.subject, "NPS 4/10 from Ana Lima");
    assert_eq!(
        p.body,
        "NPS 4 out of 10, given in a site visit.\nQuestion: How likely is it that you would recommend us to a friend or colleague?\nFrom: Ana Lima\n\n\u{201c}Support is slow since the migration.\u{201d}\n\nTags: support, migration"
    );
    let fb = p.feedback.unwrap();
    assert_eq!(
        (fb.score, fb.verbatim.as_str()),
        (4, "Support is slow since the migration.")
    );
    assert_eq!(fb.tags, ["support", "migration"]);

    let new = FeedbackForm {
        kind: SurveyKind::Csat,
        ..nps(
            Some(2),
            Speaker::New {
                name: " Cy Dorn ".into(),
                email: "cy@dorn.com".into(),
            },
        )
    };
    let p = payload(&CaptureForm::Feedback(new), "9001", &contacts(), now());
    assert_eq!(p.subject, "CSAT 2/5 from Cy Dorn");
    assert_eq!(
        p.body,
        "CSAT 2 out of 5, given in a meeting.\nFrom: Cy Dorn <cy@dorn.com>"
    );
    assert_eq!(
        p.new_contact,
        Some(("Cy Dorn".into(), "cy@dorn.com".into()))
    );
    assert!(p.contact_crm_ids.is_empty());
}

#[test]
fn notes_and_sentiment_read_in_the_crm() {
    let long = format!("{} and then some", "Q3 roadmap review ".repeat(6));
    let note = CaptureForm::Note(NoteForm {
        account_id: 1,
        body: format!("\n{long}\nNext: pricing"),
        attendees: vec![8, 7],
        at: None,
    });
    let p = payload(&note, "9001", &contacts(), now());
    assert_eq!(p.subject.chars().count(), 80);
    assert!(p.subject.ends_with('\u{2026}') && p.subject.starts_with("Q3 roadmap review Q3"));
    assert!(
        p.body
            .ends_with("Next: pricing\n\nAttendees: Bo Chen, Ana Lima"),
        "{}",
        p.body
    );
    assert_eq!(
        p.contact_crm_ids,
        ["501"],
        "only attendees known to the CRM are linked"
    );
    let s = CaptureForm::Sentiment(SentimentForm {
        account_id: 1,
        value: Some(2),
        reason: " Sponsor left ".into(),
    });
    let p = payload(&s, "9001", &contacts(), now());
    assert_eq!(p.subject, "Account manager sentiment: 2/5 (negative)");
    assert_eq!(
        p.body,
        "Account manager sentiment: 2 out of 5 (negative).\nWhy: Sponsor left"
    );
}
