-- Closing the loop on unhappy feedback (issue 9): the AM's decision on each follow-up the rules
-- propose, the tasks it made, and outbox entries that carry a task to the CRM.

-- The outbox learns the kind 'task' (a CHECK cannot be altered: the table is rebuilt as is).
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    connection_id   INTEGER NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('feedback', 'note', 'sentiment', 'task')),
    -- The local row it writes: survey_response, activity, am_sentiment or task, by kind.
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
INSERT INTO outbox_new (id, idempotency_key, connection_id, account_id, kind, record_id, payload, state,
    attempts, next_attempt_at, last_attempt_at, error_code, last_error, crm_id, created_at, updated_at, delivered_at)
SELECT id, idempotency_key, connection_id, account_id, kind, record_id, payload, state,
    attempts, next_attempt_at, last_attempt_at, error_code, last_error, crm_id, created_at, updated_at, delivered_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_account ON outbox (account_id, created_at);
CREATE INDEX outbox_crm ON outbox (connection_id, crm_id) WHERE crm_id IS NOT NULL;

-- A follow-up the AM decided on; a response without a row here is still proposed.
CREATE TABLE followup (
    response_id INTEGER PRIMARY KEY REFERENCES survey_response (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('accepted', 'dismissed')),
    title       TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    escalation  TEXT NOT NULL DEFAULT 'none' CHECK (escalation IN ('none', 'support', 'sales')),
    reason      TEXT NOT NULL DEFAULT '',
    decided_at  TEXT NOT NULL
);
CREATE INDEX followup_account ON followup (account_id);

-- The response a follow-up task answers.
ALTER TABLE task ADD COLUMN response_id INTEGER REFERENCES survey_response (id) ON DELETE SET NULL;
CREATE INDEX task_response ON task (response_id);
