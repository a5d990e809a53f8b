//! Captures written back to Salesforce through the outbox, over real HTTP against the fake org:
//! upserts on Rapport_Key__c land each capture exactly once whatever happens to the answer; an
//! org without the fields keeps entries queued and says what an admin must create.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use rapport_core::domain::capture::{
    CaptureForm, Channel, FeedbackForm, NoteForm, OutboxEntryView, OutboxState, SentimentForm,
    Speaker,
};
use rapport_core::domain::{Crm, SurveyKind};
use rapport_core::{ErrorCode, Rapport};
use rapport_tests::salesforce::{Config, FakeSalesforce, Fault};
use tokio_util::sync::CancellationToken;

mod common;

struct World {
    sf: FakeSalesforce,
    r: Rapport,
    ahead_ms: Arc<AtomicI64>,
    account: i64,
    account_sf_id: String,
    contact: i64,
    contact_sf_id: String,
    _dir: tempfile::TempDir,
}

async fn world(cfg: Config) -> World {
    let sf = FakeSalesforce::start(cfg).await;
    sf.seed(6, 5);
    let (dir, r, ahead_ms) =
        common::synced("sf", Crm::Salesforce, &sf.base_url, "sf-fake-session").await;
    let (account, account_sf_id, contact, contact_sf_id) =
        common::account_with_crm_contact(&r).await;
    World {
        account,
        account_sf_id,
        contact,
        contact_sf_id,
        sf,
        r,
        ahead_ms,
        _dir: dir,
    }
}

impl World {
    async fn capture(&self, form: CaptureForm) -> OutboxEntryView {
        let c = self.r.capture(&form).await.unwrap();
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        c.outbox.unwrap()
    }

    async fn send(&self) -> rapport_core::sync::outbox::FlushReport {
        self.r
            .send_outbox(CancellationToken::new())
            .await
            .unwrap()
            .remove(0)
    }

    async fn entry(&self, id: i64) -> OutboxEntryView {
        self.r
            .outbox(None)
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.id == id)
            .unwrap()
    }

    fn advance(&self, secs: i64) {
        self.ahead_ms.fetch_add(secs * 1000, Ordering::Relaxed);
    }

    /// Tasks in the org carrying `key`.
    fn tasks_with(&self, key: &str) -> Vec<String> {
        self.sf
            .ids("Task")
            .into_iter()
            .filter(|id| {
                self.sf
                    .get("Task", id)
                    .is_some_and(|t| t.get("Rapport_Key__c").and_then(|v| v.as_str()) == Some(key))
            })
            .collect()
    }

    fn feedback_with(&self, key: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
        self.sf
            .feedback_records()
            .into_iter()
            .filter(|r| r.get("Rapport_Key__c").and_then(|v| v.as_str()) == Some(key))
            .collect()
    }

    fn nps(&self, score: i64) -> CaptureForm {
        CaptureForm::Feedback(FeedbackForm {
            account_id: self.account,
            kind: SurveyKind::Nps,
            score: Some(score),
            verbatim: "Onboarding was smooth".into(),
            speaker: Speaker::Contact { id: self.contact },
            channel: Channel::Qbr,
            at: None,
            tags: vec!["onboarding".into(), "value".into()],
        })
    }
}

