-- Recompute daily metrics for the days in $days (a list of DATE), per brand and source and in total ('_all').
-- One model version per (day, brand): the newest version (by when it first scored anything) that scored every
-- mention of that brand that day; when none did (a rescore under way), the version that scored the most.
-- Only that version's scores count, so no row mixes two models; its mentions without a score from it count
-- as not scored. Run inside a transaction with the DELETE before it.
DELETE FROM daily_brand_metrics WHERE list_contains($days, day);
INSERT INTO daily_brand_metrics BY NAME
WITH day_mentions AS (
    SELECT mention_id, brand, source, day FROM mentions WHERE list_contains($days, day)
), introduced AS (
    SELECT model_version, min(scored_at) AS first_scored_at FROM sentiment GROUP BY ALL
), coverage AS (
    SELECT d.day, d.brand, s.model_version, count(*) AS n,
           (SELECT count(*) FROM day_mentions x WHERE x.day = d.day AND x.brand = d.brand) AS volume
    FROM day_mentions d JOIN sentiment s USING (mention_id)
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
    LEFT JOIN sentiment s ON s.mention_id = d.mention_id AND s.model_version = ch.model_version
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
