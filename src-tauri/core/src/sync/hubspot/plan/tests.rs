//! The planner driven against a tiny in-memory model of HubSpot's list and search semantics.

use std::collections::{BTreeSet, HashSet};

use super::*;

const NOW: i64 = 1_800_000_000_000;
const HOUR: i64 = 3_600_000;

/// Records `(id, modified ms)`; search sorts by the sort property then id, as HubSpot appears to,
/// and sees only the records the index holds.
#[derive(Clone)]
struct Model {
    records: Vec<(u64, i64)>,
    archived: Vec<u64>,
    not_indexed: HashSet<u64>,
}

impl Model {
    fn new(records: Vec<(u64, i64)>) -> Model {
        Model {
            records,
            archived: vec![],
            not_indexed: HashSet::new(),
        }
    }

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
            } => {
                let keep = |r: &(u64, i64)| {
                    !self.not_indexed.contains(&r.0)
                        && filter_groups.iter().any(|g| {
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
                let page: Vec<_> = hits.iter().copied().take(SEARCH_LIMIT as usize).collect();
                PageMeta {
                    next_after: (page.len() < hits.len()).then(|| page.len().to_string()),
                    records: page,
                }
            }
        }
    }

    /// Runs from `cursor` to `Done`, calling `between` after each search page; returns the ids
    /// read, the number of search and list requests, and the final cursor.
    fn run_with(
        &mut self,
        mut cursor: Cursor,
        mut between: impl FnMut(&mut Model, usize),
    ) -> (BTreeSet<u64>, usize, usize, Cursor) {
        let (mut seen, mut searches, mut lists) = (BTreeSet::new(), 0, 0);
        while let Some(req) = request(&cursor, "hs_lastmodifieddate") {
            let page = self.answer(&req);
            match req {
                Request::Search { .. } => searches += 1,
                Request::List { .. } => lists += 1,
            }
            assert!(searches + lists < 10_000, "the planner does not terminate");
            if !matches!(cursor, Cursor::Archived { .. }) {
                seen.extend(page.records.iter().map(|r| r.0));
            }
            cursor = advance(&cursor, &page);
            if matches!(req, Request::Search { .. }) {
                between(self, searches);
            }
        }
        (seen, searches, lists, cursor)
    }

    fn run(&mut self, cursor: Cursor) -> (BTreeSet<u64>, usize, usize, Cursor) {
        self.run_with(cursor, |_, _| {})
    }
}

/// A run searching from `from_ms` (the mark so far) that does not walk the archive.
fn searching_from(from_ms: i64) -> Cursor {
    Cursor::Search {
        from_ms,
        inclusive: true,
        pass: Pass {
            high_water_ms: from_ms,
            started_ms: NOW,
            walk_archived: false,
            archived_ms: Some(NOW - HOUR),
        },
    }
}

#[test]
fn a_first_backfill_lists_everything_and_the_next_run_searches_from_before_its_start() {
    let mut m = Model::new((1..=250).map(|id| (id, 1_000 + id as i64)).collect());
    m.archived = vec![7, 8];
    let (seen, searches, lists, end) = m.run(Cursor::start(None, false, NOW));
    assert_eq!(seen.len(), 250);
    // 250 records at 100 a page: 3 list pages; nothing local to delete, so no archived walk.
    assert_eq!((searches, lists), (0, 3));
    assert_eq!(
        end,
        Cursor::Done {
            high_water_ms: NOW,
            archived_ms: Some(NOW)
        }
    );
    let next = Cursor::start(Some(end), false, NOW + HOUR);
    assert_eq!(
        request(&next, "hs_lastmodifieddate"),
        Some(Request::Search {
            filter_groups: vec![vec![Filter {
                property_name: "hs_lastmodifieddate".into(),
                operator: "GTE",
                value: (NOW - LOOK_BACK_MS).to_string(),
            }]],
            sort_property: "hs_lastmodifieddate".into(),
        })
    );
}

#[test]
fn a_full_resync_lists_everything_and_walks_the_archive() {
    let mut m = Model::new((1..=150).map(|id| (id, id as i64)).collect());
    m.archived = (500..=620).collect();
    let saved = Cursor::Done {
        high_water_ms: 5,
        archived_ms: Some(NOW - HOUR),
    };
    let (seen, searches, lists, end) = m.run(Cursor::start(Some(saved), true, NOW));
    assert_eq!(seen.len(), 150);
    // 2 list pages of live records, 2 of the 121 archived ones.
    assert_eq!((searches, lists), (0, 4));
    assert_eq!(
        end,
        Cursor::Done {
            high_water_ms: NOW,
            archived_ms: Some(NOW)
        }
    );
}

#[test]
fn an_incremental_run_pages_by_key_and_raises_the_mark() {
    let mut m = Model::new((1..=1_000).map(|id| (id, id as i64 * 10)).collect());
    // From 4,510 ms: ids 451..=1000 (550 records). Page 1: 451..=650, last at 6,500; page 2 from
    // 6,500: 650..=849 (650 again); page 3 from 8,490: 849..=1000, 152 records, the last page.
    let (seen, searches, lists, end) = m.run(searching_from(4_510));
    assert_eq!(seen, (451..=1_000).collect());
    assert_eq!((searches, lists), (3, 0), "the archive is not due");
    assert_eq!(
        end,
        Cursor::Done {
            high_water_ms: 10_000,
            archived_ms: Some(NOW - HOUR)
        }
    );
}

