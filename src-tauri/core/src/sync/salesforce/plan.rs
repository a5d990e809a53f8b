//! Salesforce sync planning, pure. Changes are read with SOQL ordered by `SystemModstamp, Id`;
//! a run resumes from the last stored row with the Id tie-break
//! (`(SystemModstamp = t AND Id > id) OR SystemModstamp > t`), and each new run starts a little
//! before the previous high-water mark (look-back) because `SystemModstamp` is set at commit
//! time and rows can appear late. Deleted rows come from `queryAll` with `IsDeleted = true`.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How far before the previous run's mark a new run starts reading.
pub const LOOK_BACK: Duration = Duration::minutes(2);

/// A position in `SystemModstamp, Id` order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Mark {
    pub at: DateTime<Utc>,
    pub id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum SfCursor {
    /// Reading changed rows after `after` (none: from the beginning), continuing `next` if set.
    Changes {
        after: Option<Mark>,
        /// Start of this run's window when it began with a look-back (inclusive).
        since: Option<DateTime<Utc>>,
        next: Option<String>,
        high_water: Option<Mark>,
        /// Where the previous run ended: deletions since then are read next.
        previous: Option<Mark>,
    },
    /// Reading rows deleted since `since`.
    Deletes {
        since: DateTime<Utc>,
        next: Option<String>,
        high_water: Option<Mark>,
    },
    Done {
        high_water: Option<Mark>,
    },
}

impl SfCursor {
    pub fn start(saved: Option<SfCursor>, full: bool) -> SfCursor {
        match saved {
            Some(SfCursor::Done { high_water }) if !full => SfCursor::Changes {
                after: None,
                since: high_water.as_ref().map(|m| m.at - LOOK_BACK),
                next: None,
                previous: high_water.clone(),
                high_water,
            },
            Some(c) if !full => match c {
                // A stored `nextRecordsUrl` may have expired (Salesforce keeps them ~15 min):
                // resume from the last stored row instead.
                SfCursor::Changes {
                    after,
                    since,
                    high_water,
                    previous,
                    ..
                } => SfCursor::Changes {
                    after: high_water.clone().or(after),
                    since: if high_water.is_some() { None } else { since },
                    next: None,
                    high_water,
                    previous,
                },
                SfCursor::Deletes {
                    since, high_water, ..
                } => SfCursor::Deletes {
                    since,
                    next: None,
                    high_water,
                },
                done => done,
            },
            _ => SfCursor::Changes {
                after: None,
                since: None,
                next: None,
                high_water: None,
                previous: None,
            },
        }
    }
}

/// The next HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SfRequest {
    /// `query` (or `queryAll` when `all`) with this SOQL.
    Query { soql: String, all: bool },
    /// A `nextRecordsUrl`.
    Next(String),
}

/// A SOQL datetime literal.
pub fn soql_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Salesforce ids are alphanumeric; anything else is refused rather than quoted into SOQL.
fn soql_id(id: &str) -> String {
    id.chars().filter(char::is_ascii_alphanumeric).collect()
}

pub fn request(c: &SfCursor, sobject: &str, fields: &[&str]) -> Option<SfRequest> {
    let order = "ORDER BY SystemModstamp ASC, Id ASC";
    match c {
        SfCursor::Changes { next: Some(url), .. } | SfCursor::Deletes { next: Some(url), .. } => {
            Some(SfRequest::Next(url.clone()))
        }
        SfCursor::Changes { after, since, .. } => {
            let select = format!("SELECT {} FROM {sobject}", fields.join(", "));
            let filter = match (after, since) {
                (Some(m), _) => format!(
                    " WHERE (SystemModstamp = {t} AND Id > '{id}') OR SystemModstamp > {t}",
                    t = soql_time(m.at),
                    id = soql_id(&m.id)
                ),
                (None, Some(s)) => format!(" WHERE SystemModstamp >= {}", soql_time(*s)),
                (None, None) => String::new(),
            };
            Some(SfRequest::Query {
                soql: format!("{select}{filter} {order}"),
                all: false,
            })
        }
        SfCursor::Deletes { since, .. } => Some(SfRequest::Query {
            soql: format!(
                "SELECT Id, SystemModstamp FROM {sobject} WHERE IsDeleted = true AND SystemModstamp >= {} {order}",
                soql_time(*since)
            ),
            all: true,
        }),
        SfCursor::Done { .. } => None,
    }
}

/// What a stored page told the planner.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SfPage {
    /// The last row's position, if the page had rows.
    pub last: Option<Mark>,
    /// `nextRecordsUrl` when `done` was false.
    pub next: Option<String>,
}

