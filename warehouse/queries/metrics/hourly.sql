-- Recompute hourly metrics for the hours in $hours (a list of TIMESTAMPTZ hour starts, UTC), per brand and
-- source and in total ('_all'). The "scored" rule of metrics/daily.sql at hourly grain: one model version per
-- (hour, brand), the newest that scored every mention of the brand that hour, else the one that scored the most;
-- only its scores count. Run inside a transaction with the DELETE before it. $run_id.
-- Proportional to the hours, not to the history, as metrics/daily.sql (which says how).
DELETE FROM hourly_brand_metrics WHERE list_contains($hours, hour);
CREATE OR REPLACE TEMP TABLE metrics_hour_mentions AS
SELECT mention_id, brand, source, date_trunc('hour', created_at) AS hour, first_seen
FROM mentions
WHERE created_at >= list_min($hours) AND created_at < list_max($hours) + INTERVAL 1 HOUR
  AND list_contains($hours, date_trunc('hour', created_at));
SET VARIABLE metrics_scored_since = (SELECT min(first_seen) - INTERVAL 1 DAY FROM metrics_hour_mentions);
CREATE OR REPLACE TEMP TABLE metrics_hour_sentiment AS
SELECT s.mention_id, s.model_version, s.label
FROM sentiment s SEMI JOIN metrics_hour_mentions d USING (mention_id)
WHERE s.scored_at >= getvariable('metrics_scored_since');
SET VARIABLE metrics_unlisted_versions = (
    SELECT list(DISTINCT model_version) FROM metrics_hour_sentiment
    WHERE model_version NOT IN (SELECT model_version FROM model_versions)
);
INSERT INTO hourly_brand_metrics BY NAME
WITH hour_mentions AS (
    SELECT mention_id, brand, source, hour FROM metrics_hour_mentions
), hour_sentiment AS (
    SELECT * FROM metrics_hour_sentiment
), introduced AS (
    SELECT model_version, first_scored_at FROM model_versions
    UNION ALL
    SELECT model_version, min(scored_at) AS first_scored_at FROM sentiment
    WHERE len(getvariable('metrics_unlisted_versions')) > 0
      AND list_contains(getvariable('metrics_unlisted_versions'), model_version)
    GROUP BY ALL
), coverage AS (
    SELECT d.hour, d.brand, s.model_version, count(*) AS n,
           (SELECT count(*) FROM hour_mentions x WHERE x.hour = d.hour AND x.brand = d.brand) AS volume
    FROM hour_mentions d JOIN hour_sentiment s USING (mention_id)
    GROUP BY ALL
), chosen AS (
    SELECT c.hour, c.brand, c.model_version
    FROM coverage c JOIN introduced i USING (model_version)
    QUALIFY row_number() OVER (PARTITION BY c.hour, c.brand
                               ORDER BY (c.n = c.volume) DESC,
                                        CASE WHEN c.n = c.volume THEN i.first_scored_at END DESC NULLS LAST,
                                        c.n DESC, c.model_version DESC) = 1
), scored AS (
    SELECT d.hour, d.brand, d.source, ch.model_version, s.label
    FROM hour_mentions d
    LEFT JOIN chosen ch USING (hour, brand)
    LEFT JOIN hour_sentiment s ON s.mention_id = d.mention_id AND s.model_version = ch.model_version
)
SELECT hour, brand, coalesce(source, '_all') AS source,
       count(*) AS volume,
       count(label) AS scored,
       count(*) FILTER (WHERE label = 'negative') AS n_negative,
       any_value(model_version) AS model_version,
       now() AS computed_at, $run_id AS run_id
FROM scored
GROUP BY GROUPING SETS ((hour, brand, source), (hour, brand));
DROP TABLE metrics_hour_mentions;
DROP TABLE metrics_hour_sentiment;
