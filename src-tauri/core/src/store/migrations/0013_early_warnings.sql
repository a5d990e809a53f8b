-- Early warnings (issue 10): alerts keep the period of their dedup key, a one-sentence summary,
-- when their condition last held and when it cleared, the snooze mode, who changed their state
-- and when, whether the user has seen them, and the rule-set version that fired them.
ALTER TABLE alert ADD COLUMN period TEXT NOT NULL DEFAULT '';
ALTER TABLE alert ADD COLUMN summary TEXT NOT NULL DEFAULT '';
ALTER TABLE alert ADD COLUMN last_fired_at TEXT;
ALTER TABLE alert ADD COLUMN cleared_at TEXT;
ALTER TABLE alert ADD COLUMN snooze_until_change INTEGER NOT NULL DEFAULT 0
    CHECK (snooze_until_change IN (0, 1));
ALTER TABLE alert ADD COLUMN state_by TEXT;
ALTER TABLE alert ADD COLUMN state_at TEXT;
ALTER TABLE alert ADD COLUMN seen_at TEXT;
ALTER TABLE alert ADD COLUMN rules_version INTEGER NOT NULL DEFAULT 0;
CREATE INDEX alert_open ON alert (state, severity);

-- Every state change of an alert, by whom (the user, or "Rapport" for the rules' own moves).
CREATE TABLE alert_history (
    id       INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alert (id) ON DELETE CASCADE,
    at       TEXT NOT NULL,
    state    TEXT NOT NULL,
    by_whom  TEXT NOT NULL,
    note     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, at);

-- The user's early-warning rules: every save is a new version; the highest is in force.
CREATE TABLE rule_set (
    version  INTEGER PRIMARY KEY,
    rules    TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    saved_by TEXT NOT NULL
);
