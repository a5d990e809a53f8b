//! The `rapport` command line, run as a user would. Needs the Secret Service
//! (`scripts/with-keyring.sh`), like the desktop app.

use std::process::{Command, Output};

use serde_json::Value;

fn rapport(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rapport"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("RAPPORT_DATA_DIR")
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

#[test]
fn demo_portfolio_and_account_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = ok(rapport(
        dir.path(),
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
    assert!(out.starts_with("Demo portfolio: 60 accounts"), "{out}");

    let p: Value =
        serde_json::from_str(&ok(rapport(dir.path(), &["portfolio", "--json"]))).unwrap();
    let rows = p["rows"].as_array().unwrap();
    assert!(p["status"]["demo"].as_bool().unwrap());
    assert_eq!(p["scored_on"], "2026-11-24");
    assert_eq!(
        p["status"]["accounts"].as_u64().unwrap() as usize,
        rows.len()
    );
    assert!(rows.len() < 60, "some demo accounts have churned");
    // Every score sits in the band DESIGN §4 gives it: 0–50 red, 51–75 yellow, 76–100 green.
    for r in rows {
        let s = r["score"].as_i64().unwrap();
        let expected = if s <= 50 {
            "red"
        } else if s <= 75 {
            "yellow"
        } else {
            "green"
        };
        assert_eq!(r["band"], expected, "{r}");
    }
    let d = &p["distribution"];
    let total =
        d["green"].as_u64().unwrap() + d["yellow"].as_u64().unwrap() + d["red"].as_u64().unwrap();
    assert_eq!(total as usize, rows.len());
    let ids: Vec<&str> = p["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "arr",
            "accounts",
            "renewals_90d",
            "arr_at_risk",
            "csat",
            "nps",
            "grr",
            "nrr",
            "expansion",
            "ttv"
        ]
    );
    let arr: f64 = rows.iter().map(|r| r["arr"].as_f64().unwrap()).sum();
    assert_eq!(p["kpis"][0]["value"].as_f64().unwrap(), arr);

    // One account by name: its breakdown adds up to its score.
    let name = rows[0]["name"].as_str().unwrap();
    let a: Value =
        serde_json::from_str(&ok(rapport(dir.path(), &["account", name, "--json"]))).unwrap();
    assert_eq!(a["header"]["name"], name);
    let h = &a["health"];
    let comps = h["components"].as_array().unwrap();
    assert_eq!(comps.len(), 6);
    let sum: f64 = comps
        .iter()
        .map(|c| c["contribution"].as_f64().unwrap())
        .sum();
    assert_eq!(sum.round() as i64, h["score"].as_i64().unwrap(), "{sum}");
    let shares: f64 = comps.iter().map(|c| c["share"].as_f64().unwrap()).sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert!(a["trend_svg"].as_str().unwrap().starts_with("<svg"));

    // The human table names the same account.
    assert!(ok(rapport(dir.path(), &["portfolio"])).contains(name));
    assert!(ok(rapport(
        dir.path(),
        &["account", &rows[0]["id"].to_string()]
    ))
    .contains("Seat utilisation"));
}

#[test]
fn unknown_account_fails_with_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    ok(rapport(
        dir.path(),
        &["demo", "--accounts", "5", "--as-of", "2026-11-24"],
    ));
    let out = rapport(dir.path(), &["account", "No Such Company"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("An account named like \"No Such Company\" was not found."),
        "{err}"
    );
    let out = rapport(dir.path(), &["demo", "--accounts", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 1 and 50,000"));
}

fn fails(out: Output) -> String {
    assert!(
        !out.status.success(),
        "rapport succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn early_warnings_are_listed_snoozed_and_resolved_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    ok(rapport(
        dir.path(),
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
    let v: Value = serde_json::from_str(&ok(rapport(dir.path(), &["warnings", "--json"]))).unwrap();
    let alerts = v["alerts"].as_array().unwrap();
    assert!(!alerts.is_empty());
    assert_eq!(v["evaluated_on"], "2026-11-24");
    let c = &v["counts"];
    let open = c["critical"].as_u64().unwrap()
        + c["warning"].as_u64().unwrap()
        + c["info"].as_u64().unwrap();
    assert_eq!(open as usize, alerts.len());
    for a in alerts {
        assert_eq!(a["state"], "open");
        assert!(!a["summary"].as_str().unwrap().is_empty());
        assert!(!a["evidence"].as_array().unwrap().is_empty(), "{a}");
    }
    let (first, second) = (
        alerts[0]["id"].as_i64().unwrap(),
        alerts[1]["id"].as_i64().unwrap(),
    );

    let text = ok(rapport(dir.path(), &["warnings"]));
    assert!(text.contains(&format!("#{first:<6}")), "{text}");
    assert!(text.contains(alerts[0]["summary"].as_str().unwrap()));

    let s = ok(rapport(
        dir.path(),
        &["warnings", "snooze", &first.to_string(), "--until-change"],
    ));
    assert_eq!(s, "Snoozed 1 warning.\n");
    ok(rapport(
        dir.path(),
        &["warnings", "resolve", &second.to_string()],
    ));
    let open: Value =
        serde_json::from_str(&ok(rapport(dir.path(), &["warnings", "--json"]))).unwrap();
    let ids: Vec<i64> = open["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert!(!ids.contains(&first) && !ids.contains(&second));
    assert_eq!(open["counts"]["snoozed"], 1);
    let all = ok(rapport(dir.path(), &["warnings", "--all"]));
    assert!(all.contains("snoozed until it changes by "), "{all}");
    assert!(all.contains("resolved by "), "{all}");

    let e = fails(rapport(
        dir.path(),
        &["warnings", "snooze", &first.to_string()],
    ));
    assert!(e.contains("--until YYYY-MM-DD or --until-change"), "{e}");
    let e = fails(rapport(dir.path(), &["warnings", "resolve", "999999"]));
    assert!(e.contains("Early warning 999999 was not found."), "{e}");
}

#[test]
fn model_backtest_on_the_store_and_on_an_analysts_csv() {
    let dir = tempfile::tempdir().unwrap();
    ok(rapport(dir.path(), &["demo", "--as-of", "2026-11-24"]));
    let out = ok(rapport(dir.path(), &["model", "backtest"]));
    assert!(
        out.contains("ROC AUC") && out.contains("health score alone"),
        "{out}"
    );
    assert!(
        out.contains("Calibration") && out.contains("Success patterns"),
        "{out}"
    );
    let j: Value =
        serde_json::from_str(&ok(rapport(dir.path(), &["model", "backtest", "--json"]))).unwrap();
    let bt = &j["backtest"];
    assert!(bt["train"]["to"].as_str().unwrap() <= bt["test"]["from"].as_str().unwrap());
    assert!(bt["roc_auc"].as_f64().unwrap() > 0.5);

    // A CS-ops export: churn when logins are low; one blank cell; a text column.
    let mut csv = String::from("id,logins,region,churned\n");
    for i in 0..120 {
        let logins = (i * 53) % 100;
        let cell = if i == 5 {
            String::new()
        } else {
            logins.to_string()
        };
        csv.push_str(&format!(
            "a{i},{cell},{},{}\n",
            ["EU", "US", "APAC"][i % 3],
            (logins < 35) as i32
        ));
    }
    let file = dir.path().join("export.csv");
    std::fs::write(&file, &csv).unwrap();
    let f = file.to_str().unwrap();
    let out = ok(rapport(
        dir.path(),
        &[
            "model", "backtest", "--csv", f, "--target", "churned", "--id", "id",
        ],
    ));
    assert!(out.starts_with("120 rows, 43 churned"), "{out}");
    assert!(
        out.contains("1 blank cells filled with the median"),
        "{out}"
    );
    assert!(
        out.contains("region                   text, 2 indicator columns"),
        "{out}"
    );
    let e = fails(rapport(
        dir.path(),
        &["model", "backtest", "--csv", f, "--target", "left"],
    ));
    assert!(e.contains("There is no column “left”"), "{e}");
}

#[test]
fn time_to_value_by_cohort_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    ok(rapport(
        dir.path(),
        &["demo", "--accounts", "60", "--seed", "9"],
    ));
    let v: Value = serde_json::from_str(&ok(rapport(dir.path(), &["ttv", "--json"]))).unwrap();
    assert_eq!(v["accounts"], 60);
    let cohorts = v["cohorts"].as_array().unwrap();
    let in_cohorts: i64 = cohorts
        .iter()
        .map(|c| c["accounts"].as_i64().unwrap())
        .sum();
    assert_eq!(in_cohorts + v["without_start"].as_i64().unwrap(), 60);
    for c in cohorts {
        let (n, reached, not_yet) = (
            c["accounts"].as_i64().unwrap(),
            c["reached_first"].as_i64().unwrap(),
            c["not_yet"].as_i64().unwrap(),
        );
        assert_eq!(reached + not_yet, n, "{c}");
        let days: Vec<i64> = c["by_day"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                let (o, r) = (
                    b["observed"].as_i64().unwrap(),
                    b["reached"].as_i64().unwrap(),
                );
                assert!(r <= o && o <= n, "{b}");
                b["day"].as_i64().unwrap()
            })
            .collect();
        assert_eq!(days, [30, 60, 90]);
    }
    // The chart stays out of the JSON; the waiting list counts its late accounts.
    assert!(v["chart_svg"].is_null());
    assert!(v["late_total"].as_i64().unwrap() <= v["waiting_total"].as_i64().unwrap());

    let text = ok(rapport(dir.path(), &["ttv"]));
    assert!(text.starts_with("Time-to-value as of "), "{text}");
    for c in cohorts {
        assert!(text.contains(c["quarter"].as_str().unwrap()), "{text}");
    }
}

#[test]
fn usage_is_imported_from_a_csv_once_and_bad_lines_stop_it_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    ok(rapport(
        dir.path(),
        &["demo", "--accounts", "20", "--seed", "4"],
    ));
    let p: Value =
        serde_json::from_str(&ok(rapport(dir.path(), &["portfolio", "--json"]))).unwrap();
    let name = p["rows"][0]["name"].as_str().unwrap().to_string();
    let today = chrono::Local::now().date_naive();
    let mut csv = String::from("Account,Date,Active users,Seats used,Logins\n");
    for n in 1..=3 {
        csv.push_str(&format!(
            "{name},{},5,6,{n}\n",
            today - chrono::Duration::days(n)
        ));
    }
    csv.push_str("Nobody Ltd,2026-11-01,1,1,1\n");
    let file = dir.path().join("usage.csv");
    std::fs::write(&file, csv).unwrap();
    let f = file.to_str().unwrap();

    let preview = ok(rapport(dir.path(), &["import", "usage", f, "--preview"]));
    assert!(
        preview.contains("Logins                   → feature events"),
        "{preview}"
    );
    assert!(
        preview.contains("! line 5: “Nobody Ltd” matches no account."),
        "{preview}"
    );
    let refused = fails(rapport(dir.path(), &["import", "usage", f]));
    assert!(refused.contains("nothing was imported"), "{refused}");
    let first: Value = serde_json::from_str(&ok(rapport(
        dir.path(),
        &["import", "usage", f, "--skip-bad", "--json"],
    )))
    .unwrap();
    assert_eq!(
        (
            &first["rows_written"],
            &first["rows_skipped"],
            &first["accounts"]
        ),
        (&Value::from(3), &Value::from(1), &Value::from(1))
    );
    let again = ok(rapport(dir.path(), &["import", "usage", f, "--skip-bad"]));
    assert!(
        again.contains("0 days new or changed, 3 already so"),
        "{again}"
    );
}
