-- The local cache: every entity of DESIGN §3. Dates are ISO 'YYYY-MM-DD' text, timestamps RFC 3339 UTC.
-- Synced rows keep their source (crm, crm_id), the CRM's updated_at and our synced_at.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE crm_connection (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    crm         TEXT NOT NULL CHECK (crm IN ('hubspot', 'salesforce')),
    base_url    TEXT NOT NULL,
    auth_kind   TEXT NOT NULL,           -- secrets live in the OS keychain, never here
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  TEXT NOT NULL
);

CREATE TABLE account (
    id              INTEGER PRIMARY KEY,
    crm             TEXT NOT NULL,
    crm_id          TEXT NOT NULL,
    name            TEXT NOT NULL,
    domain          TEXT NOT NULL DEFAULT '',
    industry        TEXT NOT NULL DEFAULT '',
    segment         TEXT NOT NULL DEFAULT '',
    tier            TEXT NOT NULL DEFAULT '',
    owner           TEXT NOT NULL DEFAULT '',
    lifecycle_stage TEXT NOT NULL DEFAULT 'onboarding',
    arr             REAL NOT NULL DEFAULT 0,
    mrr             REAL NOT NULL DEFAULT 0,
    currency        TEXT NOT NULL DEFAULT 'USD',
    contract_start  TEXT,
    renewal_date    TEXT,
    seats_purchased INTEGER NOT NULL DEFAULT 0,
    churned_on      TEXT,
    crm_url         TEXT,
    deleted         INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT NOT NULL,
    synced_at       TEXT NOT NULL,
    UNIQUE (crm, crm_id)
);

CREATE TABLE contact (
    id                INTEGER PRIMARY KEY,
    account_id        INTEGER REFERENCES account (id) ON DELETE CASCADE,
    crm               TEXT NOT NULL,
    crm_id            TEXT NOT NULL,
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
    deleted           INTEGER NOT NULL DEFAULT 0,
    updated_at        TEXT NOT NULL,
    synced_at         TEXT NOT NULL,
    UNIQUE (crm, crm_id)
);
CREATE INDEX contact_account ON contact (account_id);

CREATE TABLE deal (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER REFERENCES account (id) ON DELETE CASCADE,
    crm         TEXT NOT NULL,
    crm_id      TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('new', 'renewal', 'expansion', 'contraction')),
    amount      REAL NOT NULL DEFAULT 0,
    stage       TEXT NOT NULL DEFAULT '',
    close_date  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    deleted     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    synced_at   TEXT NOT NULL,
    UNIQUE (crm, crm_id)
);
CREATE INDEX deal_account ON deal (account_id, close_date);

CREATE TABLE ticket (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER REFERENCES account (id) ON DELETE CASCADE,
    crm         TEXT NOT NULL,
    crm_id      TEXT NOT NULL,
    subject     TEXT NOT NULL DEFAULT '',
    priority    TEXT NOT NULL DEFAULT 'medium',
    status      TEXT NOT NULL DEFAULT 'open',
    opened_on   TEXT NOT NULL,
    closed_on   TEXT,
    csat        INTEGER CHECK (csat BETWEEN 1 AND 5),
    deleted     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    synced_at   TEXT NOT NULL,
    UNIQUE (crm, crm_id)
);
CREATE INDEX ticket_health ON ticket (account_id, opened_on, priority, closed_on) WHERE deleted = 0;

CREATE TABLE activity (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER REFERENCES account (id) ON DELETE CASCADE,
    contact_id  INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    crm         TEXT NOT NULL,
    crm_id      TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('email', 'call', 'meeting', 'note', 'task')),
    direction   TEXT NOT NULL DEFAULT 'outbound',
    occurred_at TEXT NOT NULL,
    team        TEXT NOT NULL DEFAULT 'cs',
    summary     TEXT NOT NULL DEFAULT '',
    two_way     INTEGER NOT NULL DEFAULT 0,
    deleted     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    synced_at   TEXT NOT NULL,
    UNIQUE (crm, crm_id)
);
CREATE INDEX activity_account ON activity (account_id, occurred_at);
CREATE INDEX activity_touch ON activity (account_id, occurred_at) WHERE two_way = 1 AND deleted = 0;

CREATE TABLE usage_daily (
    account_id     INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    active_users   INTEGER NOT NULL DEFAULT 0,
    seats_used     INTEGER NOT NULL DEFAULT 0,
    feature_events INTEGER NOT NULL DEFAULT 0,
    source         TEXT NOT NULL DEFAULT 'crm',
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

CREATE TABLE survey_response (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER REFERENCES account (id) ON DELETE CASCADE,
    contact_id  INTEGER REFERENCES contact (id) ON DELETE SET NULL,
    crm         TEXT,
    crm_id      TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('nps', 'csat', 'ces')),
    score       INTEGER NOT NULL,
    verbatim    TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL DEFAULT '',
    themes      TEXT NOT NULL DEFAULT '[]',
    sentiment   REAL,
    captured_at TEXT NOT NULL,
    origin      TEXT NOT NULL DEFAULT 'crm' CHECK (origin IN ('crm', 'local')),
    sync_state  TEXT NOT NULL DEFAULT 'synced',
    UNIQUE (crm, crm_id)
);
-- Covering indexes below let the 10k-account aggregates read only index pages (each page read
-- from an encrypted file costs a decryption).
CREATE INDEX survey_account ON survey_response (account_id, captured_at, kind, score);
CREATE INDEX survey_kind_time ON survey_response (kind, captured_at, score);

