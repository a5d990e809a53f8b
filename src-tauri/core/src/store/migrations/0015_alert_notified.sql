-- Desktop notifications of new critical warnings (issue 10): when an alert was notified, so a
-- notification is never repeated for it.
ALTER TABLE alert ADD COLUMN notified_at TEXT;
