//! Captures written back to HubSpot through the outbox, over real HTTP against the fake HubSpot,
//! from a real SQLCipher store: offline capture, a network that comes and goes, answers lost
//! after HubSpot stored the note, a lagging search index, 429s, 5xx and refusals. At the end
//! HubSpot holds each capture exactly once, counted on the server by its marker.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use rapport_core::domain::capture::{
    CaptureForm, Channel, FeedbackForm, NoteForm, OutboxEntryView, OutboxState, SentimentForm,
    Speaker,
};
use rapport_core::domain::{Crm, SurveyKind};
use rapport_core::{ErrorCode, Rapport};
use rapport_tests::hubspot::{Config, FakeHubSpot, Fault};
use tokio_util::sync::CancellationToken;

mod common;

struct World {
    fake: FakeHubSpot,
    r: Rapport,
    ahead_ms: Arc<AtomicI64>,
    account: i64,
    account_crm_id: u64,
    contact: i64,
    contact_crm_id: u64,
    _dir: tempfile::TempDir,
}

/// A fake portal of 5 companies synced into a fresh store, and one account with a contact.
async fn world() -> World {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(5, 11);
    let (dir, r, ahead_ms) =
        common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let (account, account_crm_id, contact, contact_crm_id) =
        common::account_with_crm_contact(&r).await;
    World {
        account,
        account_crm_id: account_crm_id.parse().unwrap(),
        contact,
        contact_crm_id: contact_crm_id.parse().unwrap(),
        fake,
        r,
        ahead_ms,
        _dir: dir,
    }
}

impl World {
    fn advance(&self, secs: i64) {
        self.ahead_ms.fetch_add(secs * 1000, Ordering::Relaxed);
    }

    async fn capture(&self, form: CaptureForm) -> OutboxEntryView {
        let c = self.r.capture(&form).await.unwrap();
        assert!(c.errors.is_empty(), "{:?}", c.errors);
        c.outbox.expect("a CRM account's capture is queued")
    }

