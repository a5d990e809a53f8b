//! "Now", passed in: library code never reads the system clock itself, so every time-dependent
//! rule can be tested with any instant and any time zone.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

type NowFn = dyn Fn() -> DateTime<Utc> + Send + Sync;
type OffsetFn = dyn Fn(DateTime<Utc>) -> FixedOffset + Send + Sync;

/// The current instant and the user's local calendar: instants stay in UTC, days (scoring days,
/// displayed dates) are the user's local ones.
#[derive(Clone)]
pub struct Clock {
    now: Arc<NowFn>,
    offset: Arc<OffsetFn>,
}

impl Clock {
    /// A clock reading `now` and the UTC offset of the user's time zone at an instant.
    pub fn new(
        now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static,
        offset: impl Fn(DateTime<Utc>) -> FixedOffset + Send + Sync + 'static,
    ) -> Clock {
        Clock {
            now: Arc::new(now),
            offset: Arc::new(offset),
        }
    }

    /// The system clock in the machine's time zone; built only by the binaries and the tests.
    pub fn system() -> Clock {
        Clock::new(Utc::now, |t| {
            use chrono::Offset;
            t.with_timezone(&chrono::Local).offset().fix()
        })
    }

    /// A clock stopped at `at`, in the time zone `offset` hours east of UTC (tests).
    pub fn fixed(at: DateTime<Utc>, offset_hours: i32) -> Clock {
        let offset =
            FixedOffset::east_opt(offset_hours * 3600).unwrap_or(FixedOffset::east_opt(0).unwrap());
        Clock::new(move || at, move |_| offset)
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.now)()
    }

    /// The user's UTC offset now.
    pub fn offset(&self) -> FixedOffset {
        (self.offset)(self.now())
    }

    /// The user's local date at `t`.
    pub fn local_day(&self, t: DateTime<Utc>) -> NaiveDate {
        (t + (self.offset)(t)).date_naive()
    }

    /// The instant the user's clock shows `time` on `day`, with the offset in force that day
    /// (not today's: a task due after a daylight-saving change is still due at its hour).
    pub fn local_instant(&self, day: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        let local = day.and_time(time);
        let guess = (local - self.offset()).and_utc();
        let first = (local - (self.offset)(guess)).and_utc();
        // Once more: the guess may sit on the other side of the change from the answer.
        (local - (self.offset)(first)).and_utc()
    }

    /// The user's local date now: the day scores are for.
    pub fn today(&self) -> NaiveDate {
        self.local_day(self.now())
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}
