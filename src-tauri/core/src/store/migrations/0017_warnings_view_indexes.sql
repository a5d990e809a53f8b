-- The Warnings view's totals, counts and filter choices come from one walk of the alerts of
-- active accounts. Both sides of that walk are covered by an index, so neither the accounts' rows
-- nor the alerts' (evidence, summaries) are read for it: the live accounts' partial index (its
-- WHERE columns listed too, or SQLite does not treat it as covering) and a wider alert_account,
-- whose first columns are the old one's and serve its lookups.
CREATE INDEX account_live ON account (id, segment, owner, arr, deleted, churned_on)
    WHERE deleted = 0 AND churned_on IS NULL;
DROP INDEX alert_account;
CREATE INDEX alert_account ON alert (account_id, state, severity, rule, seen_at);
