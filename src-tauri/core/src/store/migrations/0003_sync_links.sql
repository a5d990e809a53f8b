-- Synced children keep their CRM parent's id, so a company synced after its contacts (or a
-- contact moved to another company) is linked again by one UPDATE at the end of a sync.
ALTER TABLE contact ADD COLUMN account_crm_id TEXT;
ALTER TABLE deal ADD COLUMN account_crm_id TEXT;
ALTER TABLE ticket ADD COLUMN account_crm_id TEXT;
ALTER TABLE activity ADD COLUMN account_crm_id TEXT;
ALTER TABLE survey_response ADD COLUMN account_crm_id TEXT;
-- Which connection an account came from (several CRMs can feed one portfolio).
ALTER TABLE account ADD COLUMN connection_id INTEGER REFERENCES crm_connection (id) ON DELETE SET NULL;
