-- Synced rows belong to a connection, not to a CRM: two HubSpot portals (or a Salesforce sandbox
-- beside production) hold the same record ids, so every synced table is keyed on
-- (connection_id, crm_id), and removing a connection removes exactly its rows (ON DELETE CASCADE).
-- Every synced table gets the same deletion semantics (deleted flag, deleted_at, updated_at),
-- deals gain an 'other' kind for CRM types Rapport does not map, accounts record where their ARR
-- and churn came from and since when their lifecycle stage holds, and timestamps are normalised
-- to one fixed-width form with milliseconds, so text comparisons order them correctly.
--
-- SQLite cannot change a table's UNIQUE constraint in place: each table is rebuilt (create, copy,
-- drop, rename). The store runs migrations on a connection with foreign keys off, so dropping
-- the old table cascades nothing and the children's references follow the name.

CREATE TABLE account_new (
    id              INTEGER PRIMARY KEY,
    connection_id   INTEGER REFERENCES crm_connection (id) ON DELETE CASCADE,
    crm             TEXT NOT NULL,
    crm_id          TEXT NOT NULL,
    name            TEXT NOT NULL,
    domain          TEXT NOT NULL DEFAULT '',
    industry        TEXT NOT NULL DEFAULT '',
    segment         TEXT NOT NULL DEFAULT '',
    tier            TEXT NOT NULL DEFAULT '',
    owner           TEXT NOT NULL DEFAULT '',
    lifecycle_stage TEXT NOT NULL DEFAULT 'onboarding',
    stage_since     TEXT,                         -- day the current stage was entered
    arr             REAL NOT NULL DEFAULT 0,
    mrr             REAL NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'USD',
    arr_source      TEXT NOT NULL DEFAULT 'crm' CHECK (arr_source IN ('crm', 'deals', 'none')),
    contract_start  TEXT,
    contract_source TEXT,                         -- NULL: from the CRM; 'deals': first won deal
    renewal_date    TEXT,
    renewal_source  TEXT,                         -- NULL: from the CRM; 'deals' or 'anniversary'
    seats_purchased INTEGER NOT NULL DEFAULT 0,
    churned_on      TEXT,
    churn_source    TEXT,                         -- 'crm' (a property), 'deals' (lost renewal), 'deleted', 'demo'
    crm_churned_on  TEXT,                         -- churn as the CRM's own churn property says
    crm_url         TEXT,
    deleted         INTEGER NOT NULL DEFAULT 0,
    deleted_at      TEXT,
    updated_at      TEXT NOT NULL,
    synced_at       TEXT NOT NULL,
    UNIQUE (connection_id, crm_id)
);
INSERT INTO account_new (id, connection_id, crm, crm_id, name, domain, industry, segment, tier, owner,
    lifecycle_stage, arr, mrr, currency, contract_start, renewal_date, seats_purchased, churned_on,
    churn_source, crm_url, deleted, updated_at, synced_at)
SELECT id,
    coalesce(connection_id, CASE WHEN crm = 'demo' THEN NULL
        ELSE (SELECT c.id FROM crm_connection c WHERE c.crm = account.crm ORDER BY c.id LIMIT 1) END),
    crm, crm_id, name, domain, industry, segment, tier, owner, lifecycle_stage, arr, mrr, currency,
    contract_start, renewal_date, seats_purchased, churned_on,
    CASE WHEN churned_on IS NOT NULL THEN CASE WHEN crm = 'demo' THEN 'demo' ELSE 'crm' END END,
    crm_url, deleted,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at),
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', synced_at), synced_at)
FROM account;
DROP TABLE account;
ALTER TABLE account_new RENAME TO account;

CREATE TABLE contact_new (
    id                INTEGER PRIMARY KEY,
    connection_id     INTEGER REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id        INTEGER REFERENCES account (id) ON DELETE CASCADE,
    crm               TEXT NOT NULL,
    crm_id            TEXT NOT NULL,
    account_crm_id    TEXT,
    name              TEXT NOT NULL,
    email             TEXT NOT NULL DEFAULT '',
    title             TEXT NOT NULL DEFAULT '',
    is_champion       INTEGER NOT NULL DEFAULT 0,
    is_sponsor        INTEGER NOT NULL DEFAULT 0,
    is_decision_maker INTEGER NOT NULL DEFAULT 0,
    is_advisory       INTEGER NOT NULL DEFAULT 0,
    last_engaged      TEXT,
    left_company      INTEGER NOT NULL DEFAULT 0,
    left_on           TEXT,
    left_reason       TEXT,                       -- in words: "mail to them bounces", ...
    deleted           INTEGER NOT NULL DEFAULT 0,
    deleted_at        TEXT,
    updated_at        TEXT NOT NULL,
    synced_at         TEXT NOT NULL,
    UNIQUE (connection_id, crm_id)
);
INSERT INTO contact_new (id, connection_id, account_id, crm, crm_id, account_crm_id, name, email, title,
    is_champion, is_sponsor, is_decision_maker, is_advisory, last_engaged, left_company, left_on,
    deleted, updated_at, synced_at)
