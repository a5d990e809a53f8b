//! `rapport playbooks` and `rapport tasks` on the demo portfolio, run as a user would: a playbook
//! started from an early warning's suggestion, once, its steps due from today, one marked done.
//! Uses the Secret Service when there is one (`scripts/with-keyring.sh`), else the passphrase.

use std::process::{Command, Output};

use chrono::{Duration, Local, NaiveDate};
use serde_json::Value;

fn rapport(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("RAPPORT_DATA_DIR")
        .env("RAPPORT_PASSPHRASE", "correct horse battery staple")
        .output()
        .expect("run rapport")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "rapport failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(dir: &std::path::Path, args: &[&str]) -> Value {
    let out = ok(rapport(dir, args));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// The part of `rapport tasks` that lists open tasks (before "Done and skipped").
fn open_part(text: &str) -> &str {
    text.split("\nDone and skipped\n").next().unwrap()
}

#[test]
fn a_playbook_started_from_a_warning_becomes_tasks_due_from_today_and_one_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(rapport(
        d,
        &[
            "demo",
            "--accounts",
            "60",
            "--seed",
            "9",
            "--as-of",
            "2026-11-24",
        ],
    ));

    // A warning whose rule suggests a playbook the account is not running yet.
    let w = json(d, &["warnings", "--json"]);
    let alert = w["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["playbook"].is_object() && a["playbook"]["run_id"].is_null())
        .expect("a demo warning suggests a playbook")
        .clone();
    let (alert_id, account) = (
        alert["id"].as_i64().unwrap(),
        alert["account_id"].as_i64().unwrap(),
    );
    let key = alert["playbook"]["key"].as_str().unwrap().to_string();
    let name = alert["playbook"]["name"].as_str().unwrap().to_string();

    // The built-in playbook's steps, as `rapport playbooks --json` has them.
    let books = json(d, &["playbooks", "--json"]);
    let keys: Vec<&str> = books
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "renewal_at_risk",
            "usage_decline",
            "champion_left",
            "detractor_follow_up",
            "onboarding_stalled",
            "quiet_account",
            "expansion_signal"
        ]
    );
    let book = books
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == key.as_str())
        .unwrap();
    assert_eq!(book["name"], name.as_str());
    let steps: Vec<(String, String, i64)> = book["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["title"].as_str().unwrap().to_string(),
                s["team"].as_str().unwrap().to_string(),
                s["due_days"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(steps.len() >= 4, "{steps:?}");
    let text = ok(rapport(d, &["playbooks"]));
    assert!(text.contains(&format!("{name} ({key}, version ")), "{text}");

    let today = Local::now().date_naive();
    let alert_arg = alert_id.to_string();
    let account_arg = account.to_string();
    let started = ok(rapport(
        d,
        &[
            "playbooks",
            "start",
            &account_arg,
            &key,
            "--alert",
            &alert_arg,
        ],
    ));
    let first = started.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("Started \u{201c}{name}\u{201d} for ")) && first.ends_with("):"),
        "{started}"
    );
    for (title, _, days) in &steps {
        let due = today + Duration::days(*days);
        assert!(
            started
                .lines()
                .any(|l| l.contains(&format!("due {due}")) && l.ends_with(title.as_str())),
            "{title} due {due} in {started}"
        );
    }

    // Started again: the run already going, nothing new.
    let again = ok(rapport(
        d,
        &[
            "playbooks",
            "start",
            &account_arg,
            &key,
            "--alert",
            &alert_arg,
        ],
    ));
    assert!(
        again.starts_with(&format!("\u{201c}{name}\u{201d} is already running for ")),
        "{again}"
    );
    let run_of = |s: &str| -> String {
        let l = s.lines().next().unwrap();
        l[l.find("(run ").unwrap()..l.find(')').unwrap()].to_string()
    };
    assert_eq!(run_of(&again), run_of(&started));

    // My tasks: the run's steps, one each, due today plus the step's offset.
    let v = json(d, &["tasks", "--json"]);
    assert_eq!(v["today"], today.to_string().as_str());
    let mine: Vec<&Value> = v["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["account_id"] == account && t["playbook"] == name.as_str())
        .collect();
    assert_eq!(mine.len(), steps.len(), "{mine:#?}");
    let run_id = mine[0]["run_id"].as_i64().unwrap();
    assert_eq!(run_of(&started), format!("(run {run_id}"));
    let mut by_step: Vec<&Value> = mine.clone();
    by_step.sort_by_key(|t| t["step"].as_i64().unwrap());
    for (i, (t, (title, team, days))) in by_step.iter().zip(&steps).enumerate() {
        assert_eq!(t["run_id"], run_id);
        assert_eq!(t["step"], i as i64 + 1);
        assert_eq!(t["steps"], steps.len());
        assert_eq!(t["title"], title.as_str());
        assert_eq!(t["team"], team.as_str());
        assert_eq!(t["status"], "open");
        let due: NaiveDate = t["due_on"].as_str().unwrap().parse().unwrap();
        assert_eq!(due, today + Duration::days(*days), "{title}");
        assert!(
            !t["can_send"].as_bool().unwrap(),
            "demo accounts are in no CRM"
        );
    }
    // The warning now shows the run.
    let w = json(d, &["warnings", "--json"]);
    let hint = &w["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == alert_id)
        .unwrap()["playbook"];
    assert_eq!(hint["run_id"], run_id);
    assert_eq!(hint["closed"], 0);
    assert_eq!(hint["steps"], steps.len());

    // The first step done: gone from the open tasks, listed as done with --all.
    let done = by_step[0]["id"].as_i64().unwrap();
    let rest: Vec<i64> = by_step[1..]
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    let listed = |text: &str, id: i64| text.contains(&format!("#{id:<6} "));
    let before = ok(rapport(d, &["tasks"]));
    assert!(listed(open_part(&before), done), "{before}");
    assert_eq!(
        ok(rapport(d, &["tasks", "done", &done.to_string()])),
        format!("Task {done} done.\n")
    );
    let after = ok(rapport(d, &["tasks"]));
    assert!(!listed(open_part(&after), done), "{after}");
    for id in &rest {
        assert!(
            listed(open_part(&after), *id),
            "task {id} still open: {after}"
        );
    }
    let open = json(d, &["tasks", "--json"]);
    assert!(!open["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == done));
    let all = json(d, &["tasks", "--json", "--all"]);
    let t = all["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == done)
        .unwrap();
    assert_eq!(t["status"], "done");
    assert!(t["completed_at"].is_string() && t["completed_by"].is_string());
    let all_text = ok(rapport(d, &["tasks", "--all"]));
    let closed = all_text.split("\nDone and skipped\n").nth(1).unwrap();
    assert!(
        listed(closed, done) && closed.contains(" · done"),
        "{all_text}"
    );
}
