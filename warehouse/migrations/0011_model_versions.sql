-- 0011: when each sentiment model version first scored anything, kept as scores are written
-- (scoring/insert_mentions.sql), so that the daily and hourly metrics, which prefer the newest version, order the
-- versions without reading every score in the warehouse (metrics/daily.sql, metrics/hourly.sql).
CREATE TABLE model_versions (
    model_version    VARCHAR PRIMARY KEY,
    first_scored_at  TIMESTAMPTZ NOT NULL         -- min(scored_at) of the version's rows in sentiment
);
INSERT INTO model_versions SELECT model_version, min(scored_at) FROM sentiment GROUP BY ALL;