SELECT x.id, (SELECT a.connection_id FROM account a WHERE a.id = x.account_id), x.account_id, x.crm, x.crm_id,
    x.account_crm_id, x.name, x.email, x.title, x.is_champion, x.is_sponsor, x.is_decision_maker,
    x.is_advisory, x.last_engaged, x.left_company, x.left_on, x.deleted,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.updated_at), x.updated_at),
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.synced_at), x.synced_at)
FROM contact x;
DROP TABLE contact;
ALTER TABLE contact_new RENAME TO contact;
CREATE INDEX contact_account ON contact (account_id);

CREATE TABLE deal_new (
    id             INTEGER PRIMARY KEY,
    connection_id  INTEGER REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id     INTEGER REFERENCES account (id) ON DELETE CASCADE,
    crm            TEXT NOT NULL,
    crm_id         TEXT NOT NULL,
    account_crm_id TEXT,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('new', 'renewal', 'expansion', 'contraction', 'other')),
    amount         REAL NOT NULL DEFAULT 0,
    currency       TEXT NOT NULL DEFAULT '',
    stage          TEXT NOT NULL DEFAULT '',
    close_date     TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    deleted        INTEGER NOT NULL DEFAULT 0,
    deleted_at     TEXT,
    updated_at     TEXT NOT NULL,
    synced_at      TEXT NOT NULL,
    UNIQUE (connection_id, crm_id)
);
INSERT INTO deal_new (id, connection_id, account_id, crm, crm_id, account_crm_id, name, kind, amount,
    stage, close_date, status, deleted, updated_at, synced_at)
SELECT x.id, (SELECT a.connection_id FROM account a WHERE a.id = x.account_id), x.account_id, x.crm, x.crm_id,
    x.account_crm_id, x.name, x.kind, x.amount, x.stage, x.close_date, x.status, x.deleted,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.updated_at), x.updated_at),
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.synced_at), x.synced_at)
FROM deal x;
DROP TABLE deal;
ALTER TABLE deal_new RENAME TO deal;
CREATE INDEX deal_account ON deal (account_id, close_date);

CREATE TABLE ticket_new (
    id             INTEGER PRIMARY KEY,
    connection_id  INTEGER REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id     INTEGER REFERENCES account (id) ON DELETE CASCADE,
    crm            TEXT NOT NULL,
    crm_id         TEXT NOT NULL,
    account_crm_id TEXT,
    subject        TEXT NOT NULL DEFAULT '',
    priority       TEXT NOT NULL DEFAULT 'medium',
    status         TEXT NOT NULL DEFAULT 'open',
    opened_on      TEXT NOT NULL,
    closed_on      TEXT,
    csat           INTEGER CHECK (csat BETWEEN 1 AND 5),
    deleted        INTEGER NOT NULL DEFAULT 0,
    deleted_at     TEXT,
    updated_at     TEXT NOT NULL,
    synced_at      TEXT NOT NULL,
    UNIQUE (connection_id, crm_id)
);
INSERT INTO ticket_new (id, connection_id, account_id, crm, crm_id, account_crm_id, subject, priority,
    status, opened_on, closed_on, csat, deleted, updated_at, synced_at)
SELECT x.id, (SELECT a.connection_id FROM account a WHERE a.id = x.account_id), x.account_id, x.crm, x.crm_id,
    x.account_crm_id, x.subject, x.priority, x.status, x.opened_on, x.closed_on, x.csat, x.deleted,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.updated_at), x.updated_at),
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.synced_at), x.synced_at)
FROM ticket x;
DROP TABLE ticket;
ALTER TABLE ticket_new RENAME TO ticket;
CREATE INDEX ticket_health ON ticket (account_id, opened_on, priority, closed_on) WHERE deleted = 0;

