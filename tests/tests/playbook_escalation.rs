//! A retention playbook's steps escalated to HubSpot as tasks, over real HTTP against the fake
//! HubSpot, from a real SQLCipher store: a step reassigned to a colleague lands assigned to that
//! colleague's HubSpot owner id, a step left in its team's queue to the account's owner, each due
//! at 09:00 on its day in the user's time zone, associated with the company, and exactly once
//! even when HubSpot's answer is lost. Every expected value is worked out from the fake portal's
//! own records (its owners list and its companies' owner ids), not from what the app sent.
//! Real keychain (scripts/with-keyring.sh): `connect` keeps the token there.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use rapport_core::domain::capture::OutboxState;
use rapport_core::domain::playbook::{TaskAction, TaskView, Team};
use rapport_core::domain::risk::AlertView;
use rapport_core::domain::{Clock, Crm};
use rapport_core::{Error, Rapport};
use rapport_tests::hubspot::{parse_time, Config, FakeHubSpot, Fault};
use tokio_util::sync::CancellationToken;

mod common;

const PLAYBOOK: &str = "renewal_at_risk";
const PLAYBOOK_NAME: &str = "Renewal at risk";
const SALES_STEP: &str = "Prepare the renewal proposal";
const EXECUTIVE_STEP: &str = "Executive sponsor calls their counterpart";
const HOUR: i32 = 3600;

struct World {
    fake: FakeHubSpot,
    r: Rapport,
    ahead_ms: Arc<AtomicI64>,
    /// The account the playbook runs for, its HubSpot company id and that company's owner id.
    account: i64,
    account_name: String,
    company: u64,
    company_owner: String,
    /// Another owner of the portal, who owns some other synced company: id and "First Last".
    colleague_id: String,
    colleague: String,
    /// The early warning the playbook is started from (one of the account's).
    alert: AlertView,
    _dir: tempfile::TempDir,
}

/// A clock on the system time moved by the returned counter (ms), in a time zone whose UTC
/// offset at an instant is `offset(instant)`.
fn clock(
    offset: impl Fn(DateTime<Utc>) -> FixedOffset + Send + Sync + 'static,
) -> (Clock, Arc<AtomicI64>) {
    let ahead = Arc::new(AtomicI64::new(0));
    let by = ahead.clone();
    let clock = Clock::new(
        move || Utc::now() + chrono::Duration::milliseconds(by.load(Ordering::Relaxed)),
        offset,
    );
    (clock, ahead)
}

/// The portal's owners as `GET /crm/v3/owners` lists them: id → "First Last".
async fn owner_names(fake: &FakeHubSpot) -> HashMap<String, String> {
    let v: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/crm/v3/owners?limit=100", fake.base_url))
        .bearer_auth("pat-fake-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v.get("paging").is_none(), "one page of owners: {v}");
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let name = format!(
                "{} {}",
                o["firstName"].as_str().unwrap(),
                o["lastName"].as_str().unwrap()
            );
            (o["id"].as_str().unwrap().to_string(), name)
        })
        .collect()
}

