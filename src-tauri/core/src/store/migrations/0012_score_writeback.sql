-- Score write-back (issue 9): a connection may opt in to having each account's health score and
-- band written to CRM fields, so the whole team sees them in the CRM.
ALTER TABLE crm_connection ADD COLUMN score_writeback INTEGER NOT NULL DEFAULT 0
    CHECK (score_writeback IN (0, 1));

-- What was last queued for each account to each opted-in connection: a write is queued only when
-- the current score or band differs from it, so an unchanged score never costs a request.
CREATE TABLE score_sent (
    connection_id INTEGER NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id    INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    score         INTEGER,
    band          TEXT,
    as_of         TEXT NOT NULL,
    queued_at     TEXT NOT NULL,
    PRIMARY KEY (connection_id, account_id)
) WITHOUT ROWID;

-- The account owner's id in the CRM (HubSpot owner id, Salesforce user id), so the tasks Rapport
-- writes are assigned to the account manager who owns the account.
ALTER TABLE account ADD COLUMN owner_crm_id TEXT;
