//! The outbox's state machine, pure: what an attempt's outcome makes of an entry, and when it is
//! tried next. "Now" and the jitter are passed in.

use chrono::{DateTime, Duration, Utc};

use crate::domain::capture::{OutboxRecord, OutboxState};
use crate::error::{Error, IpcError};
use crate::store::OutboxUpdate;

/// How long HubSpot's search may take to show a new record (10–60 s reported): an entry whose
/// write may have landed is looked up only after this.
pub const INDEX_LAG: Duration = Duration::seconds(60);
/// The first retry's wait; each further attempt doubles it, up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::seconds(10);
const MAX_BACKOFF: Duration = Duration::minutes(30);
/// A CRM not set up for the write (a missing field or scope) is asked again this often.
pub const SETUP_RETRY: Duration = Duration::hours(1);

/// How one attempt (or one lookup) ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The CRM holds the record.
    Delivered { crm_id: String },
    /// Not applied (refused before it was stored, or never sent): try again after the backoff,
    /// or after the wait the CRM asked for.
    Retry {
        error: Error,
        after: Option<std::time::Duration>,
    },
    /// May have been applied, the answer was lost: look it up before any resend.
    Ambiguous { error: Error },
    /// The CRM refused it for good: the user must fix something, then retry.
    Rejected { error: Error },
    /// The CRM lacks what the write needs (a field, a scope): it stays queued and is tried again
    /// now and then, never written some other way that could duplicate it.
    NotReady { error: Error },
}

fn ipc(e: &Error) -> IpcError {
    IpcError::from(e.clone())
}

/// The wait before attempt `attempts + 1`: exponential from 10 s, capped at 30 min, scaled by a
/// jitter in [0.5, 1.5) so entries that failed together do not retry together.
pub fn backoff(attempts: i64, jitter: f64) -> Duration {
    let doublings = attempts.clamp(1, 20) - 1;
    let base = FIRST_BACKOFF
        .checked_mul(1 << doublings.min(16) as i32)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    let factor = 0.5 + jitter.clamp(0.0, 0.999);
    Duration::milliseconds((base.num_milliseconds() as f64 * factor) as i64)
}

/// What `outcome` makes of `entry` at `now`. `jitter` is uniform in [0, 1).
pub fn after(
    entry: &OutboxRecord,
    outcome: &Outcome,
    now: DateTime<Utc>,
    jitter: f64,
) -> OutboxUpdate {
    let attempts = entry.attempts + 1;
    let keep = |state, next, error: Option<IpcError>| OutboxUpdate {
        state,
        attempts,
        next_attempt_at: next,
        last_error: error,
        crm_id: None,
        delivered_at: None,
    };
    match outcome {
        Outcome::Delivered { crm_id } => OutboxUpdate {
            state: OutboxState::Delivered,
            attempts,
            next_attempt_at: now,
            last_error: None,
            crm_id: Some(crm_id.clone()),
            delivered_at: Some(now),
        },
        Outcome::Retry { error, after } => {
            let asked = after
                .and_then(|d| Duration::from_std(d).ok())
                .unwrap_or(Duration::zero());
            let wait = backoff(attempts, jitter).max(asked);
            // An entry that may already be in the CRM stays unconfirmed until it is looked up.
            let state = if entry.state == OutboxState::Unconfirmed {
                OutboxState::Unconfirmed
            } else {
                OutboxState::Pending
            };
            keep(state, now + wait, Some(ipc(error)))
        }
        Outcome::Ambiguous { error } => keep(
            OutboxState::Unconfirmed,
            now + INDEX_LAG.max(backoff(attempts, jitter)),
            Some(ipc(error)),
        ),
        Outcome::Rejected { error } => keep(OutboxState::Failed, now, Some(ipc(error))),
        Outcome::NotReady { error } => {
            let state = if entry.state == OutboxState::Unconfirmed {
                OutboxState::Unconfirmed
            } else {
                OutboxState::Pending
            };
            keep(state, now + SETUP_RETRY, Some(ipc(error)))
        }
    }
}

