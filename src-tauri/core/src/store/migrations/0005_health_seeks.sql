-- A rescore at 10,000 accounts reads each account's facts as index seeks instead of grouping
-- whole histories: the open high-priority tickets (few per account), the latest close, and the
-- score trend in day order (covering, so the ~1 KB snapshot rows are never read for it).
CREATE INDEX ticket_urgent ON ticket (account_id, closed_on, opened_on, priority)
    WHERE deleted = 0 AND priority IN ('high', 'urgent');
CREATE INDEX ticket_closed ON ticket (account_id, closed_on) WHERE deleted = 0;
CREATE INDEX health_snapshot_trend ON health_snapshot (account_id, day, score, band);
