-- Each account's latest health score with its change and 90-day trend, kept in step with
-- health_snapshot by the store so the portfolio table is one indexed read at 10,000 accounts.
CREATE TABLE health_current (
    account_id     INTEGER PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    as_of          TEXT NOT NULL,         -- the day the 90-day window ends
    day            TEXT NOT NULL,         -- day of the latest snapshot in the window
    score          INTEGER,
    band           TEXT CHECK (band IN ('red', 'yellow', 'green')),
    previous_score INTEGER,               -- score of the snapshot before it (NULL: none, or unscored)
    trend          TEXT NOT NULL DEFAULT '[]'  -- JSON array of the window's scores, oldest first
);
