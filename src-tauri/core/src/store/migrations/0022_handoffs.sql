-- Handoff checklists between teams (issue 11). The 0001 table kept one row per item with no
-- owner team, due day or template, and nothing ever wrote it: a checklist and its items now.
DROP TABLE handoff_checklist;
CREATE TABLE handoff (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    template   TEXT NOT NULL,
    name       TEXT NOT NULL,
    from_stage TEXT,
    to_stage   TEXT NOT NULL,
    started_on TEXT NOT NULL,
    due_on     TEXT NOT NULL,
    UNIQUE (account_id, template, started_on)
);
CREATE INDEX handoff_account ON handoff (account_id);
CREATE TABLE handoff_item (
    id         INTEGER PRIMARY KEY,
    handoff_id INTEGER NOT NULL REFERENCES handoff (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    team       TEXT NOT NULL,
    done_on    TEXT,
    UNIQUE (handoff_id, position)
);
