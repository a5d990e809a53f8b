//! End to end: the built desktop app in its real webview (WebKitGTK), driven through
//! tauri-driver + WebKitWebDriver. Needs a display (Xvfb), the Secret Service, `tauri-driver` on
//! PATH and the app binary in `RAPPORT_APP_BIN`; `.ci/run` provides all of them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;

use rapport_core::domain::Clock;
use rapport_core::{OpenOptions, Rapport};
use rapport_tests::hubspot::{self, FakeHubSpot};

#[path = "common/driver.rs"]
mod driver;
use driver::Driver;

const HOSTILE: &str = "<img src=x onerror=alert(1)>";

fn app_binary() -> PathBuf {
    let p = PathBuf::from(
        std::env::var("RAPPORT_APP_BIN").expect("RAPPORT_APP_BIN: the built rapport-app"),
    );
    assert!(p.is_absolute() && p.exists(), "{} missing", p.display());
    p
}

async fn shot(driver: &WebDriver, name: &str) {
    if let Some(dir) = std::env::var_os("RAPPORT_E2E_SHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        driver
            .screenshot(&Path::new(&dir).join(name))
            .await
            .unwrap();
    }
}

async fn wait_for(driver: &WebDriver, css: &str, secs: u64) -> WebElement {
    driver
        .query(By::Css(css))
        .wait(Duration::from_secs(secs), Duration::from_millis(100))
        .first()
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
}

async fn count(d: &WebDriver, css: &str) -> usize {
    d.find_all(By::Css(css)).await.unwrap().len()
}

async fn score_of(row: &WebElement) -> Option<i64> {
    let chip = row.find(By::Css("[data-testid=band-chip]")).await.ok()?;
    chip.attr("data-score").await.ok()??.parse().ok()
}

/// The text as the DOM holds it (WebDriver's visible-text rules can drop ellipsised text).
async fn text_content(d: &WebDriver, el: &WebElement) -> String {
    let v = d
        .execute(
            "return arguments[0].textContent;",
            vec![el.to_json().unwrap()],
        )
        .await
        .unwrap();
    v.json().as_str().unwrap_or_default().trim().to_string()
}

async fn open_store(dir: &Path) -> Rapport {
    Rapport::open(&OpenOptions::new(dir.to_path_buf(), Clock::system()))
        .await
        .expect("the test shares the app's keychain")
}