/// A 40-company portal synced into a fresh store whose user is in `offset`'s time zone; the
/// account of its first early warning, and a colleague who owns another of its companies.
async fn world(offset: impl Fn(DateTime<Utc>) -> FixedOffset + Send + Sync + 'static) -> World {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(40, 11);
    let (clock, ahead_ms) = clock(offset);
    let (dir, r) = common::store_with(clock).await;
    r.connect(
        "hs",
        Crm::Hubspot,
        Some(&fake.base_url),
        common::token("pat-fake-token"),
    )
    .await
    .unwrap();
    r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();

    let accounts = r.store().active_accounts().await.unwrap();
    let company_of = |id: i64| -> u64 {
        accounts
            .iter()
            .find(|a| a.id == id)
            .unwrap()
            .crm_id
            .parse()
            .unwrap()
    };
    let owner_of = |company: u64| -> String {
        fake.get("companies", company).unwrap()["hubspot_owner_id"].clone()
    };
    let alerts = r.warnings(false).await.unwrap().alerts;
    assert!(!alerts.is_empty(), "a 40-company portal has warnings");
    // A renewal warning if there is one (the playbook it suggests), else the first warning.
    let alert = alerts
        .iter()
        .find(|a| a.playbook.as_ref().is_some_and(|p| p.key == PLAYBOOK))
        .unwrap_or(&alerts[0])
        .clone();
    let company = company_of(alert.account_id);
    let company_owner = owner_of(company);
    assert!(!company_owner.is_empty());
    let names = owner_names(&fake).await;
    let colleague_id = accounts
        .iter()
        .map(|a| owner_of(a.crm_id.parse().unwrap()))
        .find(|o| !o.is_empty() && *o != company_owner)
        .expect("the portal's companies have more than one owner");
    let colleague = names[&colleague_id].clone();
    assert_ne!(colleague, names[&company_owner]);
    World {
        account: alert.account_id,
        account_name: alert.account_name.clone(),
        company,
        company_owner,
        colleague_id,
        colleague,
        alert,
        fake,
        r,
        ahead_ms,
        _dir: dir,
    }
}

/// Text as HubSpot stores a Rapport note or task body: HTML-escaped.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// 09:00 on `day` at `offset`, in ms since the epoch.
fn nine_am(day: NaiveDate, offset: FixedOffset) -> i64 {
    offset
        .from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap())
        .unwrap()
        .timestamp_millis()
}

impl World {
    fn advance(&self, secs: i64) {
        self.ahead_ms.fetch_add(secs * 1000, Ordering::Relaxed);
    }

    async fn send(&self) -> rapport_core::sync::outbox::FlushReport {
        let mut reports = self.r.send_outbox(CancellationToken::new()).await.unwrap();
        assert_eq!(reports.len(), 1);
        reports.remove(0)
    }

    async fn task(&self, id: i64) -> TaskView {
        self.r
            .tasks(true)
            .await
            .unwrap()
            .tasks
            .into_iter()
            .find(|t| t.id == id)
            .unwrap()
    }

