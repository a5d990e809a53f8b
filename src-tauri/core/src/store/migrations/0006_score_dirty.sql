-- Which accounts need scoring again: every write to a health input marks its account, whoever
-- writes it (a sync, an import, a captured entry), so reads never rescore and a rescore after a
-- change reads only the accounts touched. `claimed` rows are being scored; a write during that
-- scoring marks the account again (claimed = 0), so the change is never lost. A bulk load (the
-- demo) sets the `scoring.bulk_write` meta key, skips the marks and scores everything after.
-- The marks never rely on a conflict clause: inside a trigger, the outer statement's (a sync's
-- upsert) would replace it and fail on an account already marked.
CREATE TABLE score_dirty (
    account_id INTEGER PRIMARY KEY,
    claimed    INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER account_scored_ins AFTER INSERT ON account WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.id;
    INSERT INTO score_dirty (account_id) SELECT NEW.id
        WHERE NEW.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.id);
END;
CREATE TRIGGER account_scored_upd AFTER UPDATE OF segment, tier, arr, mrr, contract_start, renewal_date,
    seats_purchased, churned_on, deleted, updated_at, connection_id ON account WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.id;
    INSERT INTO score_dirty (account_id) SELECT NEW.id
        WHERE NEW.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.id);
END;

CREATE TRIGGER contact_scored_ins AFTER INSERT ON contact WHEN NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER contact_scored_upd AFTER UPDATE ON contact WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER contact_scored_del AFTER DELETE ON contact WHEN OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;

CREATE TRIGGER deal_scored_ins AFTER INSERT ON deal WHEN NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER deal_scored_upd AFTER UPDATE ON deal WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER deal_scored_del AFTER DELETE ON deal WHEN OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;

CREATE TRIGGER ticket_scored_ins AFTER INSERT ON ticket WHEN NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER ticket_scored_upd AFTER UPDATE ON ticket WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER ticket_scored_del AFTER DELETE ON ticket WHEN OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;

CREATE TRIGGER activity_scored_ins AFTER INSERT ON activity WHEN NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER activity_scored_upd AFTER UPDATE ON activity WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER activity_scored_del AFTER DELETE ON activity WHEN OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;

CREATE TRIGGER survey_response_scored_ins AFTER INSERT ON survey_response WHEN NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER survey_response_scored_upd AFTER UPDATE ON survey_response WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER survey_response_scored_del AFTER DELETE ON survey_response WHEN OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;

CREATE TRIGGER am_sentiment_scored_ins AFTER INSERT ON am_sentiment WHEN NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER am_sentiment_scored_upd AFTER UPDATE ON am_sentiment WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER am_sentiment_scored_del AFTER DELETE ON am_sentiment WHEN OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;

CREATE TRIGGER usage_daily_scored_ins AFTER INSERT ON usage_daily WHEN NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
END;
CREATE TRIGGER usage_daily_scored_upd AFTER UPDATE ON usage_daily WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = NEW.account_id;
    INSERT INTO score_dirty (account_id) SELECT NEW.account_id
        WHERE NEW.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = NEW.account_id);
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
CREATE TRIGGER usage_daily_scored_del AFTER DELETE ON usage_daily WHEN OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'scoring.bulk_write')
BEGIN
    UPDATE score_dirty SET claimed = 0 WHERE account_id = OLD.account_id;
    INSERT INTO score_dirty (account_id) SELECT OLD.account_id
        WHERE OLD.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM score_dirty WHERE account_id = OLD.account_id);
END;
