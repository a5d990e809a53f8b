-- The client advisory program (issue 9): membership set in Rapport, written back to the CRM contact.

-- Membership as set in Rapport (1 member, 0 not); NULL leaves it to what the CRM says. A sync
-- never touches it, so a change on its way to the CRM is not undone by the next sync.
ALTER TABLE contact ADD COLUMN advisory_set INTEGER CHECK (advisory_set IN (0, 1));
ALTER TABLE contact ADD COLUMN advisory_set_at TEXT;

-- The outbox takes every kind the Rust side knows (WriteKind::parse reads it back): rebuilt once
-- more without the CHECK on kind, so later kinds need no table rebuild.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    connection_id   INTEGER NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id      INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    -- The local row it writes: survey_response, activity, am_sentiment, task or contact, by kind.
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
CREATE INDEX outbox_record ON outbox (kind, record_id);

-- Reading a verbatim's themes and sentiment (or the AM's override of them) changes no score:
-- only the columns the health score reads mark the account for rescoring.
DROP TRIGGER survey_response_scored_upd;
CREATE TRIGGER survey_response_scored_upd
AFTER UPDATE OF account_id, contact_id, kind, score, captured_at, deleted ON survey_response
WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