    /// The outbox entry's idempotency key, which the CRM record's body carries as a marker.
    async fn key_of(&self, entry: i64) -> String {
        self.r
            .outbox(Some(self.account))
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.id == entry)
            .unwrap()
            .key
    }

    /// Tasks in the fake whose body carries `key`'s marker.
    fn tasks_with(&self, key: &str) -> Vec<u64> {
        let marker = format!("rapportref{key}");
        self.fake
            .ids("tasks")
            .into_iter()
            .filter(|id| {
                self.fake
                    .get("tasks", *id)
                    .is_some_and(|p| p.get("hs_task_body").is_some_and(|b| b.contains(&marker)))
            })
            .collect()
    }

    /// Tasks in the fake with this subject.
    fn tasks_titled(&self, subject: &str) -> Vec<u64> {
        self.fake
            .ids("tasks")
            .into_iter()
            .filter(|id| {
                self.fake
                    .get("tasks", *id)
                    .is_some_and(|p| p.get("hs_task_subject").is_some_and(|s| s == subject))
            })
            .collect()
    }

    /// Starts the renewal playbook from the account's warning; its tasks by team.
    async fn start(&self) -> Vec<TaskView> {
        let got = self
            .r
            .start_playbook(self.account, PLAYBOOK, Some(self.alert.id))
            .await
            .unwrap();
        assert!(got.started);
        assert_eq!(got.run.playbook, PLAYBOOK_NAME);
        assert_eq!(got.run.alert_id, Some(self.alert.id));
        let teams: Vec<&str> = got.run.tasks.iter().map(|t| t.team.as_str()).collect();
        assert_eq!(teams, ["cs", "cs", "executive", "sales", "cs"]);
        got.run.tasks
    }

    fn refused_again(&self, got: rapport_core::Result<i64>) {
        match got {
            Err(Error::InvalidInput(m)) => assert_eq!(m, "This task was sent to the CRM already."),
            other => panic!("a second send is refused, not {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_reassigned_step_reaches_its_new_owner_in_hubspot_once_and_a_queued_one_the_account_owner(
) {
    // New York in winter: 09:00 there is 14:00 UTC.
    let est = FixedOffset::west_opt(5 * HOUR).unwrap();
    let w = world(move |_| est).await;
    let today = w.r.today();
    let tasks = w.start().await;
    let sales = tasks.iter().find(|t| t.team == "sales").unwrap();
    assert_eq!(sales.title, SALES_STEP);
    assert_eq!(sales.due_on, Some(today + chrono::Duration::days(21)));
    assert_eq!(sales.owner, "", "another team's step starts in its queue");
    assert!(sales.can_send && sales.crm.is_none());

    // To a colleague in sales by name: the CRM owner id is looked up from the synced accounts.
    let acted =
        w.r.act_on_task(
            sales.id,
            &TaskAction::Reassign {
                team: Team::Sales,
                owner: w.colleague.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (acted.task.team.as_str(), acted.task.owner.as_str()),
        ("sales", w.colleague.as_str())
    );

    let before = w.fake.ids("tasks");
    let entry = w.r.send_task(sales.id).await.unwrap();
    let key = w.key_of(entry).await;
    w.refused_again(w.r.send_task(sales.id).await);
    let queued = w.task(sales.id).await;
    assert!(!queued.can_send);
    assert_eq!(
        queued.crm.as_ref().map(|c| (c.outbox_id, c.delivery)),
        Some((entry, OutboxState::Pending))
    );
    assert!(queued
        .notes
        .iter()
        .any(|n| !n.comment && n.body == "Sent to the CRM as a task."));

    // HubSpot stores the task and the connection drops before its answer.
    w.fake.set_search_lag(1_500);
    w.fake.inject(Fault::CommitThenDrop { count: 1 });
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting), (0, 1));
    assert_eq!(w.tasks_with(&key).len(), 1, "the task did land");
    let unsure = w.task(sales.id).await.crm.unwrap();
    assert_eq!(
        (unsure.delivery, unsure.crm_task_id),
        (OutboxState::Unconfirmed, None)
    );
    w.refused_again(w.r.send_task(sales.id).await);

    // Once the index can be trusted it is looked up by its marker, not created again.
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    w.advance(61);
    let rep = w.send().await;
    assert_eq!((rep.confirmed, rep.waiting, rep.failed), (1, 0, 0));
    let created: Vec<u64> = w
        .fake
        .ids("tasks")
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    assert_eq!(created.len(), 1, "HubSpot holds the step once: {created:?}");
    let id = created[0];
    assert_eq!(w.tasks_with(&key), [id]);
    assert_eq!(w.tasks_titled(SALES_STEP), [id]);

    let p = w.fake.get("tasks", id).unwrap();
    assert_eq!(p["hs_task_subject"], SALES_STEP);
    assert_eq!(p["hs_task_status"], "NOT_STARTED");
    assert_eq!(
        p.get("hubspot_owner_id"),
        Some(&w.colleague_id),
        "the colleague's HubSpot id, not the account owner's ({}): {p:?}",
        w.company_owner
    );
    let body = &p["hs_task_body"];
    assert!(
        body.starts_with(&html(
            "Options on term, scope and seats that answer the concerns raised"
        )),
        "{body}"
    );
    let for_whom = html(&format!(
        "For the sales team ({}): a step of the \u{201c}{PLAYBOOK_NAME}\u{201d} playbook for {}.",
        w.colleague, w.account_name
    ));
    assert!(body.contains(&for_whom), "{for_whom:?} in {body}");
    assert!(
        body.contains(&format!("<br>Why: {}", html(&w.alert.summary))),
        "{body}"
    );
    assert!(body.contains("Sent from Rapport by "), "{body}");
    assert_eq!(
        parse_time(&p["hs_timestamp"]),
        Some(nine_am(today + chrono::Duration::days(21), est)),
        "09:00 in New York on the due day: {}",
        p["hs_timestamp"]
    );
    assert_eq!(w.fake.associated("tasks", id, "companies"), [w.company]);
    assert!(w.fake.associated("tasks", id, "contacts").is_empty());

    // Delivered, with HubSpot's id; and still refused a second time.
    let sent = w.task(sales.id).await;
    let crm = sent.crm.clone().unwrap();
    assert_eq!(
        (crm.outbox_id, crm.delivery, crm.crm_task_id),
        (entry, OutboxState::Delivered, Some(id.to_string()))
    );
    assert!(!sent.can_send);
    w.refused_again(w.r.send_task(sales.id).await);
    assert_eq!(w.r.outbox(Some(w.account)).await.unwrap().len(), 1);

    // The executive sponsor's step, left in the team's queue: the account owner's task.
    let exec = tasks.iter().find(|t| t.team == "executive").unwrap();
    assert_eq!(
        (exec.title.as_str(), exec.owner.as_str()),
        (EXECUTIVE_STEP, "")
    );
    let entry = w.r.send_task(exec.id).await.unwrap();
    let key = w.key_of(entry).await;
    let rep = w.send().await;
    assert_eq!((rep.delivered, rep.waiting, rep.failed), (1, 0, 0));
    let ids = w.tasks_with(&key);
    assert_eq!(ids.len(), 1);
    assert_eq!(w.tasks_titled(EXECUTIVE_STEP), ids);
    let p = w.fake.get("tasks", ids[0]).unwrap();
    assert_eq!(p.get("hubspot_owner_id"), Some(&w.company_owner), "{p:?}");
    assert!(
        p["hs_task_body"].contains(&html(&format!(
            "For the executive sponsor team: a step of the \u{201c}{PLAYBOOK_NAME}\u{201d} playbook for {}.",
            w.account_name
        ))),
        "{}",
        p["hs_task_body"]
    );
    assert_eq!(
        parse_time(&p["hs_timestamp"]),
        Some(nine_am(today + chrono::Duration::days(14), est))
    );
    assert_eq!(w.fake.associated("tasks", ids[0], "companies"), [w.company]);
    assert_eq!(
        w.task(exec.id).await.crm.unwrap().crm_task_id,
        Some(ids[0].to_string())
    );

    // The next sync brings the HubSpot tasks back without making more of the run's tasks.
    w.r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    let after = w.r.tasks(true).await.unwrap().tasks;
    assert_eq!(after.len(), 5, "{after:#?}");
    assert_eq!(
        after
            .iter()
            .filter(|t| t
                .crm
                .as_ref()
                .is_some_and(|c| c.delivery == OutboxState::Delivered))
            .count(),
        2
    );
}

#[tokio::test]
async fn a_step_due_after_the_clocks_change_reaches_hubspot_at_nine_on_its_day() {
    // Summer time (UTC−4) for ten more days, then winter time (UTC−5): the sales step, due in
    // 21 days, is due at 09:00 winter time.
    let change = Utc::now() + chrono::Duration::days(10);
    let edt = FixedOffset::west_opt(4 * HOUR).unwrap();
    let est = FixedOffset::west_opt(5 * HOUR).unwrap();
    let w = world(move |t| if t < change { edt } else { est }).await;
    let today = w.r.today();
    let tasks = w.start().await;
    let sales = tasks.iter().find(|t| t.team == "sales").unwrap();
    let before = w.fake.ids("tasks");
    w.r.send_task(sales.id).await.unwrap();
    let rep = w.send().await;
    assert_eq!(rep.delivered, 1);
    let created: Vec<u64> = w
        .fake
        .ids("tasks")
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    assert_eq!(created.len(), 1);
    let p = w.fake.get("tasks", created[0]).unwrap();
    let due = nine_am(today + chrono::Duration::days(21), est);
    assert_eq!(
        parse_time(&p["hs_timestamp"]),
        Some(due),
        "09:00 at UTC−5 on the due day, not 08:00: {}",
        p["hs_timestamp"]
    );
}