#[test]
fn records_edited_while_the_search_is_paged_push_nothing_past_a_page() {
    let mut m = Model::new((1..=600).map(|id| (id, 1_000 + id as i64)).collect());
    // After the first page, ids 1, 2 and 3 are edited again and move to the end of the sort. With
    // offset paging the second page (offset 200) would start at id 204: 201..=203 never read.
    let (seen, searches, _, end) = m.run_with(searching_from(0), |m, searches| {
        if searches == 1 {
            for r in m.records.iter_mut().filter(|r| r.0 <= 3) {
                r.1 = 100_000;
            }
        }
    });
    assert_eq!(seen, (1..=600).collect());
    // From 0: 1..=200; from 1,200: 200..=399; from 1,399: 399..=598; from 1,598: 598..=600 then
    // 1, 2, 3 at 100,000, six records on the last page.
    assert_eq!(searches, 4);
    assert!(matches!(
        end,
        Cursor::Done {
            high_water_ms: 100_000,
            ..
        }
    ));
}

#[test]
fn the_look_back_finds_what_the_index_showed_late() {
    // Forty changes after the previous run's mark, every other one not indexed yet.
    let t0 = NOW;
    let mut m = Model::new((1..=40).map(|id| (id, t0 + id as i64 * 10)).collect());
    m.not_indexed = (1..=40).filter(|id| id % 2 == 1).collect();
    let (seen, _, _, end) = m.run(searching_from(NOW));
    assert_eq!(seen, (2..=40).step_by(2).collect());
    assert!(matches!(end, Cursor::Done { high_water_ms, .. } if high_water_ms == t0 + 400));
    // The odd ones reach the index; the next run starts five minutes before the mark.
    m.not_indexed.clear();
    let (seen, ..) = m.run(Cursor::start(Some(end), false, NOW + HOUR));
    assert_eq!(seen, (1..=40).collect());
}

#[test]
fn more_than_a_page_at_one_timestamp_is_walked_by_id() {
    // 10 early records, 12,000 modified in the same millisecond, 5 later ones.
    let mut records: Vec<(u64, i64)> = (1..=10).map(|id| (id, id as i64)).collect();
    records.extend((100..12_100).map(|id| (id, 100)));
    records.extend((20_000..20_005).map(|id| (id, 200 + id as i64 - 20_000)));
    let mut m = Model::new(records);
    let (seen, searches, _, end) = m.run(searching_from(0));
    assert_eq!(seen.len(), 12_015);
    // From 0: ids 1..=10 and 190 at 100; from 100: a full page all at 100 → walk by id: 60 full
    // pages and an empty one → after 100: the 5 later ones. 1 + 1 + 61 + 1 = 64 searches.
    assert_eq!(searches, 64);
    assert!(matches!(
        end,
        Cursor::Done {
            high_water_ms: 204,
            ..
        }
    ));
}

#[test]
fn a_saved_cursor_resumes_to_the_same_result() {
    let mut records: Vec<(u64, i64)> = (1..=3_000).map(|id| (id, id as i64 / 3)).collect();
    records.extend((5_000..6_000).map(|id| (id, 2_000)));
    let mut m = Model::new(records);
    let (all, ..) = m.run(searching_from(0));
    // Stop after 9 pages, save and reload the cursor as JSON, continue.
    let mut cursor = searching_from(0);
    let mut seen = BTreeSet::new();
    for _ in 0..9 {
        let page = m.answer(&request(&cursor, "hs_lastmodifieddate").unwrap());
        seen.extend(page.records.iter().map(|r| r.0));
        cursor = advance(&cursor, &page);
    }
    assert!(matches!(
        cursor,
        Cursor::Search { .. } | Cursor::Walk { .. }
    ));
    let saved = serde_json::to_string(&cursor).unwrap();
    let cursor: Cursor = serde_json::from_str(&saved).unwrap();
    let (rest, ..) = m.run(Cursor::start(Some(cursor), false, NOW));
    seen.extend(rest);
    assert_eq!(seen, all);
    assert_eq!(all.len(), 4_000);
}

#[test]
fn the_archive_is_walked_once_a_day() {
    let mut m = Model::new(vec![(1, 10)]);
    m.archived = vec![9];
    let done = |archived_ms| Cursor::Done {
        high_water_ms: 10,
        archived_ms,
    };
    // Walked an hour ago: not again.
    let (_, searches, lists, end) = m.run(Cursor::start(Some(done(Some(NOW - HOUR))), false, NOW));
    assert_eq!((searches, lists), (1, 0));
    assert_eq!(end, done(Some(NOW - HOUR)));
    // 24 hours ago, or never recorded (a cursor saved before this rule): walked, and the walk
    // is stamped with this run's start.
    for when in [Some(NOW - 24 * HOUR), None] {
        let (_, searches, lists, end) = m.run(Cursor::start(Some(done(when)), false, NOW));
        assert_eq!((searches, lists), (1, 1));
        assert_eq!(end, done(Some(NOW)));
    }
}

#[test]
fn a_cursor_saved_by_an_earlier_version_still_reads() {
    let old: Cursor = serde_json::from_str(r#"{"phase":"done","high_water_ms":1234}"#).unwrap();
    assert_eq!(
        old,
        Cursor::Done {
            high_water_ms: 1234,
            archived_ms: None
        }
    );
}
