//! The planner driven against a tiny in-memory model of HubSpot's list and search semantics.

use super::*;

/// Records `(id, modified ms)`; search sorts by the sort property then id, as HubSpot appears to.
struct Model {
    records: Vec<(u64, i64)>,
    archived: Vec<u64>,
}

impl Model {
    fn answer(&self, req: &Request) -> PageMeta {
        match req {
            Request::List { archived, after } => {
                let mut ids: Vec<(u64, i64)> = if *archived {
                    self.archived.iter().map(|&id| (id, 0)).collect()
                } else {
                    self.records.clone()
                };
                ids.sort();
                let from = after.as_deref().map_or(0, |a| a.parse::<u64>().unwrap());
                let page: Vec<(u64, i64)> = ids
                    .into_iter()
                    .filter(|r| r.0 > from)
                    .take(LIST_LIMIT as usize + 1)
                    .collect();
                let more = page.len() > LIST_LIMIT as usize;
                let page: Vec<_> = page.into_iter().take(LIST_LIMIT as usize).collect();
                PageMeta {
                    next_after: more.then(|| page.last().unwrap().0.to_string()),
                    records: page,
                }
            }
            Request::Search {
                filter_groups,
                sort_property,
                after,
            } => {
                assert!(*after < SEARCH_CAP, "the planner paged past the 10,000 cap");
                let keep = |r: &(u64, i64)| {
                    filter_groups.iter().any(|g| {
                        g.iter().all(|f| {
                            let v: i64 = f.value.parse().unwrap();
                            let x = if f.property_name == "hs_object_id" {
                                r.0 as i64
                            } else {
                                r.1
                            };
                            match f.operator {
                                "EQ" => x == v,
                                "GT" => x > v,
                                "GTE" => x >= v,
                                op => panic!("unexpected operator {op}"),
                            }
                        })
                    })
                };
                let mut hits: Vec<(u64, i64)> = self.records.iter().copied().filter(keep).collect();
                if sort_property == "hs_object_id" {
                    hits.sort();
                } else {
                    hits.sort_by_key(|r| (r.1, r.0));
                }
                let start = *after as usize;
                let page: Vec<_> = hits
                    .iter()
                    .copied()
                    .skip(start)
                    .take(SEARCH_LIMIT as usize)
                    .collect();
                let next = start + page.len();
                PageMeta {
                    next_after: (next < hits.len()).then(|| next.to_string()),
                    records: page,
                }
            }
        }
    }

    /// Runs from `cursor` to `Done`; returns the ids seen, the number of search and list
    /// requests, and the final cursor.
    fn run(&self, mut cursor: Cursor) -> (std::collections::BTreeSet<u64>, usize, usize, Cursor) {
        let (mut seen, mut searches, mut lists) = (Default::default(), 0, 0);
        let seen: &mut std::collections::BTreeSet<u64> = &mut seen;
        while let Some(req) = request(&cursor, "hs_lastmodifieddate") {
            match req {
                Request::Search { .. } => searches += 1,
                Request::List { .. } => lists += 1,
            }
            assert!(searches + lists < 10_000, "the planner does not terminate");
            let page = self.answer(&req);
            if !matches!(cursor, Cursor::Archived { .. }) {
                seen.extend(page.records.iter().map(|r| r.0));
            }
            cursor = advance(&cursor, &page);
        }
        (seen.clone(), searches, lists, cursor)
    }
}

fn searching_from(ms: i64) -> Cursor {
    Cursor::start(Some(Cursor::Done { high_water_ms: ms }), false, 0)
}

#[test]
fn backfill_lists_everything_then_the_archive_then_searches_from_its_start() {
    let m = Model {
        records: (1..=250).map(|id| (id, 1_000 + id as i64)).collect(),
        archived: vec![7, 8],
    };
    let start = Cursor::start(None, false, 10_000_000);
    let (seen, searches, lists, end) = m.run(start);
    assert_eq!(seen.len(), 250);
    // 250 records at 100 a page: 3 list pages, then 1 archived page.
    assert_eq!((searches, lists), (0, 4));
    assert_eq!(
        end,
        Cursor::Done {
            high_water_ms: 10_000_000 - LOOK_BACK_MS
        }
    );
    // The next sync searches from that mark, inclusive.
    let next = Cursor::start(Some(end), false, 0);
    assert_eq!(
        request(&next, "hs_lastmodifieddate"),
        Some(Request::Search {
            filter_groups: vec![vec![Filter {
                property_name: "hs_lastmodifieddate".into(),
                operator: "GTE",
                value: (10_000_000 - LOOK_BACK_MS).to_string(),
            }]],
            sort_property: "hs_lastmodifieddate".into(),
            after: 0,
        })
    );
}

