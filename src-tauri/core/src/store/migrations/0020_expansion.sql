-- Expansion opportunities handed to sales (issue 11): what was estimated and why at the time,
-- and the task it made for the sales team (sent to the CRM through the outbox for CRM accounts).
-- Won expansion deals closed on or after the handoff are what it produced.
CREATE TABLE expansion_handoff (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('seats', 'upgrade')),
    seats           INTEGER NOT NULL DEFAULT 0,
    estimated_value REAL NOT NULL,
    currency        TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    task_id         INTEGER REFERENCES task (id) ON DELETE SET NULL,
    handed_on       TEXT NOT NULL,
    handed_at       TEXT NOT NULL,
    handed_by       TEXT NOT NULL
);
CREATE INDEX expansion_handoff_account ON expansion_handoff (account_id, handed_on);
