//! Sync planning, pure (Atuin's pattern): a cursor plus what a fetched page said give the next
//! cursor and the next request. No network, no database, no clock: "now" is passed in.
//!
//! HubSpot: the first sync walks the list endpoint; later syncs search on the last-modified
//! property in ascending order. Search stops at 10,000 results per query, so at the cap the
//! query restarts from the last timestamp seen; when the whole 10,000 share one timestamp that
//! restart would return the same page forever, so those records are walked by `hs_object_id`.
//! Every pass ends with a walk of the archived list, which marks deleted records.

use serde::{Deserialize, Serialize};

/// HubSpot search answers 400 for any page at or past this offset.
pub const SEARCH_CAP: u32 = 10_000;
/// Records per search page (HubSpot's maximum).
pub const SEARCH_LIMIT: u32 = 200;
/// Records per list page (HubSpot's maximum).
pub const LIST_LIMIT: u32 = 100;
/// How far before a backfill's start the next incremental search begins, for clock skew and
/// HubSpot's search index lagging behind writes.
pub const LOOK_BACK_MS: i64 = 5 * 60 * 1000;

/// Where one object type's sync stands; saved with each page's rows in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Cursor {
    /// First sync: walking the list endpoint from `after`.
    Backfill {
        after: Option<String>,
        started_ms: i64,
    },
    /// Incremental: records modified at or after (`inclusive`) or after `from_ms`, `offset` into
    /// the query. `window_first_ms` is the timestamp of the query's first record.
    Search {
        from_ms: i64,
        inclusive: bool,
        offset: u32,
        window_first_ms: Option<i64>,
        high_water_ms: i64,
    },
    /// More than a search window of records modified at exactly `at_ms`: walk them by id.
    Walk {
        at_ms: i64,
        after_id: u64,
        high_water_ms: i64,
    },
    /// Marking deleted records from the archived list, then done with `high_water_ms`.
    Archived {
        after: Option<String>,
        high_water_ms: i64,
    },
    /// Up to date as of `high_water_ms`; the next sync searches from there.
    Done { high_water_ms: i64 },
}

impl Cursor {
    /// The cursor a sync starts from: a fresh backfill, a full resync, or the saved one.
    pub fn start(saved: Option<Cursor>, full: bool, now_ms: i64) -> Cursor {
        match saved {
            Some(Cursor::Done { high_water_ms }) if !full => Cursor::Search {
                from_ms: high_water_ms,
                inclusive: true,
                offset: 0,
                window_first_ms: None,
                high_water_ms,
            },
            // A run that stopped mid-way resumes where it stood.
            Some(c) if !full => c,
            _ => Cursor::Backfill {
                after: None,
                started_ms: now_ms,
            },
        }
    }

    pub fn is_done(&self) -> bool {
        matches!(self, Cursor::Done { .. })
    }
}

/// A search filter: `property operator value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    pub property_name: String,
    pub operator: &'static str,
    pub value: String,
}

/// The next HTTP request for one object type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    List {
        archived: bool,
        after: Option<String>,
    },
    Search {
        /// Groups are ORed, filters inside a group ANDed.
        filter_groups: Vec<Vec<Filter>>,
        sort_property: String,
        after: u32,
    },
}

/// What the engine learned from a page, reduced to what planning needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageMeta {
    /// `(id, last-modified ms)` of each record, in the page's order.
    pub records: Vec<(u64, i64)>,
    /// `paging.next.after`, if the server offered another page.
    pub next_after: Option<String>,
}

/// The request that continues `cursor` (never called on `Done`).
pub fn request(cursor: &Cursor, modified_prop: &str) -> Option<Request> {
    let f = |op: &'static str, prop: &str, v: String| Filter {
        property_name: prop.to_string(),
        operator: op,
        value: v,
    };
    match cursor {
        Cursor::Backfill { after, .. } => Some(Request::List {
            archived: false,
            after: after.clone(),
        }),
        Cursor::Search {
            from_ms,
            inclusive,
            offset,
            ..
        } => Some(Request::Search {
            filter_groups: vec![vec![f(
                if *inclusive { "GTE" } else { "GT" },
                modified_prop,
                from_ms.to_string(),
            )]],
            sort_property: modified_prop.to_string(),
            after: *offset,
        }),
        Cursor::Walk {
            at_ms, after_id, ..
        } => Some(Request::Search {
            filter_groups: vec![vec![
                f("EQ", modified_prop, at_ms.to_string()),
                f("GT", "hs_object_id", after_id.to_string()),
            ]],
            sort_property: "hs_object_id".into(),
            after: 0,
        }),
        Cursor::Archived { after, .. } => Some(Request::List {
            archived: true,
            after: after.clone(),
        }),
        Cursor::Done { .. } => None,
    }
}

/// The cursor after `page` was stored.
pub fn advance(cursor: &Cursor, page: &PageMeta) -> Cursor {
    let page_max = page.records.iter().map(|r| r.1).max();
    match cursor {
        Cursor::Backfill { started_ms, .. } => match &page.next_after {
            Some(next) => Cursor::Backfill {
                after: Some(next.clone()),
                started_ms: *started_ms,
            },
            None => Cursor::Archived {
                after: None,
                high_water_ms: started_ms - LOOK_BACK_MS,
            },
        },
        Cursor::Search {
            from_ms,
            inclusive,
            offset,
            window_first_ms,
            high_water_ms,
        } => {
            let high_water_ms = page_max.map_or(*high_water_ms, |m| m.max(*high_water_ms));
            let window_first_ms = window_first_ms.or(page.records.first().map(|r| r.1));
            let next_offset = offset + page.records.len() as u32;
            match (&page.next_after, page.records.last()) {
                (Some(_), Some(&(_, last_ms))) if next_offset >= SEARCH_CAP => {
                    if window_first_ms.is_some_and(|first| last_ms > first) {
                        // Restart the query at the last timestamp; the records at that
                        // timestamp already stored are fetched again and upserted unchanged.
                        Cursor::Search {
                            from_ms: last_ms,
                            inclusive: true,
                            offset: 0,
                            window_first_ms: None,
                            high_water_ms,
                        }
                    } else {
                        Cursor::Walk {
                            at_ms: last_ms,
                            after_id: 0,
                            high_water_ms,
                        }
                    }
                }
                (Some(_), Some(_)) => Cursor::Search {
                    from_ms: *from_ms,
                    inclusive: *inclusive,
                    offset: next_offset,
                    window_first_ms,
                    high_water_ms,
                },
                _ => Cursor::Archived {
                    after: None,
                    high_water_ms,
                },
            }
        }
        Cursor::Walk {
            at_ms,
            high_water_ms,
            ..
        } => match page.records.last() {
            Some(&(last_id, _)) if page.records.len() as u32 >= SEARCH_LIMIT => Cursor::Walk {
                at_ms: *at_ms,
                after_id: last_id,
                high_water_ms: *high_water_ms,
            },
            _ => Cursor::Search {
                from_ms: *at_ms,
                inclusive: false,
                offset: 0,
                window_first_ms: None,
                high_water_ms: *high_water_ms,
            },
        },
        Cursor::Archived {
            high_water_ms,
            after: _,
        } => match &page.next_after {
            Some(next) => Cursor::Archived {
                after: Some(next.clone()),
                high_water_ms: *high_water_ms,
            },
            None => Cursor::Done {
                high_water_ms: *high_water_ms,
            },
        },
        Cursor::Done { .. } => cursor.clone(),
    }
}

#[cfg(test)]
mod tests;
