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
