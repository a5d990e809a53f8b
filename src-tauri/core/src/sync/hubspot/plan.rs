//! HubSpot sync planning, pure (Atuin's pattern): a cursor plus what a fetched page said give
//! the next cursor and the next request. No network, no database, no clock: "now" is passed in.
//!
//! The first sync walks the list endpoint. Later syncs search on the last-modified property,
//! ascending, paging by key and never by offset: each page restarts the search from the last
//! timestamp it read (records at that timestamp are read again and upserted unchanged), so a
//! record edited while the search is paged can never push another one past a page boundary, and
//! HubSpot's 10,000-result cap is never reached. When a whole page shares one timestamp the
//! restart would return the same page forever, so those records are walked by `hs_object_id`.
//! Every run starts [`LOOK_BACK_MS`] before the previous high-water mark, because HubSpot's
//! search index shows writes seconds (reportedly up to a minute) late. The archived lists, which
//! only grow, are walked once a day and on a full resync.

use serde::{Deserialize, Serialize};

/// Records per search page (HubSpot's maximum).
pub const SEARCH_LIMIT: u32 = 200;
/// Records per list page (HubSpot's maximum).
pub const LIST_LIMIT: u32 = 100;
/// How far before the previous run's high-water mark a run starts searching.
pub const LOOK_BACK_MS: i64 = 5 * 60 * 1000;
/// How often the archived lists are walked (and on every full resync).
pub const ARCHIVED_EVERY_MS: i64 = 24 * 60 * 60 * 1000;

/// What one run of one object type carries from page to page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    /// Newest last-modified time read so far.
    pub high_water_ms: i64,
    /// When this run started.
    pub started_ms: i64,
    /// Whether this run ends with a walk of the archived list.
    pub walk_archived: bool,
    /// When the archived list was last walked to the end.
    pub archived_ms: Option<i64>,
}

/// Where one object type's sync stands; saved with each page's rows in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum Cursor {
    /// Walking the list endpoint from `after` (first sync, full resync).
    Backfill {
        after: Option<String>,
        started_ms: i64,
        /// A full resync also walks the archived list; a first sync has nothing to delete.
        #[serde(default)]
        walk_archived: bool,
    },
    /// Searching records modified at or after (`inclusive`) or after `from_ms`.
    Search {
        from_ms: i64,
        inclusive: bool,
        #[serde(flatten)]
        pass: Pass,
    },
    /// More than a page of records modified at exactly `at_ms`: walk them by id.
    Walk {
        at_ms: i64,
        after_id: u64,
        #[serde(flatten)]
        pass: Pass,
    },
    /// Marking deleted records from the archived list.
    Archived {
        after: Option<String>,
        #[serde(flatten)]
        pass: Pass,
    },
    /// Up to date as of `high_water_ms`.
    Done {
        high_water_ms: i64,
        #[serde(default)]
        archived_ms: Option<i64>,
    },
}

impl Cursor {
    /// The cursor a run starts from at `now_ms`: a fresh backfill, a full resync, a resumed
    /// run, or a search from a little before the previous high-water mark.
    pub fn start(saved: Option<Cursor>, full: bool, now_ms: i64) -> Cursor {
        match saved {
            Some(Cursor::Done {
                high_water_ms,
                archived_ms,
            }) if !full => Cursor::Search {
                from_ms: high_water_ms - LOOK_BACK_MS,
                inclusive: true,
                pass: Pass {
                    high_water_ms,
                    started_ms: now_ms,
                    walk_archived: archived_ms.is_none_or(|a| now_ms - a >= ARCHIVED_EVERY_MS),
                    archived_ms,
                },
            },
            // A run that stopped mid-way resumes where it stood.
            Some(c) if !full => c,
            saved => Cursor::Backfill {
                after: None,
                started_ms: now_ms,
                walk_archived: saved.is_some(),
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
    /// Always the first page of the query: paging is by key.
    Search {
        /// Groups are ORed, filters inside a group ANDed.
        filter_groups: Vec<Vec<Filter>>,
        sort_property: String,
    },
}

/// What the connector learned from a page, reduced to what planning needs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageMeta {
    /// `(id, last-modified ms)` of each record, in the page's order.
    pub records: Vec<(u64, i64)>,
    /// `paging.next.after`, if the server offered another page.
    pub next_after: Option<String>,
}

/// The request that continues `cursor`; `None` once done.
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
            from_ms, inclusive, ..
        } => Some(Request::Search {
            filter_groups: vec![vec![f(
                if *inclusive { "GTE" } else { "GT" },
                modified_prop,
                from_ms.to_string(),
            )]],
            sort_property: modified_prop.to_string(),
        }),
        Cursor::Walk {
            at_ms, after_id, ..
        } => Some(Request::Search {
            filter_groups: vec![vec![
                f("EQ", modified_prop, at_ms.to_string()),
                f("GT", "hs_object_id", after_id.to_string()),
            ]],
            sort_property: "hs_object_id".into(),
        }),
        Cursor::Archived { after, .. } => Some(Request::List {
            archived: true,
            after: after.clone(),
        }),
        Cursor::Done { .. } => None,
    }
}

