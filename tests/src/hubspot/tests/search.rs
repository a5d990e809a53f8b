//! The fake's search endpoint: filters and sorts, the 10,000-result cap, a lagging index and
//! records touched while a search is paged.

use serde_json::{json, Value};

use super::*;

fn modified_filter(prop: &str, op: &str, value: &str) -> Value {
    json!([{"filters": [{"propertyName": prop, "operator": op, "value": value}]}])
}

#[tokio::test]
async fn search_filters_and_sorts_ascending() {
    let hs = FakeHubSpot::start(Config::default()).await;
    let base = base_time_ms();
    // 500 companies; modified times shuffled so id order differs from time order; pairs share one.
    hs.seed_bulk("companies", 500, 1001, |i| {
        base - ((i * 7919) % 500 / 2) as i64 * 60_000
    });
    let cut = base - 100 * 60_000;
    let expected = (0..500)
        .filter(|i| base - ((i * 7919) % 500 / 2) as i64 * 60_000 >= cut)
        .count();
    for value in [cut.to_string(), iso(cut)] {
        let mut seen: Vec<(i64, u64)> = Vec::new();
        let mut after = "0".to_string();
        loop {
            let page = post(
                &hs,
                "/crm/v3/objects/companies/search",
                json!({
                    "filterGroups": modified_filter("hs_lastmodifieddate", "GTE", &value),
                    "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
                    "properties": ["name"],
                    "limit": 50,
                    "after": after,
                }),
            )
            .await
            .json();
            assert_eq!(page["total"], expected);
            for r in page["results"].as_array().unwrap() {
                let t =
                    parse_time(r["properties"]["hs_lastmodifieddate"].as_str().unwrap()).unwrap();
                seen.push((t, r["id"].as_str().unwrap().parse().unwrap()));
            }
            match page["paging"]["next"]["after"].as_str() {
                Some(a) => after = a.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), expected);
        assert!(seen.iter().all(|(t, _)| *t >= cut));
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "ascending, ties by id"
        );
    }

    // Descending, OR-ed groups, IN and numeric comparison on hs_object_id.
    let page = post(
        &hs,
        "/crm/v3/objects/companies/search",
        json!({
            "filterGroups": [
                {"filters": [{"propertyName": "hs_object_id", "operator": "LTE", "value": "1003"}]},
                {"filters": [{"propertyName": "hs_object_id", "operator": "IN", "values": ["1400", "1500"]}]},
            ],
            "sorts": [{"propertyName": "hs_object_id", "direction": "DESCENDING"}],
        }),
    )
    .await
    .json();
    assert_eq!(ids_of(&page), [1500, 1400, 1003, 1002, 1001]);
    assert!(page.get("paging").is_none());

    // Contacts carry `lastmodifieddate`, not `hs_lastmodifieddate`.
    hs.upsert("contacts", 2_000_001, &[("email", "a@b.c")], base);
    let by_new = post(
        &hs,
        "/crm/v3/objects/contacts/search",
        json!({"filterGroups": modified_filter("lastmodifieddate", "GTE", &base.to_string())}),
    )
    .await
    .json();
    assert_eq!(by_new["total"], 1);
    assert_eq!(
        by_new["results"][0]["properties"]["lastmodifieddate"],
        iso(base)
    );
    let by_old = post(
        &hs,
        "/crm/v3/objects/contacts/search",
        json!({"filterGroups": modified_filter("hs_lastmodifieddate", "GTE", "0")}),
    )
    .await
    .json();
    assert_eq!(by_old["total"], 0);

    let two_sorts = post(
        &hs,
        "/crm/v3/objects/companies/search",
        json!({"sorts": [{"propertyName": "name"}, {"propertyName": "hs_object_id"}]}),
    )
    .await;
    assert_eq!(two_sorts.status, 400);
    let too_big = post(
        &hs,
        "/crm/v3/objects/companies/search",
        json!({"limit": 201}),
    )
    .await;
    assert_eq!(too_big.status, 400);
}