#[tokio::test]
async fn each_capture_is_upserted_once_on_its_key_even_when_the_answer_is_lost() {
    let w = world(Config::default()).await;
    let fb = w.capture(w.nps(9)).await;
    let note = w
        .capture(CaptureForm::Note(NoteForm {
            account_id: w.account,
            body: "Exec sponsor sync\nBudget confirmed".into(),
            attendees: vec![w.contact],
            at: None,
        }))
        .await;
    let mood = w
        .capture(CaptureForm::Sentiment(SentimentForm {
            account_id: w.account,
            value: Some(4),
            reason: "Expansion talks started".into(),
        }))
        .await;

    // The feedback upsert is stored, then the connection drops before the answer.
    w.sf.inject(Fault::CommitThenDrop { count: 1 });
    let rep = w.send().await;
    assert_eq!(rep.delivered, 0, "the flush stops at the lost answer");
    let lost = w.entry(fb.id).await;
    assert_eq!(
        (lost.state, lost.last_error.unwrap().code),
        (OutboxState::Pending, ErrorCode::CrmUnreachable)
    );
    assert_eq!(w.feedback_with(&fb.key).len(), 1, "it did land");

    // Sent again on the same key: Salesforce updates the record it already has.
    w.advance(60);
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting, rep.failed), (3, 0, 0));
    let records = w.feedback_with(&fb.key);
    assert_eq!(records.len(), 1, "exactly once");
    let r = &records[0];
    assert_eq!(r["Account__c"], w.account_sf_id.as_str());
    assert_eq!(r["Contact__c"], w.contact_sf_id.as_str());
    assert_eq!(
        (r["Kind__c"].as_str(), r["Score__c"].as_i64()),
        (Some("NPS"), Some(9))
    );
    assert_eq!(
        (r["Channel__c"].as_str(), r["Tags__c"].as_str()),
        (Some("qbr"), Some("onboarding;value"))
    );
    assert_eq!(w.entry(fb.id).await.crm_id.as_deref(), r["Id"].as_str());

    for e in [&note, &mood] {
        let ids = w.tasks_with(&e.key);
        assert_eq!(ids.len(), 1, "{}", e.summary);
        let t = w.sf.get("Task", &ids[0]).unwrap();
        assert_eq!(t["WhatId"], w.account_sf_id.as_str());
        assert_eq!(t["Status"], "Completed");
        let delivered = w.entry(e.id).await;
        assert_eq!(delivered.crm_id, Some(ids[0].clone()));
        assert!(delivered.crm_url.unwrap().ends_with(&ids[0]));
    }
    let t = w.sf.get("Task", &w.tasks_with(&note.key)[0]).unwrap();
    assert_eq!(t["Subject"], "Exec sponsor sync");
    assert_eq!(t["WhoId"], w.contact_sf_id.as_str());

    // The next sync brings the Task back as the same timeline row.
    w.r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    let timeline =
        w.r.account_detail(w.account, w.r.today())
            .await
            .unwrap()
            .timeline;
    assert_eq!(
        timeline
            .iter()
            .filter(|a| a.summary.contains("Budget confirmed") || a.summary == "Exec sponsor sync")
            .count(),
        1
    );
}

#[tokio::test]
async fn an_org_without_the_fields_keeps_entries_queued_and_says_what_to_create() {
    let w = world(Config {
        rapport_fields: false,
        ..Config::default()
    })
    .await;
    let fb = w.capture(w.nps(2)).await;
    let note = w
        .capture(CaptureForm::Note(NoteForm {
            account_id: w.account,
            body: "Escalation call".into(),
            attendees: vec![],
            at: None,
        }))
        .await;
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting, rep.failed), (0, 2, 0));
    let fb_err = w.entry(fb.id).await.last_error.unwrap();
    assert_eq!(fb_err.code, ErrorCode::CrmSetup);
    assert!(fb_err.message.contains("Customer_Feedback__c with the fields Rapport_Key__c (Text(40), External ID, Unique), Account__c (Lookup(Account))"), "{}", fb_err.message);
    let note_err = w.entry(note.id).await.last_error.unwrap();
    assert!(
        note_err.message.contains("activity field Rapport_Key__c")
            && note_err.message.contains("rapport outbox salesforce-setup"),
        "{}",
        note_err.message
    );
    assert!(
        w.sf.feedback_records().is_empty() && w.tasks_with(&note.key).is_empty(),
        "nothing written some other way"
    );

    // The admin creates them; the next attempt (an hour on) delivers both.
    w.sf.set_rapport_fields(true);
    w.advance(59 * 60);
    assert_eq!(w.send().await.delivered, 0, "not yet due");
    w.advance(2 * 60);
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting), (2, 0));
    assert_eq!(w.feedback_with(&fb.key).len(), 1);
    assert_eq!(w.tasks_with(&note.key).len(), 1);
}

#[tokio::test]
async fn server_errors_are_retried_and_refusals_need_attention() {
    let w = world(Config::default()).await;
    let a = w.capture(w.nps(7)).await;
    w.sf.inject(Fault::WriteErrors {
        count: 1,
        status: 503,
    });
    w.send().await;
    assert_eq!(w.entry(a.id).await.state, OutboxState::Pending);
    w.advance(60);
    assert_eq!(w.send().await.delivered, 1);
    assert_eq!(w.feedback_with(&a.key).len(), 1);

    // The account was deleted in Salesforce: the lookup is refused, and the reason is kept.
    let b = w
        .capture(CaptureForm::Note(NoteForm {
            account_id: w.account,
            body: "After the merge".into(),
            attendees: vec![],
            at: None,
        }))
        .await;
    w.sf.delete(
        "Account",
        &w.account_sf_id,
        chrono::Utc::now().timestamp_millis(),
    );
    let rep = w.send().await;
    assert_eq!(rep.failed, 1);
    let e = w.entry(b.id).await;
    assert_eq!(e.state, OutboxState::Failed);
    let why = e.last_error.unwrap();
    assert_eq!(why.code, ErrorCode::CrmRejected);
    assert!(
        why.message.contains("INVALID_CROSS_REFERENCE_KEY"),
        "{}",
        why.message
    );
}