    async fn send(&self) -> rapport_core::sync::outbox::FlushReport {
        let mut reports = self.r.send_outbox(CancellationToken::new()).await.unwrap();
        assert_eq!(reports.len(), 1);
        reports.remove(0)
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

    /// Notes in the fake whose body carries `key`'s marker.
    fn notes_with(&self, key: &str) -> Vec<u64> {
        let marker = format!("rapportref{key}");
        self.fake
            .ids("notes")
            .into_iter()
            .filter(|id| {
                self.fake
                    .get("notes", *id)
                    .is_some_and(|p| p.get("hs_note_body").is_some_and(|b| b.contains(&marker)))
            })
            .collect()
    }

    fn note(&self, text: &str) -> CaptureForm {
        CaptureForm::Note(NoteForm {
            account_id: self.account,
            body: text.into(),
            attendees: vec![],
            at: None,
        })
    }
}

#[tokio::test]
async fn captured_offline_delivered_once_when_the_network_returns() {
    let w = world().await;
    w.fake.stop().await;
    let nps = w
        .capture(CaptureForm::Feedback(FeedbackForm {
            account_id: w.account,
            kind: SurveyKind::Nps,
            score: Some(3),
            verbatim: "Support takes <b>days</b> to answer & nobody owns it.".into(),
            speaker: Speaker::Contact { id: w.contact },
            channel: Channel::Meeting,
            at: None,
            tags: vec!["support".into()],
        }))
        .await;
    let note = w
        .capture(w.note("Renewal call: pricing objections, wants a roadmap review"))
        .await;
    let mood = w
        .capture(CaptureForm::Sentiment(SentimentForm {
            account_id: w.account,
            value: Some(2),
            reason: "Sponsor left in October".into(),
        }))
        .await;
    assert_eq!(nps.state, OutboxState::Pending);
    assert_eq!(w.r.status().await.unwrap().outbox_waiting, 3);

    // Saved and counted at once, with no network: the verbatim shows on the account.
    let detail = w.r.account_detail(w.account, w.r.today()).await.unwrap();
    assert!(detail
        .feedback
        .iter()
        .any(|f| f.score == 3 && f.verbatim.starts_with("Support takes")));
    assert!(detail
        .timeline
        .iter()
        .any(|a| a.summary.starts_with("Renewal call")));

    // Offline: the first attempt is refused at connect, the rest are not tried.
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting), (0, 3));
    assert!(
        rep.reasons
            .iter()
            .any(|r| r.contains("could not be reached")),
        "{:?}",
        rep.reasons
    );
    let first = w.entry(nps.id).await;
    assert_eq!((first.state, first.attempts), (OutboxState::Pending, 1));
    assert_eq!(first.last_error.unwrap().code, ErrorCode::CrmUnreachable);
    assert_eq!(w.entry(note.id).await.attempts, 0);

    w.fake.resume().await;
    // Past the first entry's backoff, all three go, in the order captured.
    w.advance(60);
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting, rep.failed), (3, 0, 0));
    assert_eq!(w.r.status().await.unwrap().outbox_waiting, 0);

    for e in [&nps, &note, &mood] {
        let ids = w.notes_with(&e.key);
        assert_eq!(ids.len(), 1, "{} is in HubSpot exactly once", e.summary);
        let delivered = w.entry(e.id).await;
        assert_eq!(delivered.state, OutboxState::Delivered);
        assert_eq!(delivered.crm_id, Some(ids[0].to_string()));
        assert!(delivered.crm_url.unwrap().contains(&ids[0].to_string()));
        assert_eq!(
            w.fake.associated("notes", ids[0], "companies"),
            [w.account_crm_id]
        );
    }
    let nps_note = w.notes_with(&nps.key)[0];
    assert_eq!(
        w.fake.associated("notes", nps_note, "contacts"),
        [w.contact_crm_id]
    );
    let body = &w.fake.get("notes", nps_note).unwrap()["hs_note_body"];
    assert!(
        body.starts_with("NPS 3 out of 10, given in a meeting."),
        "{body}"
    );
    // CRM text is data: the verbatim's markup arrives escaped.
    assert!(
        body.contains("Support takes &lt;b&gt;days&lt;/b&gt; to answer &amp; nobody owns it."),
        "{body}"
    );

    // The next sync brings the note back as the same timeline row, not a second one.
    w.r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    let detail = w.r.account_detail(w.account, w.r.today()).await.unwrap();
    let renewal_rows = detail
        .timeline
        .iter()
        .filter(|a| a.summary.contains("Renewal call"))
        .count();
    assert_eq!(renewal_rows, 1);
    let note_row = detail
        .timeline
        .iter()
        .find(|a| a.summary.contains("Renewal call"))
        .unwrap();
    assert_eq!(
        note_row.summary, "Renewal call: pricing objections, wants a roadmap review",
        "read back as text, marker gone"
    );
    // Feedback and sentiment went to HubSpot as notes; they come back as feedback, not activity.
    assert!(!detail
        .timeline
        .iter()
        .any(|a| a.summary.starts_with("NPS 3")
            || a.summary.starts_with("Account manager sentiment")));
    assert_eq!(
        detail
            .feedback
            .iter()
            .filter(|f| f.verbatim.starts_with("Support takes"))
            .count(),
        1
    );
}