#[tokio::test]
async fn search_stops_at_ten_thousand_results() {
    let hs = FakeHubSpot::start(Config::default()).await;
    let ts = base_time_ms() - 3_600_000;
    hs.seed_bulk("companies", 12_000, 1, |_| ts);
    let query = |after: &str| {
        json!({
            "filterGroups": modified_filter("hs_lastmodifieddate", "GTE", &ts.to_string()),
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "limit": 200,
            "after": after,
        })
    };
    let last_ok = post(&hs, "/crm/v3/objects/companies/search", query("9800"))
        .await
        .json();
    assert_eq!(last_ok["total"], 12_000);
    assert_eq!(last_ok["results"].as_array().unwrap().len(), 200);
    assert_eq!(last_ok["paging"]["next"]["after"], "10000");

    let capped = post(&hs, "/crm/v3/objects/companies/search", query("10000")).await;
    assert_eq!(capped.status, 400);
    let body = capped.json();
    assert_eq!(body["status"], "error");
    assert_eq!(body["message"], "There was a problem with the request.");
    assert_eq!(body["category"], "VALIDATION_ERROR");
    assert_eq!(
        body["errors"][0]["message"],
        "Search results are limited to 10,000 total results. Please narrow your search."
    );
    assert_eq!(hs.stats().cap_400, 1);

    // The way out when one timestamp holds more than 10k records: walk by hs_object_id.
    let rest = post(
        &hs,
        "/crm/v3/objects/companies/search",
        json!({
            "filterGroups": [{"filters": [
                {"propertyName": "hs_lastmodifieddate", "operator": "EQ", "value": ts.to_string()},
                {"propertyName": "hs_object_id", "operator": "GT", "value": "11900"},
            ]}],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "limit": 200,
        }),
    )
    .await
    .json();
    assert_eq!(rest["total"], 100);
    assert_eq!(ids_of(&rest), (11_901..=12_000).collect::<Vec<u64>>());
}

fn search_body(prop: &str, from: i64) -> Value {
    json!({
        "filterGroups": modified_filter(prop, "GTE", &from.to_string()),
        "sorts": [{"propertyName": prop, "direction": "ASCENDING"}],
        "properties": ["name"],
        "limit": 200,
    })
}

#[tokio::test]
async fn a_lagging_search_index_shows_writes_late_and_lists_do_not() {
    let hs = FakeHubSpot::start(Config::default()).await;
    hs.seed_bulk("companies", 3, 1001, |i| 1_000 + i as i64);
    hs.set_search_lag(400);
    // A new record and an edit, both after the lag was set.
    hs.upsert("companies", 1004, &[("name", "New")], 5_000);
    hs.upsert("companies", 1001, &[("name", "Renamed")], 6_000);
    let page = post(
        &hs,
        "/crm/v3/objects/companies/search",
        search_body("hs_lastmodifieddate", 0),
    )
    .await
    .json();
    assert_eq!(
        ids_of(&page),
        vec![1001, 1002, 1003],
        "the new one is not indexed yet"
    );
    assert_eq!(
        page["results"][0]["properties"]["name"], "Company 1001",
        "the old version"
    );
    let list = get(&hs, "/crm/v3/objects/companies?limit=10&properties=name")
        .await
        .json();
    assert_eq!(ids_of(&list), vec![1001, 1002, 1003, 1004]);
    tokio::time::sleep(Duration::from_millis(450)).await;
    let page = post(
        &hs,
        "/crm/v3/objects/companies/search",
        search_body("hs_lastmodifieddate", 0),
    )
    .await
    .json();
    assert_eq!(
        ids_of(&page),
        vec![1002, 1003, 1004, 1001],
        "sorted by the new times"
    );
    assert_eq!(page["results"][3]["properties"]["name"], "Renamed");
}

#[tokio::test]
async fn records_touched_during_a_search_move_to_the_end_of_the_sort() {
    let hs = FakeHubSpot::start(Config::default()).await;
    hs.seed_bulk("companies", 5, 1001, |i| 1_000 + i as i64);
    hs.touch_during_search("companies", 1, &[1001]);
    let first = post(
        &hs,
        "/crm/v3/objects/companies/search",
        search_body("hs_lastmodifieddate", 0),
    )
    .await
    .json();
    assert_eq!(ids_of(&first), vec![1001, 1002, 1003, 1004, 1005]);
    let second = post(
        &hs,
        "/crm/v3/objects/companies/search",
        search_body("hs_lastmodifieddate", 0),
    )
    .await
    .json();
    assert_eq!(ids_of(&second), vec![1002, 1003, 1004, 1005, 1001]);
    let touched: i64 =
        parse_time(&hs.get("companies", 1001).unwrap()["hs_lastmodifieddate"]).unwrap();
    assert!(touched > 1_700_000_000_000, "modified at the wall clock");
}