/// Whether an unconfirmed entry may be looked up yet (the CRM's search has caught up with its
/// last attempt).
pub fn lookup_due(entry: &OutboxRecord, now: DateTime<Utc>) -> bool {
    entry.last_attempt_at.is_none_or(|t| now >= t + INDEX_LAG)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::capture::{WriteKind, WritePayload};
    use crate::error::ErrorCode;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
    }

    fn entry(state: OutboxState, attempts: i64) -> OutboxRecord {
        OutboxRecord {
            id: 1,
            key: "k".into(),
            connection_id: 1,
            account_id: 1,
            kind: WriteKind::Note,
            payload: WritePayload {
                account_crm_id: "1".into(),
                contact_crm_ids: vec![],
                new_contact: None,
                at: now(),
                subject: "s".into(),
                body: "b".into(),
                feedback: None,
                due_on: None,
                advisory: None,
                health: None,
                owner_crm_id: None,
            },
            state,
            attempts,
            next_attempt_at: now(),
            last_attempt_at: None,
            last_error: None,
            crm_id: None,
            created_at: now(),
            delivered_at: None,
        }
    }

    fn offline() -> Error {
        Error::Crm {
            code: ErrorCode::CrmUnreachable,
            message: "offline".into(),
        }
    }

    #[test]
    fn backoff_doubles_from_ten_seconds_to_half_an_hour_with_jitter() {
        // Jitter 0.5 is the midpoint: exactly the base wait.
        let secs = |a| backoff(a, 0.5).num_seconds();
        assert_eq!([secs(1), secs(2), secs(3), secs(4)], [10, 20, 40, 80]);
        assert_eq!(secs(8), 1_280);
        assert_eq!(secs(9), 1_800, "2,560 s is capped at 30 min");
        assert_eq!(secs(60), 1_800);
        assert_eq!(backoff(1, 0.0).num_seconds(), 5);
        assert_eq!(backoff(2, 0.999).num_milliseconds(), 29_980);
    }

    #[test]
    fn each_outcome_moves_the_entry_where_it_belongs() {
        let e = entry(OutboxState::Sending, 2);
        let d = after(
            &e,
            &Outcome::Delivered {
                crm_id: "77".into(),
            },
            now(),
            0.5,
        );
        assert_eq!(
            (d.state, d.attempts, d.crm_id.as_deref(), d.delivered_at),
            (OutboxState::Delivered, 3, Some("77"), Some(now()))
        );
        assert!(d.last_error.is_none());

        let r = after(
            &e,
            &Outcome::Retry {
                error: offline(),
                after: None,
            },
            now(),
            0.5,
        );
        assert_eq!(
            (r.state, r.next_attempt_at),
            (OutboxState::Pending, now() + Duration::seconds(40))
        );
        assert_eq!(r.last_error.unwrap().code, ErrorCode::CrmUnreachable);
        // The CRM's own Retry-After wins when it asks for longer.
        let r = after(
            &e,
            &Outcome::Retry {
                error: offline(),
                after: Some(std::time::Duration::from_secs(90)),
            },
            now(),
            0.5,
        );
        assert_eq!(r.next_attempt_at, now() + Duration::seconds(90));

        let a = after(&e, &Outcome::Ambiguous { error: offline() }, now(), 0.5);
        assert_eq!(
            (a.state, a.next_attempt_at),
            (OutboxState::Unconfirmed, now() + Duration::seconds(60))
        );

        let f = after(
            &e,
            &Outcome::Rejected {
                error: Error::InvalidInput("bad".into()),
            },
            now(),
            0.5,
        );
        assert_eq!(f.state, OutboxState::Failed);
        assert_eq!(f.last_error.unwrap().message, "bad");

        let n = after(&e, &Outcome::NotReady { error: offline() }, now(), 0.5);
        assert_eq!(
            (n.state, n.next_attempt_at),
            (OutboxState::Pending, now() + Duration::hours(1))
        );
    }

    #[test]
    fn an_unconfirmed_entry_stays_unconfirmed_until_looked_up() {
        let e = entry(OutboxState::Unconfirmed, 1);
        let r = after(
            &e,
            &Outcome::Retry {
                error: offline(),
                after: None,
            },
            now(),
            0.5,
        );
        assert_eq!(r.state, OutboxState::Unconfirmed);
        let mut e = entry(OutboxState::Unconfirmed, 1);
        assert!(
            lookup_due(&e, now()),
            "never attempted: nothing to wait for"
        );
        e.last_attempt_at = Some(now() - Duration::seconds(59));
        assert!(!lookup_due(&e, now()));
        e.last_attempt_at = Some(now() - Duration::seconds(60));
        assert!(lookup_due(&e, now()));
    }
}