#[tokio::test]
async fn an_answer_lost_after_hubspot_stored_the_note_is_looked_up_not_resent() {
    let w = world().await;
    let e = w.capture(w.note("QBR prep notes")).await;
    // HubSpot stores the note, then the connection drops; its search shows it 1.5 s later.
    w.fake.set_search_lag(1_500);
    w.fake.inject(Fault::CommitThenDrop { count: 1 });
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting), (0, 1));
    assert_eq!(w.entry(e.id).await.state, OutboxState::Unconfirmed);
    assert_eq!(w.notes_with(&e.key).len(), 1, "the note did land");

    // Before the index can be trusted, nothing is sent or looked up.
    let before = w.fake.stats().requests;
    w.advance(30);
    w.send().await;
    assert_eq!(
        w.fake.stats().requests,
        before,
        "no request within the index lag"
    );

    // After it: looked up by its marker, found, recorded; never created a second time.
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    w.advance(31);
    let rep = w.send().await;
    assert_eq!((rep.confirmed, rep.waiting), (1, 0));
    let ids = w.notes_with(&e.key);
    assert_eq!(ids.len(), 1);
    let done = w.entry(e.id).await;
    assert_eq!(
        (done.state, done.crm_id),
        (OutboxState::Delivered, Some(ids[0].to_string()))
    );
}

#[tokio::test]
async fn refusals_before_storing_are_retried_and_unfixable_ones_need_attention() {
    let w = world().await;
    // A 502 from the gateway: HubSpot may or may not have stored it, so it is looked up first;
    // nothing is found and it is sent again, once.
    let a = w.capture(w.note("Gateway hiccup")).await;
    w.fake.inject(Fault::ServerErrors {
        count: 1,
        status: 502,
    });
    w.send().await;
    assert_eq!(w.entry(a.id).await.state, OutboxState::Unconfirmed);
    w.advance(61);
    let rep = w.send().await;
    assert_eq!(rep.delivered, 1);
    assert_eq!(w.notes_with(&a.key).len(), 1);

    // A 429 stops the flush; the entry waits at least as long as HubSpot asked.
    let b = w.capture(w.note("Rate limited")).await;
    w.fake.inject(Fault::RateLimited {
        count: 1,
        retry_after_secs: Some(7),
        policy: "SECONDLY",
    });
    w.send().await;
    let waiting = w.entry(b.id).await;
    assert_eq!(waiting.state, OutboxState::Pending);
    assert_eq!(waiting.last_error.unwrap().code, ErrorCode::CrmRateLimited);
    w.advance(61);
    assert_eq!(w.send().await.delivered, 1);
    assert_eq!(w.notes_with(&b.key).len(), 1);

    // The company was deleted in HubSpot meanwhile: refused for good, with HubSpot's reason.
    let c = w.capture(w.note("To a deleted company")).await;
    w.fake.archive(
        "companies",
        w.account_crm_id,
        chrono::Utc::now().timestamp_millis(),
    );
    let rep = w.send().await;
    assert_eq!(rep.failed, 1);
    let failed = w.entry(c.id).await;
    assert_eq!(failed.state, OutboxState::Failed);
    let why = failed.last_error.unwrap();
    assert_eq!(why.code, ErrorCode::CrmRejected);
    assert!(
        why.message.contains("No company with id"),
        "{}",
        why.message
    );
    assert!(w.notes_with(&c.key).is_empty());
}

#[tokio::test]
async fn an_entry_the_app_stopped_sending_is_confirmed_after_a_restart() {
    let w = world().await;
    let e = w.capture(w.note("Sent as the laptop died")).await;
    // The app marked it as sending, HubSpot stored it, and the process died before the answer.
    w.r.store()
        .outbox_sending(e.id, chrono::Utc::now())
        .await
        .unwrap();
    w.fake.inject(Fault::CommitThenDrop { count: 1 });
    let body = serde_json::json!({"properties": {"hs_note_body": format!("Sent as the laptop died rapportref{}", e.key), "hs_timestamp": "2026-11-30T10:00:00.000Z"}});
    let _ = reqwest::Client::new()
        .post(format!("{}/crm/v3/objects/notes", w.fake.base_url))
        .bearer_auth("pat-fake-token")
        .json(&body)
        .send()
        .await;
    assert_eq!(w.notes_with(&e.key).len(), 1);

    let rep = w.send().await;
    assert_eq!(
        rep.waiting, 1,
        "recovered as unconfirmed, waiting for the index"
    );
    assert_eq!(w.entry(e.id).await.state, OutboxState::Unconfirmed);
    w.advance(61);
    let rep = w.send().await;
    assert_eq!(rep.confirmed, 1);
    assert_eq!(w.notes_with(&e.key).len(), 1, "never sent a second time");
}