#[tokio::test]
#[ignore = "needs the built app, tauri-driver, Xvfb and the Secret Service: run by .ci/run"]
async fn fresh_start_shows_the_demo_then_the_riskiest_account_explained() {
    let app = app_binary();
    let data = tempfile::tempdir().unwrap();
    // The "browser" the sign-in opens follows the sign-in page's redirect back to the app, as a
    // browser does once the user has approved.
    let exports = tempfile::tempdir().unwrap();
    let export_dir = exports.path().to_str().unwrap().to_string();
    let driver = Driver::start_with(
        4444,
        &[
            ("BROWSER", "curl -sS -L -o /dev/null"),
            ("RAPPORT_EXPORT_DIR", export_dir.as_str()),
        ],
    )
    .await;

    // 1. A fresh data directory opens on the demo portfolio.
    let t0 = Instant::now();
    let d = driver.session(&app, data.path()).await;
    eprintln!("session up after {:?}", t0.elapsed());
    wait_for(&d, "[data-testid=portfolio-row]", 60).await;
    eprintln!("portfolio on screen after {:?}", t0.elapsed());
    wait_for(&d, "[data-testid=demo-badge]", 5).await;
    assert!(
        d.find_all(By::Css("[data-testid=kpi-tile]"))
            .await
            .unwrap()
            .len()
            >= 8
    );
    shot(&d, "01-portfolio.png").await;

    // 2. Sort by health: lowest first.
    d.find(By::Css("[data-testid=sort-health]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rows = d
        .find_all(By::Css("[data-testid=portfolio-row]"))
        .await
        .unwrap();
    let mut scores = Vec::new();
    for r in &rows {
        if let Some(s) = score_of(r).await {
            scores.push(s);
        }
    }
    assert!(scores.len() >= 5, "scores visible: {scores:?}");
    assert!(
        scores.windows(2).all(|w| w[0] <= w[1]),
        "not ascending: {scores:?}"
    );
    let first_id: i64 = rows[0]
        .attr("data-account-id")
        .await
        .unwrap()
        .unwrap()
        .parse()
        .unwrap();

    // The riskiest account according to the store itself.
    let r = open_store(data.path()).await;
    let portfolio = r.portfolio(r.today()).await.unwrap();
    let min = portfolio.rows.iter().filter_map(|x| x.score).min().unwrap();
    assert_eq!(scores[0], min);
    let riskiest = portfolio.rows.iter().find(|x| x.id == first_id).unwrap();
    assert_eq!(riskiest.score, Some(min));
    r.close().await;

    // 3. Open it with the keyboard: its breakdown and chart are shown.
    rows[0].click().await.unwrap();
    let view = wait_for(&d, "[data-testid=account-view]", 20).await;
    let name = wait_for(&d, "[data-testid=account-name]", 20)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(name, riskiest.name);
    let score = view
        .find(By::Css("[data-testid=health-score]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        score.contains(&min.to_string()),
        "score shown {score:?}, expected {min}"
    );
    let breakdown = wait_for(&d, "[data-testid=health-breakdown]", 5).await;
    let text = breakdown.text().await.unwrap();
    for label in [
        "Seat utilisation",
        "Usage trend",
        "Engagement recency",
        "Support",
        "NPS / CSAT",
        "AM sentiment",
    ] {
        assert!(
            text.contains(label),
            "{label} missing from the breakdown: {text}"
        );
    }
    let chart = wait_for(&d, "[data-testid=health-chart]", 5).await;
    let src = chart.attr("src").await.unwrap().unwrap();
    assert!(
        src.starts_with("data:image/svg+xml"),
        "{}",
        &src[..40.min(src.len())]
    );
    let loaded = d
        .execute(
            "return arguments[0].complete && arguments[0].naturalWidth > 0;",
            vec![chart.to_json().unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(
        loaded.json(),
        &json!(true),
        "the chart image did not render"
    );
    shot(&d, "02-account.png").await;

    // Esc goes back to the table.
    d.action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=portfolio-table]", 5).await;

    // 3b. The Warnings view (`w`): open early warnings, one snoozed from the keyboard.
    d.action_chain().send_keys("w").perform().await.unwrap();
    wait_for(&d, "[data-testid=warnings-view] [data-testid=alert]", 20).await;
    let before = count(&d, "[data-testid=alert]").await;
    assert!(before > 0);
    d.action_chain().send_keys("j").perform().await.unwrap();
    d.action_chain().send_keys("s").perform().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&d, "[data-testid=alert]").await != before - 1 {
        assert!(
            Instant::now() < deadline,
            "the snoozed warning stayed in the list"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let snoozed = d
        .find(By::Css("[data-testid=count-snoozed] .n"))
        .await
        .unwrap();
    assert_eq!(text_content(&d, &snoozed).await, "1");
    shot(&d, "02b-warnings.png").await;

    // 3c. A warning's playbook started with one click; its first task done from My tasks (`d`).
    d.find(By::Css("[data-testid=start-suggested]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=playbook-started]", 10).await;
    d.find(By::Css("[data-testid=open-tasks]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=tasks-view] [data-testid=task]", 10).await;
    let open_tasks = count(&d, "[data-testid=task]").await;
    assert!(
        open_tasks >= 4,
        "a playbook's steps are tasks: {open_tasks}"
    );
    d.action_chain().send_keys("d").perform().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while count(&d, "[data-testid=task]").await != open_tasks - 1 {
        assert!(
            Instant::now() < deadline,
            "the done task stayed in the list"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(&d, "02c-tasks.png").await;
    d.action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=portfolio-table]", 5).await;
    d.quit().await.unwrap();

    // 4. CRM text is text: a hostile account name shows as characters and runs nothing.
    let r = open_store(data.path()).await;
    r.store().rename_account(first_id, HOSTILE).await.unwrap();
    r.close().await;
    let d = driver.session(&app, data.path()).await;
    wait_for(&d, "[data-testid=portfolio-row]", 30).await;
    let search = d.find(By::Css("[data-testid=search]")).await.unwrap();
    search.send_keys("onerror").await.unwrap();
    // The filter applies as you type; wait until the one match is all that is left.
    let deadline = Instant::now() + Duration::from_secs(10);
    let row = loop {
        let rows = d
            .find_all(By::Css("[data-testid=portfolio-row]"))
            .await
            .unwrap();
        if rows.len() == 1 {
            break rows.into_iter().next().unwrap();
        }
        assert!(Instant::now() < deadline, "search left {} rows", rows.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    shot(&d, "03-hostile-search.png").await;
    assert_eq!(
        text_content(&d, &row.find(By::Css(".name")).await.unwrap()).await,
        HOSTILE
    );
    row.click().await.unwrap();
    wait_for(&d, "[data-testid=account-view]", 20).await;
    let heading = wait_for(&d, "[data-testid=account-name]", 20).await;
    assert_eq!(text_content(&d, &heading).await, HOSTILE);
    wait_for(&d, "[data-testid=health-chart]", 5).await;
    let injected = d
        .execute(
            "return document.querySelectorAll('img[src=\"x\"]').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(injected.json(), &json!(0));
    assert!(d.get_alert_text().await.is_err(), "an alert ran");
    shot(&d, "04-hostile-account.png").await;
    d.quit().await.unwrap();

    // 5. Connect HubSpot by signing in through the browser, sync, and the CRM's accounts replace
    // the demo. The app is registered with one exact redirect address, as both CRMs demand.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fake = FakeHubSpot::start(hubspot::Config {
        tokens: vec![],
        oauth: Some(hubspot::OAuth {
            client_id: "rapport-e2e-app".into(),
            client_secret: "e2e-secret".into(),
            refresh_token: "issued-elsewhere".into(),
            access_ttl_secs: 1800,
            rotate_refresh_token: false,
            redirect_uri: Some(format!("http://localhost:{port}/callback")),
            consent: Default::default(),
        }),
        ..hubspot::Config::default()
    })
    .await;
    fake.seed(9, 5);
    let d = driver.session(&app, data.path()).await;
    wait_for(&d, "[data-testid=portfolio-row]", 30).await;
    d.find(By::Css("[data-testid=open-connections]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=connect-form]", 10).await;
    let checked = d
        .find(By::Css("[data-testid=auth-browser]"))
        .await
        .unwrap()
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(
        checked.as_deref(),
        Some("true"),
        "browser sign-in is the default"
    );
    for (id, value) in [
        ("conn-client-id", "rapport-e2e-app".to_string()),
        ("conn-client-secret", "e2e-secret".to_string()),
        ("conn-url", fake.base_url.clone()),
    ] {
        let input = d
            .find(By::Css(format!("[data-testid={id}]")))
            .await
            .unwrap();
        input.send_keys(&value).await.unwrap();
    }
    let port_input = d.find(By::Css("[data-testid=conn-port]")).await.unwrap();
    port_input.clear().await.unwrap();
    port_input.send_keys(port.to_string()).await.unwrap();
    shot(&d, "05-sign-in-form.png").await;
    d.find(By::Css("[data-testid=connect-submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=connection]", 30).await;
    let form_text = d
        .find(By::Css("[data-testid=connections-view]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form_text.contains("Signed in and connected"), "{form_text}");
    assert_eq!(fake.stats().by_route.get("GET /oauth/authorize"), Some(&1));
    shot(&d, "06-signed-in.png").await;
    d.find(By::Css("[data-testid=sync-now]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let summary = wait_for(&d, "[data-testid=sync-summary]", 60).await;
    let summary = summary.text().await.unwrap();
    assert!(summary.starts_with("Sync finished"), "{summary}");
    shot(&d, "07-synced.png").await;
    d.action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=portfolio-table]", 10).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let rows = d
            .find_all(By::Css("[data-testid=portfolio-row]"))
            .await
            .unwrap();
        if rows.len() == 9 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{} rows, expected the CRM's 9",
            rows.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // 6. Log feedback from the portfolio (f on a row): a field error first, then it is saved at
    // once, counted, and the background sender delivers it to HubSpot.
    d.action_chain()
        .send_keys("j")
        .send_keys("f")
        .perform()
        .await
        .unwrap();
    let dialog = wait_for(&d, "[data-testid=capture-dialog][open]", 20).await;
    dialog
        .find(By::Css("[data-testid=capture-save]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let error = wait_for(&d, "[data-testid=capture-dialog] [role=alert]", 10).await;
    assert_eq!(error.text().await.unwrap(), "Pick a score from 0 to 10.");
    dialog
        .find(By::Css("[data-testid=score-2]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.execute(
        "const s = document.querySelector('[data-testid=speaker]'); s.selectedIndex = 1; s.dispatchEvent(new Event('change', { bubbles: true }));",
        vec![],
    )
    .await
    .unwrap();
    dialog
        .find(By::Css("[data-testid=verbatim]"))
        .await
        .unwrap()
        .send_keys("Invoices are wrong <again> & nobody answers")
        .await
        .unwrap();
    shot(&d, "08-capture-form.png").await;
    dialog
        .find(By::Css("[data-testid=capture-save]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=outbox-entry]", 20).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let state = d
            .find(By::Css("[data-testid=outbox-entry] [data-testid=delivery]"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if state == "Delivered" {
            break;
        }
        assert!(Instant::now() < deadline, "still {state:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let feedback = wait_for(&d, "[data-testid=account-view]", 5)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        feedback.contains("Invoices are wrong <again> & nobody answers"),
        "{feedback}"
    );
    assert!(
        d.find(By::Css("[data-testid=outbox-waiting]"))
            .await
            .is_err(),
        "nothing waits"
    );
    shot(&d, "09-captured-delivered.png").await;
    let delivered: Vec<String> = fake
        .ids("notes")
        .into_iter()
        .filter_map(|id| fake.get("notes", id)?.get("hs_note_body").cloned())
        .filter(|b| b.contains("Invoices are wrong"))
        .collect();
    assert_eq!(delivered.len(), 1, "in HubSpot once");
    assert!(
        delivered[0].contains("Invoices are wrong &lt;again&gt; &amp; nobody answers"),
        "{}",
        delivered[0]
    );

    // 7. The NPS of 2 proposes a follow-up on the account; accepted as it stands, it reaches
    // HubSpot as one open task.
    let card = wait_for(&d, "[data-testid=followups]", 20).await;
    card.find(By::Css("[data-testid=fu-open-accept]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let title = wait_for(&d, "[data-testid=fu-title]", 5).await;
    assert!(title
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
        .starts_with("Follow up with "));
    d.find(By::Css("[data-testid=fu-accept]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&d, "[data-testid=followup][data-state=accepted]", 20).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let tasks: Vec<_> = fake
            .ids("tasks")
            .into_iter()
            .filter_map(|id| fake.get("tasks", id))
            .filter(|t| {
                t.get("hs_task_body")
                    .is_some_and(|b| b.contains("Invoices are wrong"))
            })
            .collect();
        if tasks.len() == 1 {
            assert_eq!(tasks[0]["hs_task_status"], "NOT_STARTED");
            break;
        }
        assert!(tasks.len() < 2, "the task twice");
        assert!(Instant::now() < deadline, "the task never reached HubSpot");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    shot(&d, "10-followup-accepted.png").await;

    // 8. The feedback view counts it, reads its themes, and exports the workbook.
    d.find(By::Css("[data-testid=open-feedback]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let verbatims = wait_for(&d, "[data-testid=verbatims]", 30).await;
    let text = verbatims.text().await.unwrap();
    assert!(
        text.contains("Invoices are wrong <again> & nobody answers"),
        "{text}"
    );
    wait_for(&d, "[data-testid=feedback-chart]", 5).await;
    assert_eq!(
        d.find_all(By::Css("[data-testid=figure]"))
            .await
            .unwrap()
            .len(),
        3
    );
    shot(&d, "11-feedback.png").await;
    d.find(By::Css("[data-testid=export-xlsx]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let done = wait_for(&d, "[data-testid=exported]", 30).await;
    assert!(done.text().await.unwrap().contains("Exported"));
    let files: Vec<_> = std::fs::read_dir(exports.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().unwrap(), "xlsx");
    assert!(std::fs::metadata(&files[0]).unwrap().len() > 5_000);
    d.quit().await.unwrap();
}