/// After the changes: the archived list when due, else done.
fn end_of_changes(pass: Pass) -> Cursor {
    if pass.walk_archived {
        Cursor::Archived { after: None, pass }
    } else {
        Cursor::Done {
            high_water_ms: pass.high_water_ms,
            archived_ms: pass.archived_ms,
        }
    }
}

/// The cursor after `page` was stored.
pub fn advance(cursor: &Cursor, page: &PageMeta) -> Cursor {
    let page_max = page.records.iter().map(|r| r.1).max();
    let raise = |pass: &Pass| Pass {
        high_water_ms: page_max.map_or(pass.high_water_ms, |m| m.max(pass.high_water_ms)),
        ..*pass
    };
    match cursor {
        Cursor::Backfill {
            started_ms,
            walk_archived,
            ..
        } => match &page.next_after {
            Some(next) => Cursor::Backfill {
                after: Some(next.clone()),
                started_ms: *started_ms,
                walk_archived: *walk_archived,
            },
            // Records modified while the list was walked are found by the next search.
            None => {
                let pass = Pass {
                    high_water_ms: *started_ms,
                    started_ms: *started_ms,
                    walk_archived: *walk_archived,
                    archived_ms: None,
                };
                if *walk_archived {
                    Cursor::Archived { after: None, pass }
                } else {
                    // A first backfill only saw live records: nothing local to mark deleted.
                    Cursor::Done {
                        high_water_ms: *started_ms,
                        archived_ms: Some(*started_ms),
                    }
                }
            }
        },
        Cursor::Search {
            from_ms,
            inclusive,
            pass,
        } => {
            let pass = raise(pass);
            match (&page.next_after, page.records.last()) {
                // The whole page sits at the timestamp it started from: walk that instant by id.
                (Some(_), Some(&(_, last_ms))) if *inclusive && last_ms <= *from_ms => {
                    Cursor::Walk {
                        at_ms: *from_ms,
                        after_id: 0,
                        pass,
                    }
                }
                // Restart from the last timestamp read.
                (Some(_), Some(&(_, last_ms))) => Cursor::Search {
                    from_ms: last_ms,
                    inclusive: true,
                    pass,
                },
                _ => end_of_changes(pass),
            }
        }
        Cursor::Walk { at_ms, pass, .. } => {
            let pass = raise(pass);
            match page.records.last() {
                Some(&(last_id, _)) if page.records.len() as u32 >= SEARCH_LIMIT => Cursor::Walk {
                    at_ms: *at_ms,
                    after_id: last_id,
                    pass,
                },
                _ => Cursor::Search {
                    from_ms: *at_ms,
                    inclusive: false,
                    pass,
                },
            }
        }
        Cursor::Archived { pass, .. } => match &page.next_after {
            Some(next) => Cursor::Archived {
                after: Some(next.clone()),
                pass: *pass,
            },
            None => Cursor::Done {
                high_water_ms: pass.high_water_ms,
                archived_ms: Some(pass.started_ms),
            },
        },
        Cursor::Done { .. } => cursor.clone(),
    }
}

#[cfg(test)]
mod tests;
