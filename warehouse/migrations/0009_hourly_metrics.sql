-- 0009: the hourly watch (brandpulse_watch). Hourly metrics per brand, per source and in total ('_all'), the
-- intraday detector's input; recomputed for the hours a watch run or a night touched. Watch runs are
-- pipeline_runs rows with trigger 'watch' (status 'skipped' when a night was running).
CREATE TABLE hourly_brand_metrics (
    hour           TIMESTAMPTZ NOT NULL,         -- the hour's start (UTC)
    brand          VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,             -- configured source name, or '_all'
    volume         BIGINT NOT NULL,              -- mentions and reviews created in the hour
    scored         BIGINT NOT NULL,              -- of those, scored by the hour's model version
    n_negative     BIGINT NOT NULL,
    model_version  VARCHAR,                      -- one version per (hour, brand), as for daily metrics
    computed_at    TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR NOT NULL,
    PRIMARY KEY (hour, brand, source)
);
