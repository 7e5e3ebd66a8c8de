-- Recompute hourly metrics for the hours in $hours (a list of TIMESTAMPTZ hour starts, UTC), per brand and
-- source and in total ('_all'). The "scored" rule of metrics/daily.sql at hourly grain: one model version per
-- (hour, brand), the newest that scored every mention of the brand that hour, else the one that scored the most;
-- only its scores count. Run inside a transaction with the DELETE before it. $run_id.
DELETE FROM hourly_brand_metrics WHERE list_contains($hours, hour);
INSERT INTO hourly_brand_metrics BY NAME
WITH hour_mentions AS (
    SELECT mention_id, brand, source, date_trunc('hour', created_at) AS hour
    FROM mentions
    WHERE created_at >= list_min($hours) AND created_at < list_max($hours) + INTERVAL 1 HOUR
      AND list_contains($hours, date_trunc('hour', created_at))
), introduced AS (
    SELECT model_version, min(scored_at) AS first_scored_at FROM sentiment GROUP BY ALL
), coverage AS (
    SELECT d.hour, d.brand, s.model_version, count(*) AS n,
           (SELECT count(*) FROM hour_mentions x WHERE x.hour = d.hour AND x.brand = d.brand) AS volume
    FROM hour_mentions d JOIN sentiment s USING (mention_id)
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
    LEFT JOIN sentiment s ON s.mention_id = d.mention_id AND s.model_version = ch.model_version
)
SELECT hour, brand, coalesce(source, '_all') AS source,
       count(*) AS volume,
       count(label) AS scored,
       count(*) FILTER (WHERE label = 'negative') AS n_negative,
       any_value(model_version) AS model_version,
       now() AS computed_at, $run_id AS run_id
FROM scored
GROUP BY GROUPING SETS ((hour, brand, source), (hour, brand));