#[test]
fn incremental_fetches_only_what_changed_and_raises_the_mark() {
    let m = Model {
        records: (1..=1_000).map(|id| (id, id as i64 * 10)).collect(),
        archived: vec![],
    };
    // Records 451..=1000 are modified at or after 4,510 ms: 550 of them, 3 pages of 200.
    let (seen, searches, lists, end) = m.run(searching_from(4_510));
    assert_eq!(seen, (451..=1_000).collect());
    assert_eq!((searches, lists), (3, 1));
    assert_eq!(
        end,
        Cursor::Done {
            high_water_ms: 10_000
        }
    );
    // Nothing changed since: one empty search, one archived page, same mark.
    let (seen, searches, _, end) = m.run(Cursor::start(Some(end), false, 0));
    assert_eq!(
        seen,
        [1_000].into_iter().collect(),
        "the record at the mark is re-read"
    );
    assert_eq!(searches, 1);
    assert_eq!(
        end,
        Cursor::Done {
            high_water_ms: 10_000
        }
    );
}

#[test]
fn the_ten_thousand_cap_restarts_from_the_last_timestamp() {
    // 25,000 records at distinct times: windows restart instead of paging past 10,000.
    let m = Model {
        records: (1..=25_000).map(|id| (id, id as i64)).collect(),
        archived: vec![],
    };
    let (seen, searches, _, end) = m.run(searching_from(0));
    assert_eq!(seen.len(), 25_000);
    // Window 1: ids 1..=10,000 (50 pages); window 2 from 10,000 inclusive re-reads id 10,000:
    // ids 10,000..=19,999 (50 pages); window 3 from 19,999: ids 19,999..=25,000, 5,002 records
    // in 26 pages. 126 searches.
    assert_eq!(searches, 126);
    assert_eq!(
        end,
        Cursor::Done {
            high_water_ms: 25_000
        }
    );
}

#[test]
fn more_than_ten_thousand_at_one_timestamp_are_walked_by_id() {
    // 10 early records, 12,000 modified in the same millisecond, 5 later ones.
    let mut records: Vec<(u64, i64)> = (1..=10).map(|id| (id, id as i64)).collect();
    records.extend((100..12_100).map(|id| (id, 100)));
    records.extend((20_000..20_005).map(|id| (id, 200 + id as i64 - 20_000)));
    let m = Model {
        records,
        archived: vec![],
    };
    let (seen, searches, _, end) = m.run(searching_from(0));
    assert_eq!(seen.len(), 12_015);
    // 50 pages to the cap (last timestamp 100 > first 1) → restart at 100: 50 more pages all at
    // 100 → walk by id: 60 full pages + 1 empty → search after 100: 1 page of 5. 162 searches.
    assert_eq!(searches, 162);
    assert_eq!(end, Cursor::Done { high_water_ms: 204 });
}

#[test]
fn a_saved_cursor_resumes_to_the_same_result() {
    let mut records: Vec<(u64, i64)> = (1..=3_000).map(|id| (id, id as i64 / 3)).collect();
    records.extend((5_000..16_000).map(|id| (id, 2_000)));
    let m = Model {
        records,
        archived: vec![3],
    };
    let (all, ..) = m.run(searching_from(0));
    // Stop after 73 pages, save and reload the cursor as JSON, continue.
    let mut cursor = searching_from(0);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..73 {
        let page = m.answer(&request(&cursor, "hs_lastmodifieddate").unwrap());
        seen.extend(page.records.iter().map(|r| r.0));
        cursor = advance(&cursor, &page);
    }
    let saved = serde_json::to_string(&cursor).unwrap();
    let cursor: Cursor = serde_json::from_str(&saved).unwrap();
    let (rest, ..) = m.run(Cursor::start(Some(cursor), false, 0));
    seen.extend(rest);
    assert_eq!(seen, all);
    assert_eq!(all.len(), 14_000);
}

#[test]
fn a_full_resync_starts_over_with_a_backfill() {
    let c = Cursor::start(Some(Cursor::Done { high_water_ms: 5 }), true, 42);
    assert_eq!(
        c,
        Cursor::Backfill {
            after: None,
            started_ms: 42
        }
    );
}
