-- 0003: detection and alerting. What the detector flagged, the alerts it raised, and every delivery attempt.

-- Every day the spike detector flagged, per brand (source '_all'). Flagged days stay out of later baselines.
CREATE TABLE detections (
    day             DATE NOT NULL,
    brand           VARCHAR NOT NULL,
    source          VARCHAR NOT NULL DEFAULT '_all',
    observed        BIGINT NOT NULL,             -- negative mentions that day
    expected        DOUBLE NOT NULL,             -- negatives the baseline expected (day-of-week adjusted)
    volume          BIGINT NOT NULL,             -- scored mentions that day
    share           DOUBLE,
    baseline_share  DOUBLE,
    p_count         DOUBLE,                      -- count test p-value
    p_share         DOUBLE,                      -- proportion test p-value
    z               DOUBLE,                      -- excess in standard deviations
    severity        VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL,            -- the decision in one sentence, with its numbers
    detected_at     TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR NOT NULL,
    PRIMARY KEY (day, brand, source)
);

-- Sustained shifts (change points) in the share of negative mentions.
CREATE TABLE change_points (
    day           DATE NOT NULL,                 -- first day of the new level
    brand         VARCHAR NOT NULL,
    before_level  DOUBLE NOT NULL,
    after_level   DOUBLE NOT NULL,
    direction     VARCHAR NOT NULL,              -- worse or better
    detail        VARCHAR,
    detected_at   TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (day, brand)
);

-- One row per alert. An incident (consecutive spikes of a brand, gaps up to alerting.cooldown_days) alerts
-- once when it starts ('new') and again only when it worsens ('worse').
CREATE TABLE alerts (
    alert_id      VARCHAR PRIMARY KEY,           -- sha256(brand, kind, day)[:16]
    incident_id   VARCHAR NOT NULL,              -- the alert_id of the incident's first alert
    brand         VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,              -- spike or shift
    status        VARCHAR NOT NULL,              -- new or worse
    day           DATE NOT NULL,
    severity      VARCHAR NOT NULL,
    headline      VARCHAR NOT NULL,
    reason        VARCHAR NOT NULL,              -- why it fired, with observed, expected and the tests
    observed      BIGINT,
    expected      DOUBLE,
    explanation   JSON NOT NULL,                 -- numbers, terms, sources, top mentions (what the message shows)
    send          BOOLEAN NOT NULL,              -- false for nights older than alerting.max_age_days (backfills)
    created_at    TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR NOT NULL
);

-- Every delivery attempt, successful or not. An alert with no successful attempt on a channel is retried on
-- the next run.
CREATE TABLE alert_deliveries (
    alert_id      VARCHAR NOT NULL,
    channel       VARCHAR NOT NULL,              -- the channel's name in brandpulse.yaml
    attempt       INTEGER NOT NULL,
    attempted_at  TIMESTAMPTZ NOT NULL,
    ok            BOOLEAN NOT NULL,
    status        VARCHAR,                       -- HTTP status or SMTP reply
    error         VARCHAR,                       -- with URLs and secrets redacted
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (alert_id, channel, attempt)
);
