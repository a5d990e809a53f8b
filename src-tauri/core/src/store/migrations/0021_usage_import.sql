-- Usage imported from CSV files (issue 11): the events of each key feature per account and day
-- (feature names kept once), and a record of each import. `usage_daily.feature_events` holds
-- the day's total of its features.
CREATE TABLE usage_feature_name (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
-- The day's events per key feature, as a JSON object by feature id ({"1": 12, "2": 3}): one
-- row per account and day keeps a million-line import to a million row writes.
ALTER TABLE usage_daily ADD COLUMN features TEXT;
CREATE TABLE usage_import (
    id             INTEGER PRIMARY KEY,
    file_name      TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    imported_by    TEXT NOT NULL,
    rows_read      INTEGER NOT NULL,
    rows_written   INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_skipped   INTEGER NOT NULL,
    accounts       INTEGER NOT NULL,
    first_day      TEXT,
    last_day       TEXT
);
