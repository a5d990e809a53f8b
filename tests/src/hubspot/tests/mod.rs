//! The fake's own tests, over real HTTP.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Client, Method};
use serde_json::{json, Value};

use super::*;

mod oauth;
mod search;

const TOKEN: &str = "pat-fake-token";

struct Answer {
    status: u16,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn call_as(
    hs: &FakeHubSpot,
    token: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let mut req = Client::new().request(method, format!("{}{path}", hs.base_url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    Answer {
        status,
        headers,
        text,
    }
}

async fn get(hs: &FakeHubSpot, path: &str) -> Answer {
    call_as(hs, Some(TOKEN), Method::GET, path, None).await
}

async fn post(hs: &FakeHubSpot, path: &str, body: Value) -> Answer {
    call_as(hs, Some(TOKEN), Method::POST, path, Some(body)).await
}

fn ids_of(page: &Value) -> Vec<u64> {
    page["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["id"]
                .as_str()
                .expect("string id")
                .parse()
                .expect("numeric id")
        })
        .collect()
}

#[tokio::test]
async fn authentication_is_required_and_scopes_are_checked() {
    let hs = FakeHubSpot::start(Config::default()).await;
    hs.seed(5, 1);
    let none = call_as(&hs, None, Method::GET, "/crm/v3/objects/companies", None).await;
    assert_eq!(none.status, 401);
    let body = none.json();
    assert_eq!(body["status"], "error");
    assert_eq!(body["category"], "INVALID_AUTHENTICATION");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("Authentication credentials not found"));
    assert_eq!(body["correlationId"].as_str().unwrap().len(), 36);

    let wrong = call_as(&hs, Some("pat-wrong"), Method::GET, "/crm/v3/owners", None).await;
    assert_eq!(wrong.status, 401);

    let scopeless = call_as(
        &hs,
        Some(NO_SCOPE_TOKEN),
        Method::GET,
        "/crm/v3/objects/companies?limit=1",
        None,
    )
    .await;
    assert_eq!(scopeless.status, 403);
    let body = scopeless.json();
    assert_eq!(body["category"], "MISSING_SCOPES");
    assert_eq!(
        body["errors"][0]["context"]["requiredGranularScopes"][0],
        "crm.objects.companies.read"
    );

    assert_eq!(get(&hs, "/crm/v3/objects/companies").await.status, 200);
    let unknown = get(&hs, "/crm/v3/objects/widgets").await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json()["category"], "VALIDATION_ERROR");

    let stats = hs.stats();
    assert_eq!(stats.unauthorized_401, 2);
    assert_eq!(stats.requests, 5);
    assert_eq!(stats.by_route["GET /crm/v3/objects/companies"], 3);
}