pub fn advance(c: &SfCursor, page: &SfPage) -> SfCursor {
    let raise = |hw: &Option<Mark>| match (&page.last, hw) {
        (Some(l), Some(h)) => Some(l.clone().max(h.clone())),
        (Some(l), None) => Some(l.clone()),
        (None, h) => h.clone(),
    };
    match c {
        SfCursor::Changes {
            after,
            since,
            high_water,
            previous,
            ..
        } => {
            let high_water = raise(high_water);
            match &page.next {
                Some(url) => SfCursor::Changes {
                    after: after.clone(),
                    since: *since,
                    next: Some(url.clone()),
                    high_water,
                    previous: previous.clone(),
                },
                None => match previous {
                    Some(p) => SfCursor::Deletes {
                        since: p.at - LOOK_BACK,
                        next: None,
                        high_water,
                    },
                    // A first sync has nothing deleted to catch up on.
                    None => SfCursor::Done { high_water },
                },
            }
        }
        SfCursor::Deletes {
            since, high_water, ..
        } => match &page.next {
            Some(url) => SfCursor::Deletes {
                since: *since,
                next: Some(url.clone()),
                high_water: high_water.clone(),
            },
            None => SfCursor::Done {
                high_water: high_water.clone(),
            },
        },
        SfCursor::Done { .. } => c.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, s).unwrap()
    }
    fn mark(s: u32, id: &str) -> Mark {
        Mark {
            at: t(s),
            id: id.into(),
        }
    }

    #[test]
    fn first_sync_reads_everything_in_order_then_is_done_without_a_delete_pass() {
        let c = SfCursor::start(None, false);
        assert_eq!(
            request(&c, "Account", &["Id", "Name"]),
            Some(SfRequest::Query {
                soql: "SELECT Id, Name FROM Account ORDER BY SystemModstamp ASC, Id ASC".into(),
                all: false
            })
        );
        let c = advance(
            &c,
            &SfPage {
                last: Some(mark(5, "001A")),
                next: Some("/q/2".into()),
            },
        );
        assert_eq!(
            request(&c, "Account", &["Id"]),
            Some(SfRequest::Next("/q/2".into()))
        );
        let c = advance(
            &c,
            &SfPage {
                last: Some(mark(9, "001B")),
                next: None,
            },
        );
        assert_eq!(
            c,
            SfCursor::Done {
                high_water: Some(mark(9, "001B"))
            }
        );
    }

    #[test]
    fn a_later_sync_looks_back_two_minutes_then_reads_deletions_since_the_previous_mark() {
        let c = SfCursor::start(
            Some(SfCursor::Done {
                high_water: Some(mark(9, "001B")),
            }),
            false,
        );
        // 10:00:09 minus two minutes is 09:58:09.
        assert_eq!(
            request(&c, "Contact", &["Id"]),
            Some(SfRequest::Query {
                soql: "SELECT Id FROM Contact WHERE SystemModstamp >= 2026-11-20T09:58:09.000Z ORDER BY SystemModstamp ASC, Id ASC".into(),
                all: false
            })
        );
        let c = advance(
            &c,
            &SfPage {
                last: None,
                next: None,
            },
        );
        assert_eq!(
            request(&c, "Contact", &["Id"]),
            Some(SfRequest::Query {
                soql: "SELECT Id, SystemModstamp FROM Contact WHERE IsDeleted = true AND SystemModstamp >= 2026-11-20T09:58:09.000Z ORDER BY SystemModstamp ASC, Id ASC".into(),
                all: true
            })
        );
        // Nothing changed: the mark stays where it was.
        assert_eq!(
            advance(&c, &SfPage::default()),
            SfCursor::Done {
                high_water: Some(mark(9, "001B"))
            }
        );
    }

    #[test]
    fn a_run_killed_mid_way_resumes_after_its_last_stored_row_with_the_id_tie_break() {
        let c = SfCursor::start(None, false);
        let c = advance(
            &c,
            &SfPage {
                last: Some(mark(5, "001A")),
                next: Some("/q/2".into()),
            },
        );
        let saved: SfCursor = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        let resumed = SfCursor::start(Some(saved), false);
        assert_eq!(
            request(&resumed, "Account", &["Id"]),
            Some(SfRequest::Query {
                soql: "SELECT Id FROM Account WHERE (SystemModstamp = 2026-11-20T10:00:05.000Z AND Id > '001A') OR SystemModstamp > 2026-11-20T10:00:05.000Z ORDER BY SystemModstamp ASC, Id ASC".into(),
                all: false
            })
        );
    }

    #[test]
    fn ids_cannot_inject_soql() {
        let c = SfCursor::Changes {
            after: Some(mark(1, "001' OR Name != '")),
            since: None,
            next: None,
            high_water: None,
            previous: None,
        };
        let Some(SfRequest::Query { soql, .. }) = request(&c, "Account", &["Id"]) else {
            panic!()
        };
        assert!(soql.contains("Id > '001ORName'"), "{soql}");
    }
}
