//! Feedback to a HubSpot portal that has the `rapport_feedback` custom object (unique
//! `rapport_key`): batch upserts keyed on the entries' idempotency keys, then default
//! associations to the company and the speaker; a lost answer is simply sent again and still
//! leaves one record per entry. Notes keep going as notes. Real HTTP against the fake.

use std::sync::atomic::Ordering;

use rapport_core::domain::capture::{
    CaptureForm, Channel, FeedbackForm, NoteForm, OutboxState, Speaker,
};
use rapport_core::domain::{Crm, SurveyKind};
use rapport_tests::hubspot::{Config, FakeHubSpot};
use tokio_util::sync::CancellationToken;

mod common;

#[tokio::test]
async fn feedback_is_upserted_once_on_its_key_even_when_the_answer_is_lost() {
    let fake = FakeHubSpot::start(Config {
        feedback_object: true,
        ..Config::default()
    })
    .await;
    fake.seed(5, 11);
    let (_dir, r, ahead) =
        common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let (account, account_crm, contact, contact_crm) = common::account_with_crm_contact(&r).await;
    let feedback = |score: i64, speaker: Speaker, verbatim: &str| {
        CaptureForm::Feedback(FeedbackForm {
            account_id: account,
            kind: SurveyKind::Nps,
            score: Some(score),
            verbatim: verbatim.into(),
            speaker,
            channel: Channel::Meeting,
            at: None,
            tags: vec!["renewal".into()],
        })
    };
    let forms = [
        feedback(
            3,
            Speaker::Contact { id: contact },
            "Support <b>never</b> replies & we're stuck",
        ),
        feedback(
            9,
            Speaker::New {
                name: "Dee Park".into(),
                email: "dee@park.io".into(),
            },
            "Onboarding was smooth",
        ),
        CaptureForm::Note(NoteForm {
            account_id: account,
            body: "QBR prep: roadmap questions".into(),
            attendees: vec![],
            at: None,
        }),
    ];
    let mut keys = Vec::new();
    for f in &forms {
        let c = r.capture(f).await.unwrap();
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        keys.push(c.outbox.unwrap().key);
    }

    // The note and then the upsert are stored and their answers lost (each stops its flush:
    // the network looks gone). The note is found again by its marker, the feedback simply
    // upserted again.
    fake.drop_creates(2);
    let send = || async {
        r.send_outbox(CancellationToken::new())
            .await
            .unwrap()
            .remove(0)
    };
    let first = send().await;
    assert_eq!(first.delivered, 0, "{:?}", first.reasons);
    ahead.fetch_add(120_000, Ordering::Relaxed);
    let second = send().await;
    assert_eq!(
        (second.confirmed, second.delivered),
        (1, 0),
        "{:?}",
        second.reasons
    );
    assert_eq!(fake.stats().dropped_after_commit, 2);
    assert_eq!(
        fake.feedback_object_records().len(),
        2,
        "the lost upsert landed"
    );
    ahead.fetch_add(120_000, Ordering::Relaxed);
    let third = send().await;
    assert_eq!(
        (third.delivered, third.waiting),
        (2, 0),
        "{:?}",
        third.reasons
    );

    let records = fake.feedback_object_records();
    assert_eq!(
        records.len(),
        2,
        "one record per entry, the lost answer included"
    );
    let entries = r.outbox(None).await.unwrap();
    for key in &keys[..2] {
        let (id, rec) = records
            .iter()
            .find(|(_, rec)| rec["rapport_key"] == *key)
            .expect("each key once");
        let e = entries.iter().find(|e| e.key == *key).unwrap();
        assert_eq!(e.state, OutboxState::Delivered);
        assert_eq!(e.crm_id, Some(format!("2-9000001:{id}")));
        assert!(e
            .crm_url
            .as_deref()
            .unwrap()
            .ends_with(&format!("/record/2-9000001/{id}")));
        assert_eq!(
            fake.feedback_object_associated(*id, "companies"),
            vec![account_crm.parse::<u64>().unwrap()]
        );
        assert_eq!(rec["rapport_kind"], "NPS");
        assert_eq!(rec["rapport_tags"], "renewal");
    }
    let by_key = |k: &str| records.iter().find(|(_, r)| r["rapport_key"] == k).unwrap();
    let (said, rec) = by_key(&keys[0]);
    assert_eq!(rec["rapport_score"], "3");
    // CRM text stays text: what the client typed, character for character.
    assert_eq!(
        rec["rapport_verbatim"],
        "Support <b>never</b> replies & we're stuck"
    );
    assert_eq!(
        fake.feedback_object_associated(*said, "contacts"),
        vec![contact_crm.parse::<u64>().unwrap()]
    );
    let (new_person, rec) = by_key(&keys[1]);
    assert_eq!(rec["rapport_said_by"], "Dee Park <dee@park.io>");
    assert!(fake
        .feedback_object_associated(*new_person, "contacts")
        .is_empty());
    // No feedback became a note; the note did, once.
    let marked = |key: &str| {
        fake.ids("notes")
            .into_iter()
            .filter(|id| {
                fake.get("notes", *id).is_some_and(|p| {
                    p.get("hs_note_body")
                        .is_some_and(|b| b.contains(&format!("rapportref{key}")))
                })
            })
            .count()
    };
    assert_eq!(
        (marked(&keys[0]), marked(&keys[1]), marked(&keys[2])),
        (0, 0, 1)
    );
}
