-- 0001: the core tables. Natural keys everywhere, so that every write is an idempotent upsert.

-- Mentions and reviews, one row per (brand, source, native id).
-- mention_id = first 32 hex digits of sha256(brand || 0x1f || source || 0x1f || native_id): stable and derivable.
CREATE TABLE mentions (
    mention_id   VARCHAR PRIMARY KEY,
    brand        VARCHAR NOT NULL,               -- brand id (config `slug`)
    source       VARCHAR NOT NULL,               -- configured source name
    source_type  VARCHAR NOT NULL,               -- file_drop, reddit, app_store, ...
    native_id    VARCHAR NOT NULL,               -- the id the source itself gives the item
    kind         VARCHAR NOT NULL CHECK (kind IN ('mention', 'review')),
    platform     VARCHAR,                        -- reddit, twitter, app_store, ...
    channel      VARCHAR,                        -- subreddit, forum, app id, ...
    author_hash  VARCHAR,                        -- keyed HMAC-SHA256 of the author name; never the name
    title        VARCHAR,
    text         VARCHAR NOT NULL,
    url          VARCHAR,
    created_at   TIMESTAMPTZ NOT NULL,
    day          DATE NOT NULL,                  -- UTC calendar day of created_at
    rating       DOUBLE,                         -- review stars, as given
    language     VARCHAR,                        -- ISO 639-1, from the source or detected
    engagement   BIGINT,                         -- likes + replies + ... as the source counts them
    first_seen   TIMESTAMPTZ NOT NULL,
    last_seen    TIMESTAMPTZ NOT NULL,
    run_id       VARCHAR NOT NULL                -- the run that first loaded the row
);

-- One score per (mention, model version): a new model version scores again; the same one never does.
CREATE TABLE sentiment (
    mention_id     VARCHAR NOT NULL,
    model_name     VARCHAR NOT NULL,
    model_version  VARCHAR NOT NULL,
    model_sha256   VARCHAR NOT NULL,             -- content hash of the weights file
    text_sha256    VARCHAR NOT NULL,             -- content hash of the text that was scored
    label          VARCHAR NOT NULL CHECK (label IN ('negative', 'neutral', 'positive')),
    p_negative     DOUBLE NOT NULL,
    p_neutral      DOUBLE NOT NULL,
    p_positive     DOUBLE NOT NULL,
    score          DOUBLE NOT NULL,              -- p_positive - p_negative, in [-1, 1]
    note           VARCHAR,                      -- why a text was not run through the model, or was truncated
    scored_at      TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL,
    PRIMARY KEY (mention_id, model_version)
);

-- Daily metrics per brand, per source and in total (source = '_all').
CREATE TABLE daily_brand_metrics (
    day             DATE NOT NULL,
    brand           VARCHAR NOT NULL,
    source          VARCHAR NOT NULL,
    volume          BIGINT NOT NULL,             -- mentions and reviews created that day
    scored          BIGINT NOT NULL,
    n_negative      BIGINT NOT NULL,
    n_neutral       BIGINT NOT NULL,
    n_positive      BIGINT NOT NULL,
    share_negative  DOUBLE,                      -- n_negative / scored; NULL when nothing was scored
    mean_score      DOUBLE,
    computed_at     TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR NOT NULL,
    PRIMARY KEY (day, brand, source)
);

CREATE TABLE pipeline_runs (
    run_id       VARCHAR PRIMARY KEY,
    day          DATE NOT NULL,                  -- the calendar day (UTC) the run processes
    trigger      VARCHAR NOT NULL,               -- airflow or cli
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    status       VARCHAR NOT NULL                -- running, success, partial, failed
);

-- Counts per step (and per brand and source for extract and load). brand/source are '' where they don't apply.
CREATE TABLE run_steps (
    run_id            VARCHAR NOT NULL,
    step              VARCHAR NOT NULL,
    brand             VARCHAR NOT NULL DEFAULT '',
    source            VARCHAR NOT NULL DEFAULT '',
    status            VARCHAR NOT NULL,          -- success, failed, missing
    rows_in           BIGINT,
    rows_out          BIGINT,
    rows_quarantined  BIGINT,
    detail            VARCHAR,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    PRIMARY KEY (run_id, step, brand, source)
);

-- Input that could not be loaded, with the reason and the raw record as it came.
-- quarantine_id = sha256 of (brand, source, raw_record): the same bad row is kept once, however often it is read.
CREATE TABLE quarantine (
    quarantine_id  VARCHAR PRIMARY KEY,
    brand          VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    day            DATE,                         -- the run's day
    reason         VARCHAR NOT NULL,
    raw_record     VARCHAR NOT NULL,
    location       VARCHAR,                      -- file and line or row number, where there is one
    first_seen     TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL
);