#[tokio::test]
async fn invalid_input_saves_nothing_and_keeps_the_draft() {
    let w = world().await;
    let form = CaptureForm::Feedback(FeedbackForm {
        account_id: w.account,
        kind: SurveyKind::Csat,
        score: Some(9),
        verbatim: "Half-typed".into(),
        speaker: Speaker::New {
            name: "Dee".into(),
            email: "dee@".into(),
        },
        channel: Channel::Call,
        at: Some(chrono::Utc::now() + chrono::Duration::days(2)),
        tags: vec![],
    });
    w.r.save_draft(&form).await.unwrap();
    let c = w.r.capture(&form).await.unwrap();
    let fields: Vec<&str> = c.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["score", "email", "at"]);
    assert!(c.outbox.is_none());
    assert!(w.r.outbox(None).await.unwrap().is_empty());
    let drafts = w.r.drafts(w.account).await.unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].form, form, "the draft is kept exactly as typed");

    // Once valid, saving it ends the draft in the same transaction.
    let CaptureForm::Feedback(mut f) = form else {
        unreachable!()
    };
    f.score = Some(4);
    f.speaker = Speaker::New {
        name: "Dee Park".into(),
        email: "dee@park.io".into(),
    };
    f.at = None;
    let c = w.r.capture(&CaptureForm::Feedback(f)).await.unwrap();
    assert!(c.errors.is_empty());
    assert!(w.r.drafts(w.account).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_sync_and_a_send_together_stay_within_the_connection_budget() {
    // Each paces itself to 30 requests / 10 s; running side by side they would spend up to twice.
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(2, 4);
    let (dir, r) = common::store().await;
    let mut c = r
        .connect(
            "hs",
            Crm::Hubspot,
            Some(&fake.base_url),
            common::token("pat-fake-token"),
        )
        .await
        .unwrap();
    c.settings.requests_per_10s = 30;
    r.store().update_connection(&c).await.unwrap();
    r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    let account = r.portfolio(r.today()).await.unwrap().rows[0].id;
    for i in 0..12 {
        let form = CaptureForm::Note(NoteForm {
            account_id: account,
            body: format!("n{i}"),
            attendees: vec![],
            at: None,
        });
        assert!(r.capture(&form).await.unwrap().errors.is_empty());
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    fake.reset_stats();
    let (synced, sent) = tokio::join!(
        r.sync(None, true, CancellationToken::new(), Arc::new(|_| {})),
        r.send_outbox(CancellationToken::new())
    );
    synced.unwrap();
    assert_eq!(sent.unwrap()[0].delivered, 12);
    let stats = fake.stats();
    assert!(
        stats.requests > 30,
        "enough requests to overflow one budget ({})",
        stats.requests
    );
    assert!(
        stats.max_in_any_window <= 31,
        "{} requests in one 10 s window",
        stats.max_in_any_window
    );
    drop(dir);
}

#[tokio::test]
async fn an_accepted_follow_up_becomes_open_tasks_once_even_when_the_answer_is_lost() {
    use rapport_core::domain::followup::{AcceptFollowUp, Escalation};
    let w = world().await;
    w.capture(CaptureForm::Feedback(FeedbackForm {
        account_id: w.account,
        kind: SurveyKind::Csat,
        score: Some(1),
        verbatim: "Nobody <b>answered</b> our ticket & we're stuck".into(),
        speaker: Speaker::Contact { id: w.contact },
        channel: Channel::Call,
        at: None,
        tags: vec![],
    }))
    .await;
    assert_eq!(w.send().await.delivered, 1, "the feedback note");
    let f =
        w.r.followups(Some(w.account))
            .await
            .unwrap()
            .into_iter()
            .find(|f| f.verbatim.starts_with("Nobody <b>answered</b>"))
            .expect("a CSAT of 1 proposes a follow-up");
    let due = w.r.today() + chrono::Duration::days(3);
    let got =
        w.r.accept_followup(&AcceptFollowUp {
            response_id: f.response_id,
            title: "Call back about the stuck ticket".into(),
            due_on: due,
            escalation: Escalation::Support,
            note: "Ticket open since Monday.".into(),
        })
        .await
        .unwrap();
    assert!(got.errors.is_empty());
    assert_eq!(got.outbox.len(), 2);
    let keys: Vec<String> = {
        let all = w.r.outbox(Some(w.account)).await.unwrap();
        got.outbox
            .iter()
            .map(|id| all.iter().find(|e| e.id == *id).unwrap().key.clone())
            .collect()
    };

    // The first task lands but its answer is lost: looked up by marker, never created twice.
    w.fake.inject(Fault::CommitThenDrop { count: 1 });
    w.send().await;
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    w.advance(61);
    w.send().await;
    let tasks_with = |key: &str| -> Vec<u64> {
        let marker = format!("rapportref{key}");
        w.fake
            .ids("tasks")
            .into_iter()
            .filter(|id| {
                w.fake
                    .get("tasks", *id)
                    .is_some_and(|p| p.get("hs_task_body").is_some_and(|b| b.contains(&marker)))
            })
            .collect()
    };
    for (i, key) in keys.iter().enumerate() {
        let ids = tasks_with(key);
        assert_eq!(ids.len(), 1, "task {i} exactly once");
        let p = w.fake.get("tasks", ids[0]).unwrap();
        assert_eq!(p["hs_task_status"], "NOT_STARTED");
        assert_eq!(p["hs_task_priority"], "HIGH");
        // The AM's own task is assigned to the company's owner; an escalation is the team's.
        let company_owner =
            w.fake.get("companies", w.account_crm_id).unwrap()["hubspot_owner_id"].clone();
        assert!(!company_owner.is_empty());
        if p["hs_task_subject"].starts_with("Escalation") {
            assert_eq!(p.get("hubspot_owner_id"), None, "{p:?}");
        } else {
            assert_eq!(p["hubspot_owner_id"], company_owner);
        }
        assert_eq!(
            w.fake.associated("tasks", ids[0], "companies"),
            vec![w.account_crm_id]
        );
        assert_eq!(
            w.fake.associated("tasks", ids[0], "contacts"),
            vec![w.contact_crm_id]
        );
        // Due at 09:00 UTC on the chosen day; the customer's words arrive as text, not markup.
        let due_ms = due
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        assert_eq!(
            rapport_tests::hubspot::parse_time(&p["hs_timestamp"]),
            Some(due_ms)
        );
        assert!(p["hs_task_body"]
            .contains("Nobody &lt;b&gt;answered&lt;/b&gt; our ticket &amp; we&#39;re stuck"));
    }
    let subjects: Vec<String> = keys
        .iter()
        .map(|k| w.fake.get("tasks", tasks_with(k)[0]).unwrap()["hs_task_subject"].clone())
        .collect();
    assert_eq!(
        subjects,
        vec![
            "Call back about the stuck ticket",
            "Escalation for Support: Call back about the stuck ticket"
        ]
    );
    let view =
        w.r.followups(Some(w.account))
            .await
            .unwrap()
            .into_iter()
            .find(|v| v.response_id == f.response_id)
            .unwrap();
    assert_eq!(view.tasks.len(), 2);
    assert!(view
        .tasks
        .iter()
        .all(|t| t.delivery == Some(OutboxState::Delivered)));
}
