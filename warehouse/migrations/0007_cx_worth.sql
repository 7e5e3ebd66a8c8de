-- 0007: survey respondents linked to customers, and churn by NPS group.
--
-- Customer ids are stored as keyed hashes from now on, as authors are (records.Pseudonymiser), in the customer
-- list and in the survey responses alike, so the two join without either holding the id. The list kept its ids
-- in clear until now, and they cannot be hashed here (the key lives in the environment, not in the warehouse):
-- the list is emptied, and the next night (or `brandpulse import-customers`) loads it again, hashed. Until then
-- customer_metrics keeps the figures computed from the old list.
DROP TABLE customers;
CREATE TABLE customers (
    brand            VARCHAR NOT NULL,
    customer_hash    VARCHAR NOT NULL,           -- keyed HMAC of the export's customer id, never the id itself
    source           VARCHAR NOT NULL,           -- configured customer source name
    segment          VARCHAR,
    start_date       DATE NOT NULL,              -- first day as a customer
    end_date         DATE,                       -- first day no longer a customer; NULL: still a customer
    monthly_revenue  DOUBLE CHECK (monthly_revenue >= 0),
    location         VARCHAR,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    run_id           VARCHAR NOT NULL,
    PRIMARY KEY (brand, customer_hash),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- The respondent's customer, when the survey source maps a customer_id column (same keyed hash as
-- customers.customer_hash); NULL: not linked (the response still counts in every survey metric).
ALTER TABLE survey_responses ADD COLUMN customer_hash VARCHAR;

-- Churn within window_days after answering, per NPS group, per brand x customer segment ('_all' = every
-- segment) x calendar quarter of the answer. Recomputed whole by the survey_metrics step
-- (pipeline.surveys.roi.churn_by_nps). A respondent is a customer linked to a response and active on its day;
-- one per customer and quarter (their latest answer). Only respondents whose window ended by as_of count;
-- the others are n_pending.
CREATE TABLE cx_churn_by_nps (
    brand                  VARCHAR NOT NULL,
    segment                VARCHAR NOT NULL,     -- the customer list's segment; '(none)' when empty
    quarter_start          DATE NOT NULL,        -- first day of the quarter of the answers
    window_days            INTEGER NOT NULL,     -- surveys.cx.churn_window_days
    as_of                  DATE NOT NULL,        -- the customer list's last day (latest start or end date)
    n_pending              BIGINT NOT NULL,      -- respondents whose window had not ended by as_of
    n_promoters            BIGINT NOT NULL,      -- NPS 9-10
    churned_promoters      BIGINT NOT NULL,
    churn_promoters        DOUBLE,               -- churned / n
    churn_promoters_low    DOUBLE,               -- Wilson 95 % interval
    churn_promoters_high   DOUBLE,
    n_passives             BIGINT NOT NULL,      -- NPS 7-8
    churned_passives       BIGINT NOT NULL,
    churn_passives         DOUBLE,
    churn_passives_low     DOUBLE,
    churn_passives_high    DOUBLE,
    n_detractors           BIGINT NOT NULL,      -- NPS 0-6
    churned_detractors     BIGINT NOT NULL,
    churn_detractors       DOUBLE,
    churn_detractors_low   DOUBLE,
    churn_detractors_high  DOUBLE,
    rr                     DOUBLE,               -- relative risk of churn, detractors vs promoters
    rr_low                 DOUBLE,               -- 95 % interval, log method (Katz)
    rr_high                DOUBLE,
    rr_method              VARCHAR,              -- 'log', or 'log, +0.5 per cell (Haldane-Anscombe)' with a zero
    rr_note                VARCHAR,              -- why rr is NULL
    low_n                  BOOLEAN NOT NULL,     -- promoters or detractors < surveys.min_responses
    computed_at            TIMESTAMPTZ NOT NULL,
    run_id                 VARCHAR NOT NULL,
    PRIMARY KEY (brand, segment, quarter_start)
);
