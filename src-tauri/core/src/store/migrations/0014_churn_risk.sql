-- The churn model's score for each active account (issue 10): the probability it will not renew
-- at its next renewal, and the drivers behind it in words, as of the day they were computed.
CREATE TABLE churn_risk (
    account_id  INTEGER PRIMARY KEY REFERENCES account (id) ON DELETE CASCADE,
    probability REAL NOT NULL CHECK (probability BETWEEN 0 AND 1),
    drivers     TEXT NOT NULL DEFAULT '[]',
    as_of       TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
