-- Themes and sentiment read from verbatims on the device (feedback::text), the AM's overrides,
-- and the editable reason-code taxonomy.

-- The taxonomy version `themes` and `sentiment` were assigned under; NULL = not yet read.
ALTER TABLE survey_response ADD COLUMN tag_version INTEGER;
-- The AM's own reading (a JSON array of theme keys; a sentiment −1..1); they win over the text's.
ALTER TABLE survey_response ADD COLUMN themes_override TEXT;
ALTER TABLE survey_response ADD COLUMN sentiment_override REAL;
CREATE INDEX survey_tag_version ON survey_response (tag_version);

-- A changed verbatim is read again.
CREATE TRIGGER survey_retag AFTER UPDATE OF verbatim ON survey_response
WHEN OLD.verbatim IS NOT NEW.verbatim
BEGIN
    UPDATE survey_response SET tag_version = NULL WHERE id = NEW.id;
END;

-- Every version of the taxonomy the AM saved (the newest is in force); none = the default one.
CREATE TABLE feedback_taxonomy (
    version    INTEGER PRIMARY KEY,
    themes     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