#[tokio::test]
async fn list_paging_walks_every_id_exactly_once() {
    let hs = FakeHubSpot::start(Config::default()).await;
    hs.seed(150, 7);
    for (ty, limit) in [
        ("companies", 100),
        ("contacts", 37),
        ("feedback_submissions", 10),
    ] {
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut path = format!("/crm/v3/objects/{ty}?limit={limit}&properties=name,email");
            if let Some(a) = &after {
                // A client that follows `link` would do the same.
                path.push_str(&format!("&after={}", a.replace('=', "%3D")));
            }
            let page = get(&hs, &path).await.json();
            let ids = ids_of(&page);
            assert!(ids.len() <= limit);
            seen.extend(ids);
            match page["paging"]["next"]["after"].as_str() {
                Some(a) => {
                    assert!(page["paging"]["next"]["link"]
                        .as_str()
                        .unwrap()
                        .starts_with(&hs.base_url));
                    after = Some(a.to_string());
                }
                None => break,
            }
        }
        assert_eq!(seen, hs.ids(ty), "{ty}");
    }

    // Properties: only the requested ones plus the three system ones.
    let page = get(
        &hs,
        "/crm/v3/objects/contacts?limit=1&properties=email&properties=jobtitle",
    )
    .await
    .json();
    let props = page["results"][0]["properties"].as_object().unwrap();
    let mut keys: Vec<&str> = props.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "createdate",
            "email",
            "hs_object_id",
            "jobtitle",
            "lastmodifieddate"
        ]
    );

    // Archived rows leave the list and show with archived=true.
    hs.archive("companies", 1001, base_time_ms());
    let live = get(&hs, "/crm/v3/objects/companies?limit=100").await.json();
    assert_eq!(ids_of(&live)[0], 1002);
    let gone = get(&hs, "/crm/v3/objects/companies?archived=true")
        .await
        .json();
    assert_eq!(ids_of(&gone), [1001]);
    assert_eq!(gone["results"][0]["archived"], true);
    assert!(gone["results"][0]["archivedAt"].is_string());
    assert!(gone.get("paging").is_none());
    assert_eq!(hs.count("companies", true), 1);

    assert_eq!(
        get(&hs, "/crm/v3/objects/companies?limit=101").await.status,
        400
    );
    assert_eq!(
        get(&hs, "/crm/v3/objects/companies?after=%21%21")
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn rolling_rate_limit_answers_429_without_retry_after() {
    let cfg = Config {
        rate_limit: Some(RateLimit {
            max: 5,
            window_ms: 400,
        }),
        ..Config::default()
    };
    let hs = FakeHubSpot::start(cfg).await;
    for i in 0..5 {
        let a = get(&hs, "/crm/v3/owners").await;
        assert_eq!(a.status, 200);
        assert_eq!(a.header("x-hubspot-ratelimit-max"), Some("5"));
        assert_eq!(
            a.header("x-hubspot-ratelimit-interval-milliseconds"),
            Some("400")
        );
        assert_eq!(
            a.header("x-hubspot-ratelimit-remaining"),
            Some((4 - i).to_string().as_str())
        );
        assert_eq!(a.header("x-hubspot-ratelimit-daily"), Some("500000"));
    }
    let limited = get(&hs, "/crm/v3/owners").await;
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_none());
    assert_eq!(limited.header("x-hubspot-ratelimit-remaining"), Some("0"));
    let body = limited.json();
    assert_eq!(body["status"], "error");
    assert_eq!(body["message"], "You have reached your secondly limit.");
    assert_eq!(body["errorType"], "RATE_LIMIT");
    assert_eq!(body["policyName"], "SECONDLY");
    assert!(body["correlationId"].is_string());
    assert!(body["groupName"]
        .as_str()
        .unwrap()
        .starts_with("publicapi:"));

    tokio::time::sleep(Duration::from_millis(450)).await;
    assert_eq!(get(&hs, "/crm/v3/owners").await.status, 200);
    let stats = hs.stats();
    assert_eq!(
        (stats.ok, stats.rejected_429, stats.max_in_any_window),
        (6, 1, 5)
    );
    assert!(stats.first_request_ms.unwrap() <= stats.last_request_ms.unwrap());
}

#[tokio::test]
async fn injected_faults_come_in_order() {
    let cfg = Config {
        daily_limit: 8,
        ..Config::default()
    };
    let hs = FakeHubSpot::start(cfg).await;
    hs.seed(3, 1);
    hs.inject(Fault::RateLimited {
        count: 1,
        retry_after_secs: Some(2),
        policy: "SECONDLY",
    });
    hs.inject(Fault::RateLimited {
        count: 1,
        retry_after_secs: None,
        policy: "DAILY",
    });
    hs.inject(Fault::ServerErrors {
        count: 2,
        status: 502,
    });
    hs.inject(Fault::Malformed { count: 1 });
    hs.inject(Fault::Garbage { count: 1 });
    hs.inject(Fault::Delay { count: 1, ms: 400 });
    let path = "/crm/v3/objects/companies";

    let a = get(&hs, path).await;
    assert_eq!((a.status, a.header("retry-after")), (429, Some("2")));
    let a = get(&hs, path).await;
    assert_eq!((a.status, a.header("retry-after")), (429, None));
    assert_eq!(a.json()["policyName"], "DAILY");
    assert_eq!(a.json()["message"], "You have reached your daily limit.");
    for _ in 0..2 {
        let a = get(&hs, path).await;
        assert_eq!(a.status, 502);
        assert!(a.text.contains("<html>"));
    }
    let a = get(&hs, path).await;
    assert_eq!(a.status, 200);
    assert!(a.text.starts_with("{\"results\""));
    assert!(serde_json::from_str::<Value>(&a.text).is_err());
    let a = get(&hs, path).await;
    assert_eq!(
        (a.status, a.text.as_str()),
        (200, "<html>proxy error</html>")
    );

    let slow = Client::builder()
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    let timed_out = slow
        .get(format!("{}{path}", hs.base_url))
        .bearer_auth(TOKEN)
        .send()
        .await;
    assert!(timed_out.is_err_and(|e| e.is_timeout()));
    assert_eq!(get(&hs, path).await.status, 200);

    // 6 accepted so far (faulty ones count against the daily cap, injected 429s do not).
    assert_eq!(
        get(&hs, path)
            .await
            .header("x-hubspot-ratelimit-daily-remaining"),
        Some("1")
    );
    assert_eq!(get(&hs, path).await.status, 200);
    let daily = get(&hs, path).await;
    assert_eq!(daily.status, 429);
    assert_eq!(daily.json()["policyName"], "DAILY");
    let stats = hs.stats();
    assert_eq!((stats.rejected_429, stats.errors_5xx), (3, 2));
}