#[tokio::test]
async fn an_accepted_follow_up_is_an_open_task_upserted_once_on_its_key() {
    use rapport_core::domain::followup::{AcceptFollowUp, Escalation};
    let w = world(Config::default()).await;
    w.capture(CaptureForm::Feedback(FeedbackForm {
        account_id: w.account,
        kind: SurveyKind::Nps,
        score: Some(4),
        verbatim: "Renewal price is too high".into(),
        speaker: Speaker::Contact { id: w.contact },
        channel: Channel::Meeting,
        at: None,
        tags: vec![],
    }))
    .await;
    w.send().await;
    let f =
        w.r.followups(Some(w.account))
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.verbatim == "Renewal price is too high")
            .expect("a detractor proposes a follow-up");
    let due = w.r.today() + chrono::Duration::days(2);
    let got =
        w.r.accept_followup(&AcceptFollowUp {
            response_id: f.response_id,
            title: "Walk through the renewal pricing".into(),
            due_on: due,
            escalation: Escalation::Sales,
            note: String::new(),
        })
        .await
        .unwrap();
    assert_eq!(got.outbox.len(), 2);
    // Salesforce stores the first upsert and the answer is lost: the retry lands on the same record.
    w.sf.inject(Fault::CommitThenDrop { count: 1 });
    w.send().await;
    w.advance(61);
    w.send().await;
    let all = w.r.outbox(Some(w.account)).await.unwrap();
    for id in &got.outbox {
        let e = all.iter().find(|e| e.id == *id).unwrap();
        assert_eq!(e.state, OutboxState::Delivered, "{:?}", e.last_error);
        let ids = w.tasks_with(&e.key);
        assert_eq!(ids.len(), 1, "exactly once");
        assert_eq!(e.crm_id.as_deref(), Some(ids[0].as_str()));
        let t = w.sf.get("Task", &ids[0]).unwrap();
        assert_eq!(t["Status"], "Not Started");
        assert_eq!(t["Priority"], "High");
        assert_eq!(t["ActivityDate"], due.to_string());
        assert_eq!(t["WhatId"], w.account_sf_id.as_str());
        assert_eq!(t["WhoId"], w.contact_sf_id.as_str());
        // The AM's own task is the account owner's; an escalation is left to the team.
        let owner = w.sf.get("Account", &w.account_sf_id).unwrap()["OwnerId"].clone();
        if t["Subject"].as_str().unwrap().starts_with("Escalation") {
            assert_eq!(t.get("OwnerId"), None, "{t:?}");
        } else {
            assert_eq!(t["OwnerId"], owner);
        }
    }
    let subjects: Vec<String> = got
        .outbox
        .iter()
        .map(|id| {
            let e = all.iter().find(|e| e.id == *id).unwrap();
            w.sf.get("Task", &w.tasks_with(&e.key)[0]).unwrap()["Subject"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        subjects,
        vec![
            "Walk through the renewal pricing",
            "Escalation for Sales: Walk through the renewal pricing"
        ]
    );
}

#[tokio::test]
async fn entries_go_two_hundred_to_a_call_and_a_refused_record_holds_back_no_other() {
    let w = world(Config::default()).await;
    let other =
        w.r.portfolio_table(w.r.today())
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|r| r.id)
            .find(|id| *id != w.account)
            .unwrap();
    let note = |account: i64, i: usize| {
        CaptureForm::Note(NoteForm {
            account_id: account,
            body: format!("Call notes {i}"),
            attendees: vec![],
            at: None,
        })
    };
    let mut good = Vec::new();
    let mut doomed = Vec::new();
    for i in 0..250 {
        // Every 25th goes to an account Salesforce is about to lose.
        if i % 25 == 0 {
            doomed.push(w.capture(note(other, i)).await);
        } else {
            good.push(w.capture(note(w.account, i)).await);
        }
    }
    let other_sf_id =
        w.r.account_detail(other, w.r.today())
            .await
            .unwrap()
            .header
            .crm_id;
    w.sf.delete(
        "Account",
        &other_sf_id,
        chrono::Utc::now().timestamp_millis(),
    );
    w.sf.reset_stats();
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.failed), (240, 10));
    let calls: u64 =
        w.sf.stats()
            .by_route
            .iter()
            .filter(|(k, _)| k.contains("/composite/sobjects/Task/Rapport_Key__c"))
            .map(|(_, n)| *n)
            .sum();
    // 250 entries: one call of 200 and one of 50.
    assert_eq!(calls, 2);
    for e in &good {
        assert_eq!(w.tasks_with(&e.key).len(), 1);
        assert_eq!(w.entry(e.id).await.state, OutboxState::Delivered);
    }
    for e in &doomed {
        assert!(w.tasks_with(&e.key).is_empty());
        let f = w.entry(e.id).await;
        assert_eq!(f.state, OutboxState::Failed);
        assert!(f
            .last_error
            .unwrap()
            .message
            .contains("INVALID_CROSS_REFERENCE_KEY"));
    }
}
