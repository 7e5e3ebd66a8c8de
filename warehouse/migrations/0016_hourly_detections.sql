-- 0016: every hour the hourly watch's intraday detector flagged, per brand: the watch's counterpart of
-- detections. An incident lasts while flags keep coming, each at most alerting.cooldown_days after the one before
-- (the night's flagged days, these hours, and the days of spike-kind alerts): a storm the watch flags every day
-- without getting worse raises no alert, and without this record its incident ended cooldown_days after its last
-- alert and it paged again as 'new'. A watch run replaces the verdicts on the hours it examined (a re-run, or an
-- hour re-read with late mentions, keeps one row per hour: its latest verdict).
CREATE TABLE hourly_detections (
    hour            TIMESTAMPTZ NOT NULL,        -- the flagged period's start (UTC)
    brand           VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,            -- hourly_spike or volume_spike
    day             DATE NOT NULL,               -- the UTC day of the window's start, as its alert's day
    window_start    TIMESTAMPTZ NOT NULL,        -- the window whose tests fired (1-6 hours, ending with the hour)
    window_end      TIMESTAMPTZ NOT NULL,
    observed        BIGINT NOT NULL,             -- the window's negatives (hourly_spike) or mentions (volume_spike)
    expected        DOUBLE NOT NULL,
    volume          BIGINT NOT NULL,             -- scored mentions in the window
    share           DOUBLE,                      -- NULL without negatives
    baseline_share  DOUBLE,
    p_count         DOUBLE,
    p_share         DOUBLE,                      -- NULL for volume_spike
    z               DOUBLE,
    severity        VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL,
    detected_at     TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR NOT NULL,
    PRIMARY KEY (hour, brand)
);
