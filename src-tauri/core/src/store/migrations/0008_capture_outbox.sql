-- Captured feedback, notes and sentiment, with the outbox that carries each to the CRM (issue 9).
-- Nothing ever wrote to the first outbox table: it is replaced by one with the sender's states.
DROP INDEX outbox_state;
DROP TABLE outbox;
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- Generated once at capture; the CRM's external id (Salesforce) or the record's marker (HubSpot).
    idempotency_key TEXT NOT NULL UNIQUE,
    connection_id   INTEGER NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('feedback', 'note', 'sentiment')),
    -- The local row it writes: survey_response, activity or am_sentiment, by kind.
    record_id       INTEGER NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'delivered', 'unconfirmed', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    error_code      TEXT,
    last_error      TEXT,
    crm_id          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    delivered_at    TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_account ON outbox (account_id, created_at);
-- Finds the CRM records the outbox wrote, when their synced copies come back.
CREATE INDEX outbox_crm ON outbox (connection_id, crm_id) WHERE crm_id IS NOT NULL;

-- Feedback captured here keeps its tags and, for someone not among the contacts, "Name <email>".
ALTER TABLE survey_response ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE survey_response ADD COLUMN speaker TEXT NOT NULL DEFAULT '';
-- Notes captured here are marked in the timeline until (and after) the CRM has them.
ALTER TABLE activity ADD COLUMN origin TEXT NOT NULL DEFAULT 'crm' CHECK (origin IN ('crm', 'local'));

-- What a form held when last typed into, one per account and form.
CREATE TABLE capture_draft (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    form       TEXT NOT NULL CHECK (form IN ('feedback', 'note', 'sentiment')),
    body       TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (account_id, form)
) WITHOUT ROWID;