#[tokio::test]
async fn associations_batch_read_in_v4_shape() {
    let hs = FakeHubSpot::start(Config::default()).await;
    hs.seed(20, 3);
    let contacts = hs.associated("companies", 1001, "contacts");
    assert!((3..=8).contains(&contacts.len()));
    let page = post(
        &hs,
        "/crm/v4/associations/companies/contacts/batch/read",
        json!({"inputs": [{"id": "1001"}, {"id": "1002"}]}),
    )
    .await;
    assert_eq!(page.status, 200);
    let body = page.json();
    assert_eq!(body["status"], "COMPLETE");
    let first = &body["results"][0];
    assert_eq!(first["from"]["id"], "1001");
    let to: Vec<u64> = first["to"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["toObjectId"].as_u64().unwrap())
        .collect();
    assert_eq!(to, contacts);
    let types = first["to"][0]["associationTypes"].as_array().unwrap();
    assert!(types
        .iter()
        .any(|t| t["typeId"] == 280 && t["label"].is_null() && t["category"] == "HUBSPOT_DEFINED"));

    // Reverse direction, with the primary label; and 207 for inputs without associations.
    let back = post(
        &hs,
        "/crm/v4/associations/contacts/companies/batch/read",
        json!({"inputs": [{"id": contacts[0].to_string()}, {"id": "42"}]}),
    )
    .await;
    assert_eq!(back.status, 207);
    let body = back.json();
    assert_eq!(body["results"][0]["to"][0]["toObjectId"], 1001);
    let labels: Vec<u64> = body["results"][0]["to"][0]["associationTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["typeId"].as_u64().unwrap())
        .collect();
    assert_eq!(labels, [1, 279]);
    assert_eq!(body["numErrors"], 1);
    assert_eq!(body["errors"][0]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(body["errors"][0]["context"]["fromObjectId"][0], "42");

    // Engagements link to their company and one contact.
    let notes = hs.ids("notes");
    let calls = hs.ids("calls");
    let some = notes.first().or(calls.first()).copied().unwrap();
    let ty = if notes.contains(&some) {
        "notes"
    } else {
        "calls"
    };
    assert_eq!(hs.associated(ty, some, "companies").len(), 1);
    assert_eq!(hs.associated(ty, some, "contacts").len(), 1);

    let inputs: Vec<Value> = (0..1001).map(|i| json!({"id": i.to_string()})).collect();
    let too_many = post(
        &hs,
        "/crm/v4/associations/companies/deals/batch/read",
        json!({"inputs": inputs}),
    )
    .await;
    assert_eq!(too_many.status, 400);
}

#[tokio::test]
async fn seed_is_deterministic_and_realistic() {
    let a = FakeHubSpot::start(Config::default()).await;
    let b = FakeHubSpot::start(Config::default()).await;
    a.seed(40, 11);
    b.seed(40, 11);
    let base = base_time_ms();
    for ty in [
        "companies",
        "contacts",
        "deals",
        "tickets",
        "feedback_submissions",
    ] {
        assert_eq!(a.ids(ty), b.ids(ty), "{ty}");
        for id in a.ids(ty).into_iter().take(20) {
            let props = a.get(ty, id).unwrap();
            assert_eq!(Some(&props), b.get(ty, id).as_ref());
            let modified = if ty == "contacts" {
                "lastmodifieddate"
            } else {
                "hs_lastmodifieddate"
            };
            let t = parse_time(&props[modified]).unwrap();
            assert!(
                t <= base && t >= base - 90 * 86_400_000,
                "{ty} {id} modified {t}"
            );
            assert!(parse_time(&props["createdate"]).unwrap() <= t);
        }
    }
    assert_eq!(
        a.get("companies", 1004).unwrap()["name"],
        "<img src=x onerror=alert(1)> Ltd"
    );
    let c = a.get("companies", 1001).unwrap();
    for p in [
        "domain",
        "industry",
        "annual_recurring_revenue",
        "renewal_date",
        "seats_purchased",
        "hubspot_owner_id",
    ] {
        assert!(c.contains_key(p), "{p}");
    }
    let contacts = a.ids("contacts");
    assert!(contacts.len() >= 120 && contacts.len() <= 320);
    let engagements: usize = ["notes", "calls", "meetings", "emails", "tasks"]
        .iter()
        .map(|t| a.count(t, false))
        .sum();
    assert!((80..=400).contains(&engagements));

    let owners = get(&a, "/crm/v3/owners?limit=5").await.json();
    assert_eq!(owners["results"][0]["email"], "dana@example.com");
    assert!(owners["paging"]["next"]["after"].is_string());
}

#[tokio::test]
async fn writes_create_and_update_records() {
    let hs = FakeHubSpot::start(Config::default()).await;
    hs.seed(2, 5);
    let created = post(
        &hs,
        "/crm/v3/objects/tasks",
        json!({
            "properties": {"hs_task_subject": "Escalate renewal risk", "hs_timestamp": "2026-11-21T09:00:00.000Z"},
            "associations": [{"to": {"id": "1001"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 192}]}],
        }),
    )
    .await;
    assert_eq!(created.status, 201);
    let id: u64 = created.json()["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(hs.associated("tasks", id, "companies"), [1001]);
    assert_eq!(
        hs.get("tasks", id).unwrap()["hs_task_subject"],
        "Escalate renewal risk"
    );

    let patched = call_as(
        &hs,
        Some(TOKEN),
        Method::PATCH,
        &format!("/crm/v3/objects/tasks/{id}"),
        Some(json!({"properties": {"hs_task_status": "COMPLETED"}})),
    )
    .await;
    assert_eq!(patched.status, 200);
    assert_eq!(patched.json()["properties"]["hs_task_status"], "COMPLETED");
    let one = get(
        &hs,
        &format!("/crm/v3/objects/tasks/{id}?properties=hs_task_status"),
    )
    .await
    .json();
    assert_eq!(one["properties"]["hs_task_status"], "COMPLETED");
    assert_eq!(get(&hs, "/crm/v3/objects/tasks/999").await.status, 404);

    let batch = post(
        &hs,
        "/crm/v3/objects/companies/batch/read",
        json!({"properties": ["name"], "inputs": [{"id": "1001"}, {"id": "1"}]}),
    )
    .await;
    assert_eq!(batch.status, 207);
    assert_eq!(batch.json()["results"][0]["id"], "1001");
}

#[tokio::test]
async fn a_stock_portal_has_no_custom_properties_and_says_so() {
    let hs = FakeHubSpot::start(Config {
        currency: "EUR".into(),
        ..Config::default()
    })
    .await;
    hs.seed_with(
        20,
        3,
        SeedOptions {
            custom_properties: false,
        },
    );
    let props = get(&hs, "/crm/v3/properties/companies").await.json();
    let names: Vec<&str> = props["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"name") && names.contains(&"annualrevenue"));
    assert!(!names.contains(&"annual_recurring_revenue"));
    assert_eq!(
        get(&hs, "/crm/v3/properties/companies/annual_recurring_revenue")
            .await
            .status,
        404
    );
    assert_eq!(
        get(&hs, "/crm/v3/properties/companies/name").await.status,
        200
    );
    let types: std::collections::BTreeSet<String> = hs
        .ids("deals")
        .iter()
        .filter_map(|id| hs.get("deals", *id).unwrap().get("dealtype").cloned())
        .collect();
    assert_eq!(
        types.into_iter().collect::<Vec<_>>(),
        vec!["existingbusiness", "newbusiness"]
    );
    assert_eq!(
        get(&hs, "/account-info/v3/details").await.json()["companyCurrency"],
        "EUR"
    );
}
