//! The fake's own tests, over real HTTP.

use reqwest::header::HeaderMap;
use reqwest::Client;
use serde_json::{json, Value};

use super::*;

const TOKEN: &str = "sf-fake-session";
const V: &str = "/services/data/v59.0";

struct Answer {
    status: u16,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    fn error_code(&self) -> String {
        self.json()[0]["errorCode"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

async fn get_as(sf: &FakeSalesforce, token: Option<&str>, path: &str, q: Option<&str>) -> Answer {
    let mut req = Client::new().get(format!("{}{path}", sf.base_url));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(q) = q {
        req = req.query(&[("q", q)]);
    }
    let resp = req.send().await.expect("request");
    Answer {
        status: resp.status().as_u16(),
        headers: resp.headers().clone(),
        text: resp.text().await.expect("body"),
    }
}

async fn soql(sf: &FakeSalesforce, endpoint: &str, q: &str) -> Answer {
    get_as(sf, Some(TOKEN), &format!("{V}/{endpoint}"), Some(q)).await
}

/// Runs a query and follows `nextRecordsUrl` to the end; returns all records.
async fn query_all_pages(sf: &FakeSalesforce, endpoint: &str, q: &str) -> Vec<Value> {
    let mut a = soql(sf, endpoint, q).await;
    let mut out = Vec::new();
    loop {
        assert_eq!(a.status, 200, "{}", a.text);
        let body = a.json();
        out.extend(body["records"].as_array().expect("records").iter().cloned());
        if body["done"] == json!(true) {
            assert!(body.get("nextRecordsUrl").is_none());
            assert_eq!(body["totalSize"].as_u64(), Some(out.len() as u64));
            return out;
        }
        let next = body["nextRecordsUrl"]
            .as_str()
            .expect("nextRecordsUrl")
            .to_string();
        a = get_as(sf, Some(TOKEN), &next, None).await;
    }
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["Id"].as_str().expect("Id").to_string())
        .collect()
}

/// SOQL datetime literal of epoch millis.
fn lit(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn small(batch_size: usize) -> Config {
    Config {
        batch_size,
        ..Config::default()
    }
}

#[tokio::test]
async fn salesforce_rejects_bad_sessions_with_invalid_session_id() {
    let sf = FakeSalesforce::start(Config::default()).await;
    sf.seed(3, 1);
    for token in [None, Some("nope")] {
        let a = get_as(
            &sf,
            token,
            &format!("{V}/query"),
            Some("SELECT Id FROM Account"),
        )
        .await;
        assert_eq!(a.status, 401);
        assert_eq!(
            a.json(),
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        );
        assert!(a.headers.get("sforce-limit-info").is_some());
    }
    assert_eq!(sf.stats().unauthorized_401, 2);
    assert_eq!(sf.api_used(), 0);
}

#[tokio::test]
async fn salesforce_paging_visits_every_row_once_in_modstamp_id_order() {
    let sf = FakeSalesforce::start(small(50)).await;
    sf.seed(40, 7);
    let live = sf.count("Contact", false);
    assert!(live > 150, "{live}");
    let q = "SELECT Id, SystemModstamp, Name FROM Contact ORDER BY SystemModstamp ASC, Id ASC";
    let first = soql(&sf, "query", q).await.json();
    assert_eq!(first["done"], json!(false));
    assert_eq!(first["totalSize"].as_u64(), Some(live as u64));
    let next = first["nextRecordsUrl"].as_str().unwrap();
    assert!(next.starts_with("/services/data/v59.0/query/01g"), "{next}");
    assert!(next.ends_with("-50"), "{next}");
    assert_eq!(next.len(), "/services/data/v59.0/query/".len() + 18 + 3);

    let rows = query_all_pages(&sf, "query", q).await;
    let got = ids(&rows);
    let mut want = sf.ids("Contact");
    assert_eq!(got.len(), want.len());
    let keys: Vec<(i64, String)> = rows
        .iter()
        .map(|r| {
            let t = parse_sf_time(r["SystemModstamp"].as_str().unwrap()).unwrap();
            (t, r["Id"].as_str().unwrap().to_string())
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "not in (SystemModstamp, Id) order"
    );
    let mut sorted = got.clone();
    sorted.sort();
    want.sort();
    assert_eq!(sorted, want);
    // Seeded data has SystemModstamp ties (mass updates), so the Id tie-break matters.
    assert!(keys.windows(2).any(|w| w[0].0 == w[1].0));
    let s = sf.stats();
    assert_eq!(s.queries, 2);
    assert_eq!(s.rows_served, live as u64 + 50);
    assert!(s
        .by_route
        .contains_key("GET /services/data/v59.0/query/{locator}"));
}

#[tokio::test]
async fn salesforce_tie_break_where_returns_exactly_the_rows_after_the_cursor() {
    let sf = FakeSalesforce::start(small(7)).await;
    sf.seed(10, 3);
    let t = base_time_ms() - 5 * 86_400_000;
    let tied: Vec<String> = (900..905).map(|n| make_id("Account", n)).collect();
    for id in &tied {
        sf.upsert("Account", id, &[("Name", json!(format!("Tied {id}")))], t);
    }
    let order = "ORDER BY SystemModstamp ASC, Id ASC";
    let all = ids(&query_all_pages(&sf, "query", &format!("SELECT Id FROM Account {order}")).await);
    let k = all.iter().position(|i| *i == tied[2]).unwrap();
    for literal in [
        lit(t),
        lit(t).replace(".000Z", "Z"),
        lit(t).replace('Z', "+00:00"),
    ] {
        let q = format!(
            "SELECT Id FROM Account WHERE (SystemModstamp = {literal} AND Id > '{}') OR SystemModstamp > {literal} {order}",
            tied[2]
        );
        let after = ids(&query_all_pages(&sf, "query", &q).await);
        assert_eq!(after, all[k + 1..].to_vec(), "{literal}");
        assert_eq!(after[..2], tied[3..]);
    }
    // `>=` and a 15-character id literal work too.
    let q = format!(
        "select id from account where SystemModstamp >= {} and Id > '{}' {order} limit 2",
        lit(t),
        &tied[0][..15]
    );
    assert_eq!(
        ids(&query_all_pages(&sf, "query", &q).await),
        tied[1..3].to_vec()
    );
}

#[tokio::test]
async fn salesforce_query_all_shows_deleted_rows_and_query_does_not() {
    let sf = FakeSalesforce::start(Config::default()).await;
    sf.seed(5, 9);
    let victim = sf.ids("Opportunity")[0].clone();
    let at = base_time_ms() + 60_000;
    sf.delete("Opportunity", &victim, at);
    assert_eq!(sf.count("Opportunity", true), 1);
    let q =
        "SELECT Id, IsDeleted, SystemModstamp FROM Opportunity ORDER BY SystemModstamp ASC, Id ASC";
    let live = ids(&query_all_pages(&sf, "query", q).await);
    assert!(!live.contains(&victim));
    assert_eq!(live.len(), sf.count("Opportunity", false));
    let everything = query_all_pages(&sf, "queryAll", q).await;
    let last = everything.last().unwrap();
    assert_eq!(last["Id"], json!(victim));
    assert_eq!(last["IsDeleted"], json!(true));
    assert_eq!(last["SystemModstamp"], json!(sf_time(at)));
    let q = format!(
        "SELECT Id FROM Opportunity WHERE IsDeleted = true AND SystemModstamp > {}",
        lit(base_time_ms())
    );
    assert_eq!(
        ids(&query_all_pages(&sf, "queryAll", &q).await),
        vec![victim.clone()]
    );
    assert!(query_all_pages(&sf, "query", &q).await.is_empty());
    assert_eq!(
        sf.get("Opportunity", &victim).unwrap()["IsDeleted"],
        json!(true)
    );
}

#[tokio::test]
async fn salesforce_records_have_salesforce_shapes_and_owner_relationship() {
    let sf = FakeSalesforce::start(Config::default()).await;
    sf.seed(20, 42);
    let q = "SELECT Id, Name, Website, ARR__c, Renewal_Date__c, Owner.Name, OwnerId, CreatedDate, SystemModstamp, Nope__c FROM Account";
    let a = soql(&sf, "query", q).await;
    assert_eq!(
        (a.status, a.error_code()),
        (400, "INVALID_FIELD".to_string()),
        "{}",
        a.text
    );
    let rows = query_all_pages(&sf, "query", &q.replace(", Nope__c", "")).await;
    assert_eq!(rows.len(), 20);
    let r = &rows[0];
    let id = r["Id"].as_str().unwrap();
    assert_eq!((id.len(), &id[..3]), (18, "001"));
    assert_eq!(r["attributes"]["type"], json!("Account"));
    assert_eq!(
        r["attributes"]["url"],
        json!(format!("/services/data/v59.0/sobjects/Account/{id}"))
    );
    assert_eq!(r["Owner"]["attributes"]["type"], json!("User"));
    let owner = r["Owner"]["Name"].as_str().unwrap();
    assert!(seed_user_names().contains(&owner), "{owner}");
    assert!(r["OwnerId"].as_str().unwrap().starts_with("005"));
    assert!(r["ARR__c"].is_f64());
    assert_eq!(r["Renewal_Date__c"].as_str().unwrap().len(), 10);
    let stamp = r["SystemModstamp"].as_str().unwrap();
    assert!(
        stamp.ends_with(".000+0000") && stamp.starts_with("2026-"),
        "{stamp}"
    );
    let names: Vec<&str> = rows.iter().map(|r| r["Name"].as_str().unwrap()).collect();
    assert!(names.contains(&"<script>alert(1)</script> GmbH"));
    assert!(names.iter().any(|n| !n.is_ascii()));
    // Deterministic.
    let sf2 = FakeSalesforce::start(Config::default()).await;
    sf2.seed(20, 42);
    assert_eq!(sf.get("Account", id), sf2.get("Account", id));
    // Every object answers; absent fields are null.
    for (obj, n) in [
        ("Contact", 40),
        ("Opportunity", 20),
        ("Task", 40),
        ("User", 8),
    ] {
        assert!(sf.count(obj, false) >= n, "{obj}");
    }
    let c = soql(
        &sf,
        "query",
        "SELECT Id, Subject, ClosedDate, Account.Name FROM Case WHERE IsClosed = false LIMIT 1",
    )
    .await;
    let c = &c.json()["records"][0];
    assert_eq!(c["ClosedDate"], Value::Null);
    assert!(c["Account"]["Name"].is_string());
}

fn seed_user_names() -> Vec<&'static str> {
    vec![
        "Dana Whitfield",
        "Rafael Moreau",
        "Yuki Tanaka",
        "Siobhán Kelly",
        "Oluwaseun Adeyemi",
        "Greta Lindqvist",
        "Arjun Mehta",
        "Chloé Dubois",
    ]
}

#[tokio::test]
async fn salesforce_oauth_refresh_then_expire_sessions() {
    let cfg = Config {
        oauth: Some(OAuth {
            client_id: "cid".into(),
            client_secret: "secret".into(),
            refresh_token: "rt".into(),
            rotate_refresh_token: false,
            redirect_uri: None,
            consent: Default::default(),
        }),
        ..Config::default()
    };
    let sf = FakeSalesforce::start(cfg).await;
    sf.seed(2, 1);
    let token_url = format!("{}/services/oauth2/token", sf.base_url);
    let form = |rt: &str| {
        vec![
            ("grant_type", "refresh_token".to_string()),
            ("client_id", "cid".into()),
            ("client_secret", "secret".into()),
            ("refresh_token", rt.to_string()),
        ]
    };
    let bad = Client::new()
        .post(&token_url)
        .form(&form("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error"], json!("invalid_grant"));

    let resp = Client::new()
        .post(&token_url)
        .form(&form("rt"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["instance_url"], json!(sf.base_url));
    assert_eq!(body["token_type"], json!("Bearer"));
    assert!(body["issued_at"].as_str().unwrap().parse::<i64>().is_ok());
    let access = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(sf.issued_access_tokens(), 1);

    let path = format!("{V}/query");
    let ok = get_as(&sf, Some(&access), &path, Some("SELECT Id FROM Account")).await;
    assert_eq!(ok.status, 200);
    sf.inject(Fault::ExpireSessions);
    let gone = get_as(&sf, Some(&access), &path, Some("SELECT Id FROM Account")).await;
    assert_eq!(
        (gone.status, gone.error_code()),
        (401, "INVALID_SESSION_ID".to_string())
    );
    // The session token is not affected.
    assert_eq!(
        soql(&sf, "query", "SELECT Id FROM Account").await.status,
        200
    );
}

#[tokio::test]
async fn salesforce_limit_info_header_limits_and_request_limit() {
    let cfg = Config {
        api_limit: 3,
        ..Config::default()
    };
    let sf = FakeSalesforce::start(cfg).await;
    let a = soql(&sf, "query", "SELECT Id FROM Account").await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json(),
        json!({"totalSize": 0, "done": true, "records": []})
    );
    let h = |a: &Answer| {
        a.headers
            .get("sforce-limit-info")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(h(&a), "api-usage=1/3");
    let l = get_as(&sf, Some(TOKEN), &format!("{V}/limits"), None).await;
    assert_eq!(
        l.json()["DailyApiRequests"],
        json!({"Max": 3, "Remaining": 1})
    );
    assert_eq!(h(&l), "api-usage=2/3");
    assert_eq!(
        soql(&sf, "query", "SELECT Id FROM Account").await.status,
        200
    );
    let over = soql(&sf, "query", "SELECT Id FROM Account").await;
    assert_eq!(over.status, 403);
    assert_eq!(
        over.json(),
        json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
    );
    assert_eq!(h(&over), "api-usage=4/3");
    assert_eq!(sf.stats().forbidden_403, 1);
}

#[tokio::test]
async fn salesforce_rejects_malformed_soql() {
    let sf = FakeSalesforce::start(Config::default()).await;
    sf.seed(2, 1);
    let t = "2026-11-20T10:00:00.000Z";
    for (q, code) in [
        ("SELEC Id FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE", "MALFORMED_QUERY"),
        ("SELECT Id, Id FROM Account", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account ORDER BY", "MALFORMED_QUERY"),
        (&format!("SELECT Id FROM Account WHERE SystemModstamp = {t} AND Id > '001000000000001AAA' OR SystemModstamp > {t}"), "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE SystemModstamp > 2026-11-20T10:00:00.000+0000", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE Name = 'unterminated", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account LIMIT x", "MALFORMED_QUERY"),
        ("SELECT Id FROM Account WHERE SystemModstamp > '2026-11-20T10:00:00Z'", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE IsDeleted = 'true'", "INVALID_FIELD"),
        ("SELECT Bogus FROM Account", "INVALID_FIELD"),
        ("SELECT Manager.Name FROM Account", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE Id > 'x'", "INVALID_QUERY_FILTER_OPERATOR"),
        ("SELECT Id FROM Acount", "INVALID_TYPE"),
    ] {
        let a = soql(&sf, "query", q).await;
        assert_eq!((a.status, a.error_code()), (400, code.to_string()), "{q}: {}", a.text);
    }
    let missing = get_as(&sf, Some(TOKEN), &format!("{V}/query"), None).await;
    assert_eq!(missing.error_code(), "MALFORMED_QUERY");
    let bad_locator = get_as(&sf, Some(TOKEN), &format!("{V}/query/01gNOPE-2000"), None).await;
    assert_eq!(bad_locator.error_code(), "INVALID_QUERY_LOCATOR");
    assert_eq!(sf.stats().queries, 0);
}

#[tokio::test]
async fn salesforce_faults_hit_the_next_data_requests() {
    let sf = FakeSalesforce::start(small(5)).await;
    sf.seed(3, 1);
    sf.inject(Fault::ServerErrors {
        count: 2,
        status: 503,
    });
    sf.inject(Fault::Malformed { count: 1 });
    let q = "SELECT Id FROM Contact ORDER BY SystemModstamp ASC, Id ASC";
    let a = soql(&sf, "query", q).await;
    assert_eq!(
        (a.status, a.error_code()),
        (503, "SERVER_UNAVAILABLE".to_string())
    );
    assert_eq!(soql(&sf, "query", q).await.status, 503);
    let m = soql(&sf, "query", q).await;
    assert_eq!(m.status, 200);
    assert!(serde_json::from_str::<Value>(&m.text).is_err());
    // A cursor survives a failed continuation: the same nextRecordsUrl works on retry.
    let first = soql(&sf, "query", q).await.json();
    let next = first["nextRecordsUrl"].as_str().unwrap().to_string();
    sf.inject(Fault::ServerErrors {
        count: 1,
        status: 502,
    });
    assert_eq!(get_as(&sf, Some(TOKEN), &next, None).await.status, 502);
    let again = get_as(&sf, Some(TOKEN), &next, None).await.json();
    assert_eq!(
        again["records"].as_array().unwrap().len(),
        5.min(sf.count("Contact", false) - 5)
    );
    assert_eq!(sf.stats().errors_5xx, 3);
}

#[tokio::test]
async fn a_stock_org_has_no_custom_fields_and_describe_says_so() {
    // Stock: neither the mapping's custom fields nor the ones Rapport writes to.
    let sf = FakeSalesforce::start(Config {
        custom_fields: false,
        rapport_fields: false,
        currency: "EUR".into(),
        ..Config::default()
    })
    .await;
    sf.seed(10, 3);
    let d = get_as(
        &sf,
        Some(TOKEN),
        &format!("{V}/sobjects/Account/describe"),
        None,
    )
    .await;
    assert_eq!(d.status, 200, "{}", d.text);
    let names: Vec<String> = d.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.iter().any(|n| n == "AnnualRevenue"));
    assert!(!names.iter().any(|n| n.ends_with("__c")), "{names:?}");
    let bad = soql(&sf, "query", "SELECT Id, ARR__c FROM Account").await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error_code(), "INVALID_FIELD");
    let org = query_all_pages(
        &sf,
        "query",
        "SELECT DefaultCurrencyIsoCode FROM Organization",
    )
    .await;
    assert_eq!(org[0]["DefaultCurrencyIsoCode"], json!("EUR"));
    let types = query_all_pages(&sf, "query", "SELECT Type FROM Opportunity").await;
    assert!(types
        .iter()
        .all(|r| r["Type"].as_str().unwrap().contains("Customer")));
}
