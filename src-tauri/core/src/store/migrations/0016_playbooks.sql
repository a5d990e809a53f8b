-- Retention playbooks (issue 10): versioned templates, runs with their outcome, and tasks that
-- can be snoozed, reassigned and commented.

-- A playbook keeps its identity (`key`) across versions: every save is a new row, the highest
-- version of a key is in force, and a run names the version it was started from.
ALTER TABLE playbook ADD COLUMN key TEXT NOT NULL DEFAULT '';
ALTER TABLE playbook ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
-- The early-warning rules whose alerts suggest it (a JSON array of rule ids).
ALTER TABLE playbook ADD COLUMN triggers TEXT NOT NULL DEFAULT '[]';
-- An archived playbook is no longer offered; its runs stay.
ALTER TABLE playbook ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
ALTER TABLE playbook ADD COLUMN saved_by TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX playbook_version ON playbook (key, version);

-- Steps learn a description and the executive-sponsor team (a CHECK cannot be altered: the
-- table is rebuilt; nothing references it).
CREATE TABLE playbook_step_new (
    id              INTEGER PRIMARY KEY,
    playbook_id     INTEGER NOT NULL REFERENCES playbook (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    owner_team      TEXT NOT NULL
                    CHECK (owner_team IN ('cs', 'sales', 'support', 'delivery', 'executive')),
    due_offset_days INTEGER NOT NULL DEFAULT 7,
    description     TEXT NOT NULL DEFAULT ''
);
INSERT INTO playbook_step_new (id, playbook_id, position, title, owner_team, due_offset_days)
SELECT id, playbook_id, position, title, owner_team, due_offset_days FROM playbook_step;
DROP TABLE playbook_step;
ALTER TABLE playbook_step_new RENAME TO playbook_step;
CREATE INDEX playbook_step_playbook ON playbook_step (playbook_id, position);

-- A run is 'active' until every task is done or skipped ('completed'); its outcome (saved,
-- churned, expanded) feeds the model report. One active run per account and playbook.
ALTER TABLE playbook_run ADD COLUMN playbook_key TEXT NOT NULL DEFAULT '';
ALTER TABLE playbook_run ADD COLUMN started_by TEXT NOT NULL DEFAULT '';
ALTER TABLE playbook_run ADD COLUMN closed_at TEXT;
ALTER TABLE playbook_run ADD COLUMN outcome TEXT CHECK (outcome IN ('saved', 'churned', 'expanded'));
ALTER TABLE playbook_run ADD COLUMN outcome_by TEXT;
ALTER TABLE playbook_run ADD COLUMN outcome_at TEXT;
CREATE UNIQUE INDEX playbook_run_open ON playbook_run (account_id, playbook_key) WHERE status = 'active';
CREATE INDEX playbook_run_account ON playbook_run (account_id, status);

ALTER TABLE task ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE task ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
-- Hidden from My tasks until this day.
ALTER TABLE task ADD COLUMN snoozed_until TEXT;
ALTER TABLE task ADD COLUMN completed_by TEXT;
CREATE INDEX task_open_due ON task (status, due_on);
CREATE INDEX task_run ON task (run_id, position);

-- What was said on a task, and what was done to it (done, skipped, reassigned, snoozed, sent to
-- the CRM), by whom and when.
CREATE TABLE task_comment (
    id      INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES task (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('comment', 'event')),
    at      TEXT NOT NULL,
    by_whom TEXT NOT NULL,
    body    TEXT NOT NULL
);
CREATE INDEX task_comment_task ON task_comment (task_id, at);