CREATE TABLE activity_new (
    id             INTEGER PRIMARY KEY,
    connection_id  INTEGER REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id     INTEGER REFERENCES account (id) ON DELETE CASCADE,
    contact_id     INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    crm            TEXT NOT NULL,
    crm_id         TEXT NOT NULL,
    account_crm_id TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('email', 'call', 'meeting', 'note', 'task')),
    direction      TEXT NOT NULL DEFAULT 'outbound',
    occurred_at    TEXT NOT NULL,
    team           TEXT NOT NULL DEFAULT 'cs',
    summary        TEXT NOT NULL DEFAULT '',
    two_way        INTEGER NOT NULL DEFAULT 0,
    deleted        INTEGER NOT NULL DEFAULT 0,
    deleted_at     TEXT,
    updated_at     TEXT NOT NULL,
    synced_at      TEXT NOT NULL,
    UNIQUE (connection_id, crm_id)
);
INSERT INTO activity_new (id, connection_id, account_id, contact_id, crm, crm_id, account_crm_id, kind,
    direction, occurred_at, team, summary, two_way, deleted, updated_at, synced_at)
SELECT x.id, (SELECT a.connection_id FROM account a WHERE a.id = x.account_id), x.account_id, x.contact_id,
    x.crm, x.crm_id, x.account_crm_id, x.kind, x.direction,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.occurred_at), x.occurred_at),
    x.team, x.summary, x.two_way, x.deleted,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.updated_at), x.updated_at),
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.synced_at), x.synced_at)
FROM activity x;
DROP TABLE activity;
ALTER TABLE activity_new RENAME TO activity;
CREATE INDEX activity_account ON activity (account_id, occurred_at);
CREATE INDEX activity_touch ON activity (account_id, occurred_at) WHERE two_way = 1 AND deleted = 0;

CREATE TABLE survey_response_new (
    id             INTEGER PRIMARY KEY,
    connection_id  INTEGER REFERENCES crm_connection (id) ON DELETE CASCADE,
    account_id     INTEGER REFERENCES account (id) ON DELETE CASCADE,
    contact_id     INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    crm            TEXT,
    crm_id         TEXT,
    account_crm_id TEXT,
    kind           TEXT NOT NULL CHECK (kind IN ('nps', 'csat', 'ces')),
    score          INTEGER NOT NULL,
    verbatim       TEXT NOT NULL DEFAULT '',
    channel        TEXT NOT NULL DEFAULT '',
    themes         TEXT NOT NULL DEFAULT '[]',
    sentiment      REAL,
    captured_at    TEXT NOT NULL,
    origin         TEXT NOT NULL DEFAULT 'crm' CHECK (origin IN ('crm', 'local')),
    sync_state     TEXT NOT NULL DEFAULT 'synced',
    deleted        INTEGER NOT NULL DEFAULT 0,
    deleted_at     TEXT,
    updated_at     TEXT,
    synced_at      TEXT,
    UNIQUE (connection_id, crm_id)
);
INSERT INTO survey_response_new (id, connection_id, account_id, contact_id, crm, crm_id, account_crm_id,
    kind, score, verbatim, channel, themes, sentiment, captured_at, origin, sync_state, updated_at, synced_at)
SELECT x.id, (SELECT a.connection_id FROM account a WHERE a.id = x.account_id), x.account_id, x.contact_id,
    x.crm, x.crm_id, x.account_crm_id, x.kind, x.score, x.verbatim, x.channel, x.themes, x.sentiment,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.captured_at), x.captured_at),
    x.origin, x.sync_state,
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.captured_at), x.captured_at),
    coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', x.captured_at), x.captured_at)
FROM survey_response x;
DROP TABLE survey_response;
ALTER TABLE survey_response_new RENAME TO survey_response;
-- Covering indexes of the live responses: the 10k-account aggregates read only index pages.
CREATE INDEX survey_account ON survey_response (account_id, captured_at, kind, score) WHERE deleted = 0;
CREATE INDEX survey_kind_time ON survey_response (kind, captured_at, score) WHERE deleted = 0;

UPDATE am_sentiment SET set_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', set_at), set_at);

-- Where a connection's mapping falls short, in sentences for the connections screen.
ALTER TABLE crm_connection ADD COLUMN notes TEXT NOT NULL DEFAULT '[]';
-- The failed run's error code, so the UI can branch (offline, auth, ...).
ALTER TABLE sync_run ADD COLUMN error_code TEXT;
