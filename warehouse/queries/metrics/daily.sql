-- Recompute daily metrics for the days in $days (a list of DATE), per brand and source and in total ('_all').
-- One model version per (day, brand): the newest version (by when it first scored anything) that scored every
-- mention of that brand that day; when none did (a rescore under way), the version that scored the most.
-- Only that version's scores count, so no row mixes two models; its mentions without a score from it count
-- as not scored. Run inside a transaction with the DELETE before it.
--
-- Proportional to the days, not to the history: the days' mentions are found by day (zone maps skip the rest of
-- the table), and their scores among those written since the first of them was loaded (less a day, for clock
-- steps): a score is written after its mention was loaded, and `sentiment` grows in scored_at order. When each
-- version first scored comes from model_versions, not from every score.
DELETE FROM daily_brand_metrics WHERE list_contains($days, day);
CREATE OR REPLACE TEMP TABLE metrics_day_mentions AS
SELECT mention_id, brand, source, day, first_seen FROM mentions
WHERE day BETWEEN list_min($days) AND list_max($days) AND list_contains($days, day);
SET VARIABLE metrics_scored_since = (SELECT min(first_seen) - INTERVAL 1 DAY FROM metrics_day_mentions);
CREATE OR REPLACE TEMP TABLE metrics_day_sentiment AS
SELECT s.mention_id, s.model_version, s.label, s.score
FROM sentiment s SEMI JOIN metrics_day_mentions d USING (mention_id)
WHERE s.scored_at >= getvariable('metrics_scored_since');
-- When each version first scored: model_versions (kept by scoring/insert_mentions.sql); a version it does not list
-- (scores written some other way) from its scores, read only then.
SET VARIABLE metrics_unlisted_versions = (
    SELECT list(DISTINCT model_version) FROM metrics_day_sentiment
    WHERE model_version NOT IN (SELECT model_version FROM model_versions)
);
INSERT INTO daily_brand_metrics BY NAME
WITH day_mentions AS (
    SELECT mention_id, brand, source, day FROM metrics_day_mentions
), day_sentiment AS (
    SELECT * FROM metrics_day_sentiment
), introduced AS (
    SELECT model_version, first_scored_at FROM model_versions
    UNION ALL
    SELECT model_version, min(scored_at) AS first_scored_at FROM sentiment
    WHERE len(getvariable('metrics_unlisted_versions')) > 0
      AND list_contains(getvariable('metrics_unlisted_versions'), model_version)
    GROUP BY ALL
), coverage AS (
    SELECT d.day, d.brand, s.model_version, count(*) AS n,
           (SELECT count(*) FROM day_mentions x WHERE x.day = d.day AND x.brand = d.brand) AS volume
    FROM day_mentions d JOIN day_sentiment s USING (mention_id)
    GROUP BY ALL
), chosen AS (
    SELECT c.day, c.brand, c.model_version
    FROM coverage c JOIN introduced i USING (model_version)
    QUALIFY row_number() OVER (PARTITION BY c.day, c.brand
                               ORDER BY (c.n = c.volume) DESC,
                                        CASE WHEN c.n = c.volume THEN i.first_scored_at END DESC NULLS LAST,
                                        c.n DESC, c.model_version DESC) = 1
), scored AS (
    SELECT d.day, d.brand, d.source, ch.model_version, s.label, s.score
    FROM day_mentions d
    LEFT JOIN chosen ch USING (day, brand)
    LEFT JOIN day_sentiment s ON s.mention_id = d.mention_id AND s.model_version = ch.model_version
)
SELECT day, brand, coalesce(source, '_all') AS source,
       count(*) AS volume,
       count(label) AS scored,
       count(*) FILTER (WHERE label = 'negative') AS n_negative,
       count(*) FILTER (WHERE label = 'neutral') AS n_neutral,
       count(*) FILTER (WHERE label = 'positive') AS n_positive,
       count(*) FILTER (WHERE label = 'negative') / nullif(count(label), 0) AS share_negative,
       avg(score) AS mean_score,
       any_value(model_version) AS model_version,
       now() AS computed_at, $run_id AS run_id
FROM scored
GROUP BY GROUPING SETS ((day, brand, source), (day, brand));
DROP TABLE metrics_day_mentions;
DROP TABLE metrics_day_sentiment;
