-- The portfolio's KPI tiles read the whole book, so they are computed when scores are and kept
-- in `meta` under `kpi.cache` for reads (every other input of theirs marks an account for
-- scoring). The writes no score mark follows drop the kept tiles, so a read never shows tiles
-- older than the data: accounts removed, and first-value milestones.
CREATE TRIGGER account_kpi_del AFTER DELETE ON account
BEGIN
    DELETE FROM meta WHERE key = 'kpi.cache';
END;
CREATE TRIGGER milestone_kpi_ins AFTER INSERT ON milestone
BEGIN
    DELETE FROM meta WHERE key = 'kpi.cache';
END;
CREATE TRIGGER milestone_kpi_upd AFTER UPDATE ON milestone
BEGIN
    DELETE FROM meta WHERE key = 'kpi.cache';
END;
CREATE TRIGGER milestone_kpi_del AFTER DELETE ON milestone
BEGIN
    DELETE FROM meta WHERE key = 'kpi.cache';
END;
