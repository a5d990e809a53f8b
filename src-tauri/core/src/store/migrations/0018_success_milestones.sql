-- Success plans edited in the app (issue 11): a milestone measures progress on a metric from a
-- baseline towards a target (with its unit and when the current value was last updated), runs
-- from a start day to its due day, has an owner, evidence and a place in its plan. Its status is
-- derived from progress against time on every read; the stored `status` is only what it was when
-- last saved.
ALTER TABLE milestone ADD COLUMN metric TEXT NOT NULL DEFAULT '';
ALTER TABLE milestone ADD COLUMN unit TEXT NOT NULL DEFAULT '';
ALTER TABLE milestone ADD COLUMN baseline REAL;
ALTER TABLE milestone ADD COLUMN current_value REAL;
ALTER TABLE milestone ADD COLUMN target_value REAL;
ALTER TABLE milestone ADD COLUMN current_on TEXT;
ALTER TABLE milestone ADD COLUMN start_on TEXT;
ALTER TABLE milestone ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE milestone ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE milestone ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE milestone ADD COLUMN updated_at TEXT;
ALTER TABLE success_plan ADD COLUMN updated_at TEXT;

-- Existing plans: milestones run from the contract start (else the plan's creation), in the
-- order they were made; the full-value (ROI) milestone measures the plan's own metric.
UPDATE milestone SET
    start_on = coalesce(
        (SELECT a.contract_start FROM account a WHERE a.id = milestone.account_id),
        (SELECT substr(p.created_on, 1, 10) FROM success_plan p WHERE p.id = milestone.plan_id)),
    position = (SELECT count(*) FROM milestone o WHERE o.plan_id = milestone.plan_id AND o.id < milestone.id);
UPDATE milestone SET
    metric = (SELECT p.metric FROM success_plan p WHERE p.id = milestone.plan_id),
    baseline = (SELECT p.baseline FROM success_plan p WHERE p.id = milestone.plan_id),
    current_value = (SELECT p.current_value FROM success_plan p WHERE p.id = milestone.plan_id),
    target_value = (SELECT p.target FROM success_plan p WHERE p.id = milestone.plan_id)
WHERE kind = 'full_value';
CREATE INDEX milestone_plan ON milestone (plan_id, position);
CREATE INDEX success_plan_account ON success_plan (account_id);
-- The portfolio's list of milestones due soon or behind walks the open ones only.
CREATE INDEX milestone_open ON milestone (target_date) WHERE achieved_on IS NULL;

-- A success-plan form as typed, kept until saved or discarded: `target` is `plan:new`,
-- `plan:<id>`, `milestone:new:<plan id>` or `milestone:<id>`.
CREATE TABLE plan_draft (
    account_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
    target     TEXT NOT NULL,
    body       TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (account_id, target)
) WITHOUT ROWID;
