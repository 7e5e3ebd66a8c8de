-- 0004: survey responses (NPS, CSAT, CES) and their comments' sentiment, customer lists, and the CX metrics
-- computed from them. Natural keys everywhere, so that every import is an idempotent upsert.

-- One row per (survey source, response id): re-reading an export updates the row in place.
CREATE TABLE survey_responses (
    source               VARCHAR NOT NULL,       -- configured survey source name (surveys.sources[].name)
    response_id          VARCHAR NOT NULL,       -- the tool's id: Qualtrics ResponseId, SurveyMonkey Respondent ID, ...
    brand                VARCHAR NOT NULL,       -- brand id (config `slug`)
    responded_at         TIMESTAMPTZ NOT NULL,   -- when the response was submitted
    day                  DATE NOT NULL,          -- UTC calendar day of responded_at, like mentions.day
    touchpoint           VARCHAR,                -- delivery, support, app, billing, ... as the survey tags it
    segment              VARCHAR,                -- customer segment, as the survey tags it
    nps                  SMALLINT CHECK (nps BETWEEN 0 AND 10),   -- NULL: not answered, or quarantined
    csat                 SMALLINT CHECK (csat BETWEEN 1 AND 5),
    ces                  SMALLINT,               -- as answered, on ces_scale
    ces_scale            SMALLINT CHECK (ces_scale IN (5, 7)),
    ces_lower_is_better  BOOLEAN,
    ces_norm             DOUBLE CHECK (ces_norm BETWEEN 1 AND 7), -- ces on 1-7 with 7 = least effort
    comment              VARCHAR,                -- free text; scored into survey_comment_sentiment
    location             VARCHAR,                -- file and line it was last read from
    first_seen           TIMESTAMPTZ NOT NULL,
    last_seen            TIMESTAMPTZ NOT NULL,
    run_id               VARCHAR NOT NULL,       -- the run that first loaded the row
    PRIMARY KEY (source, response_id),
    CHECK (ces IS NULL OR ces BETWEEN 1 AND ces_scale)
);

-- One score per (response, model version), like `sentiment` for mentions. text_sha256 tells whether the
-- comment changed since it was scored (then it is scored again).
CREATE TABLE survey_comment_sentiment (
    source         VARCHAR NOT NULL,
    response_id    VARCHAR NOT NULL,
    model_name     VARCHAR NOT NULL,
    model_version  VARCHAR NOT NULL,
    model_sha256   VARCHAR NOT NULL,
    text_sha256    VARCHAR NOT NULL,
    label          VARCHAR NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
    p_negative     DOUBLE NOT NULL,
    p_neutral      DOUBLE NOT NULL,
    p_positive     DOUBLE NOT NULL,
    score          DOUBLE NOT NULL,              -- p_positive - p_negative, in [-1, 1]
    note           VARCHAR,
    scored_at      TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL,
    PRIMARY KEY (source, response_id, model_version)
);

-- The customer list, one row per (brand, customer id); each source's latest export replaces its rows.
-- Active on day d: start_date <= d AND (end_date IS NULL OR d < end_date).
CREATE TABLE customers (
    brand            VARCHAR NOT NULL,
    customer_id      VARCHAR NOT NULL,
    source           VARCHAR NOT NULL,           -- configured customer source name
    segment          VARCHAR,
    start_date       DATE NOT NULL,              -- first day as a customer
    end_date         DATE,                       -- first day no longer a customer; NULL: still a customer
    monthly_revenue  DOUBLE CHECK (monthly_revenue >= 0),
    location         VARCHAR,
    first_seen       TIMESTAMPTZ NOT NULL,
    last_seen        TIMESTAMPTZ NOT NULL,
    run_id           VARCHAR NOT NULL,
    PRIMARY KEY (brand, customer_id),
    CHECK (end_date IS NULL OR end_date >= start_date)
);

-- NPS, CSAT and CES per period x brand x touchpoint x segment ('_all' = every touchpoint / segment;
-- '(none)' = responses without one). Recomputed whole by the survey_metrics step. Only groups with at least
-- one answer to the metric have a row.
CREATE TABLE survey_metrics (
    period         VARCHAR NOT NULL CHECK (period IN ('day', 'week', 'month')),
    period_start   DATE NOT NULL,                -- the UTC day; Monday of the ISO week; the 1st of the month
    brand          VARCHAR NOT NULL,
    touchpoint     VARCHAR NOT NULL,
    segment        VARCHAR NOT NULL,
    metric         VARCHAR NOT NULL CHECK (metric IN ('nps', 'csat', 'ces')),
    value          DOUBLE,                       -- nps: points -100..100; csat: % top-2-box; ces: mean 1-7
    low            DOUBLE,                       -- 95 % interval: adjusted Wald (nps), Wilson (csat), t (ces)
    high           DOUBLE,
    se             DOUBLE,                       -- standard error of value (NULL for a CES of one answer)
    n              BIGINT NOT NULL,              -- answers to this metric
    low_n          BOOLEAN NOT NULL,             -- n < surveys.min_responses
    n_promoters    BIGINT,                       -- nps only
    n_passives     BIGINT,
    n_detractors   BIGINT,
    n_top2         BIGINT,                       -- csat only: answers 4-5
    computed_at    TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL,
    PRIMARY KEY (period, period_start, brand, touchpoint, segment, metric)
);

-- Monthly churn and CLV per brand x segment ('_all' = every segment). Recomputed whole by survey_metrics.
CREATE TABLE customer_metrics (
    month                  DATE NOT NULL,        -- first day of the month
    brand                  VARCHAR NOT NULL,
    segment                VARCHAR NOT NULL,
    active_start           BIGINT NOT NULL,      -- customers active on the 1st
    churned                BIGINT NOT NULL,      -- of those, no longer customers on the 1st of the next month
    churn_rate             DOUBLE,               -- churned / active_start
    churn_low              DOUBLE,               -- Wilson 95 % interval
    churn_high             DOUBLE,
    churn_rate_clv         DOUBLE,               -- churn used for CLV: pooled trailing window, or the fixed one
    arpu                   DOUBLE,               -- mean monthly revenue of the month's base
    clv_simple             DOUBLE,               -- margin * arpu / churn
    clv_discounted         DOUBLE,               -- margin * arpu * r / (1 + i - r), r = 1 - churn, i monthly
    margin                 DOUBLE NOT NULL,
    discount_rate_monthly  DOUBLE NOT NULL,
    complete               BOOLEAN NOT NULL,     -- the data reach the month's last day
    low_n                  BOOLEAN NOT NULL,     -- active_start < surveys.min_responses
    computed_at            TIMESTAMPTZ NOT NULL,
    run_id                 VARCHAR NOT NULL,
    PRIMARY KEY (month, brand, segment)
);
