-- The value ledger edited in the app (issue 11): what kind of value an entry records, in which
-- currency, how it was measured and what shows it (text, a link, or a usage figure as it stood
-- on the day), and who at the client confirmed it.
ALTER TABLE value_entry ADD COLUMN category TEXT NOT NULL DEFAULT 'other';
ALTER TABLE value_entry ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
ALTER TABLE value_entry ADD COLUMN measured_how TEXT NOT NULL DEFAULT '';
ALTER TABLE value_entry ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
ALTER TABLE value_entry ADD COLUMN evidence_url TEXT NOT NULL DEFAULT '';
ALTER TABLE value_entry ADD COLUMN usage_metric TEXT;
ALTER TABLE value_entry ADD COLUMN usage_value REAL;
ALTER TABLE value_entry ADD COLUMN usage_on TEXT;
ALTER TABLE value_entry ADD COLUMN confirmed_by INTEGER REFERENCES contact (id) ON DELETE SET NULL;
ALTER TABLE value_entry ADD COLUMN confirmation TEXT NOT NULL DEFAULT 'unconfirmed';
ALTER TABLE value_entry ADD COLUMN updated_at TEXT;

-- Existing entries are in their account's currency.
UPDATE value_entry SET currency = coalesce(
    (SELECT a.currency FROM account a WHERE a.id = value_entry.account_id), 'USD');
CREATE INDEX value_entry_account ON value_entry (account_id, recorded_on);