CREATE TABLE am_sentiment (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    value       INTEGER NOT NULL CHECK (value BETWEEN 1 AND 5),
    note        TEXT NOT NULL DEFAULT '',
    set_at      TEXT NOT NULL
);
CREATE INDEX am_sentiment_account ON am_sentiment (account_id, set_at);

CREATE TABLE health_model (
    version     TEXT PRIMARY KEY,
    definition  TEXT NOT NULL,           -- weights and bands as JSON, editable in Settings
    created_at  TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE health_snapshot (
    account_id    INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    day           TEXT NOT NULL,
    score         INTEGER,
    band          TEXT CHECK (band IN ('red', 'yellow', 'green')),
    profile       TEXT NOT NULL,
    model_version TEXT NOT NULL,
    components    TEXT NOT NULL,          -- per measure: value, score, weight, input age (JSON)
    PRIMARY KEY (account_id, day)
);                                        -- a rowid table: rows near 1 KB would overflow a WITHOUT ROWID page
CREATE INDEX health_snapshot_day ON health_snapshot (day, account_id, score, band);

CREATE TABLE alert (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    severity    TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    fired_at    TEXT NOT NULL,
    evidence    TEXT NOT NULL DEFAULT '{}',
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'snoozed', 'resolved')),
    snoozed_until TEXT,
    resolved_at TEXT,
    dedup_key   TEXT NOT NULL UNIQUE
);
CREATE INDEX alert_account ON alert (account_id, state);

CREATE TABLE playbook (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    trigger_rule TEXT,
    created_at   TEXT NOT NULL
);

CREATE TABLE playbook_step (
    id              INTEGER PRIMARY KEY,
    playbook_id     INTEGER NOT NULL REFERENCES playbook (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    owner_team      TEXT NOT NULL CHECK (owner_team IN ('sales', 'cs', 'support', 'delivery')),
    due_offset_days INTEGER NOT NULL DEFAULT 7
);

CREATE TABLE playbook_run (
    id          INTEGER PRIMARY KEY,
    playbook_id INTEGER NOT NULL REFERENCES playbook (id),
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    alert_id    INTEGER REFERENCES alert (id) ON DELETE SET NULL,
    started_at  TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active'
);

CREATE TABLE task (
    id           INTEGER PRIMARY KEY,
    run_id       INTEGER REFERENCES playbook_run (id) ON DELETE CASCADE,
    account_id   INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    title        TEXT NOT NULL,
    owner_team   TEXT NOT NULL,
    owner        TEXT NOT NULL DEFAULT '',
    due_on       TEXT,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    crm_task_id  TEXT,
    created_at   TEXT NOT NULL,
    completed_at TEXT
);
CREATE INDEX task_account ON task (account_id, status);

CREATE TABLE success_plan (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    objective     TEXT NOT NULL,
    metric        TEXT NOT NULL DEFAULT '',
    baseline      REAL,
    current_value REAL,
    target        REAL,
    created_on    TEXT NOT NULL
);

CREATE TABLE milestone (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES success_plan (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('onboarding', 'first_value', 'full_value', 'adoption')),
    target_date TEXT NOT NULL,
    achieved_on TEXT,
    status      TEXT NOT NULL CHECK (status IN ('on_track', 'behind', 'stuck', 'done'))
);
CREATE INDEX milestone_account ON milestone (account_id);

CREATE TABLE value_entry (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    milestone_id INTEGER REFERENCES milestone (id) ON DELETE SET NULL,
    recorded_on  TEXT NOT NULL,
    description  TEXT NOT NULL,
    amount       REAL NOT NULL DEFAULT 0
);

CREATE TABLE lifecycle_history (
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    stage       TEXT NOT NULL,
    entered_on  TEXT NOT NULL,
    PRIMARY KEY (account_id, entered_on, stage)
);

CREATE TABLE handoff_checklist (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    from_stage  TEXT NOT NULL,
    to_stage    TEXT NOT NULL,
    item        TEXT NOT NULL,
    done_at     TEXT
);

CREATE TABLE qbr (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    period       TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    brief        TEXT NOT NULL
);

CREATE TABLE qbr_commitment (
    id          INTEGER PRIMARY KEY,
    qbr_id      INTEGER NOT NULL REFERENCES qbr (id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    due_on      TEXT,
    status      TEXT NOT NULL DEFAULT 'open'
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    connection_id   INTEGER REFERENCES crm_connection (id),
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    crm_id          TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX outbox_state ON outbox (state);

CREATE TABLE sync_state (
    connection_id   INTEGER NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
    object_type     TEXT NOT NULL,
    cursor          TEXT,
    last_success_at TEXT,
    PRIMARY KEY (connection_id, object_type)
);

CREATE TABLE sync_run (
    id            INTEGER PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
    object_type   TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    fetched       INTEGER NOT NULL DEFAULT 0,
    upserted      INTEGER NOT NULL DEFAULT 0,
    deleted       INTEGER NOT NULL DEFAULT 0,
    errors        INTEGER NOT NULL DEFAULT 0,
    error_message TEXT
);
