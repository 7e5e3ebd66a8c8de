-- The "scored" rule shared by metrics/daily.sql and metrics/hourly.sql, which include this file (a line
-- "-- include: metrics/scored_by_version"; see warehouse.sql). From the temp table metrics_period_mentions
-- (mention_id, brand, source, period, first_seen), where period is a day or an hour, it makes the temp table
-- metrics_period_scored (period, brand, source, model_version, label, score): one row per mention, scored by
-- one model version per (period, brand): the newest version (by when it first scored anything) that scored every
-- mention of that brand in the period; when none did (a rescore under way), the version that scored the most.
-- Only that version's scores count, so no row mixes two models; its mentions without a score from it have no
-- label (not scored), nor have those it did not read (note 'unreadable': a script its vocabulary lacks, recorded
-- neutral without running the model: model_read in views/05_shared_rules.sql), which count in the volume but not in
-- the scored count, shares or mean score: a Polish brand's six Ukrainian complaints read as neutral took its share
-- negative from 50% to 25%.
--
-- Proportional to the periods, not to the history: their scores are looked up among those written since the
-- first of their mentions was loaded (the macro scores_written_since, views/05_shared_rules.sql). When each version
-- first scored comes from model_versions, not from every score.
SET VARIABLE metrics_scored_since = (SELECT scores_written_since(min(first_seen)) FROM metrics_period_mentions);
CREATE OR REPLACE TEMP TABLE metrics_period_sentiment AS
SELECT s.mention_id, s.model_version,
       CASE WHEN model_read(s.note) THEN s.label END AS label,
       CASE WHEN model_read(s.note) THEN s.score END AS score
FROM sentiment s SEMI JOIN metrics_period_mentions d USING (mention_id)
WHERE s.scored_at >= getvariable('metrics_scored_since');
-- When each version first scored: model_versions (kept by scoring/insert_mentions.sql); a version it does not list
-- (scores written some other way) from its scores, read only then.
SET VARIABLE metrics_unlisted_versions = (
    SELECT list(DISTINCT model_version) FROM metrics_period_sentiment
    WHERE model_version NOT IN (SELECT model_version FROM model_versions)
);
CREATE OR REPLACE TEMP TABLE metrics_period_scored AS
WITH introduced AS (
    SELECT model_version, first_scored_at FROM model_versions
    UNION ALL
    SELECT model_version, min(scored_at) AS first_scored_at FROM sentiment
    WHERE len(getvariable('metrics_unlisted_versions')) > 0
      AND list_contains(getvariable('metrics_unlisted_versions'), model_version)
    GROUP BY ALL
), coverage AS (
    SELECT d.period, d.brand, s.model_version, count(*) AS n,
           (SELECT count(*) FROM metrics_period_mentions x WHERE x.period = d.period AND x.brand = d.brand) AS volume
    FROM metrics_period_mentions d JOIN metrics_period_sentiment s USING (mention_id)
    GROUP BY ALL
), chosen AS (
    SELECT c.period, c.brand, c.model_version
    FROM coverage c JOIN introduced i USING (model_version)
    QUALIFY row_number() OVER (PARTITION BY c.period, c.brand
                               ORDER BY (c.n = c.volume) DESC,
                                        CASE WHEN c.n = c.volume THEN i.first_scored_at END DESC NULLS LAST,
                                        c.n DESC, c.model_version DESC) = 1
)
SELECT d.period, d.brand, d.source, ch.model_version, s.label, s.score
FROM metrics_period_mentions d
LEFT JOIN chosen ch USING (period, brand)
LEFT JOIN metrics_period_sentiment s ON s.mention_id = d.mention_id AND s.model_version = ch.model_version;
DROP TABLE metrics_period_sentiment;
