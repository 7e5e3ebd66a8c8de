-- Recompute daily metrics for the days in $days (a list of DATE), per brand and source and in total ('_all').
-- Uses each mention's latest score (v_mentions_scored). Run inside a transaction with the DELETE before it.
DELETE FROM daily_brand_metrics WHERE list_contains($days, day);
INSERT INTO daily_brand_metrics BY NAME
SELECT day, brand, coalesce(source, '_all') AS source,
       count(*) AS volume,
       count(label) AS scored,
       count(*) FILTER (WHERE label = 'negative') AS n_negative,
       count(*) FILTER (WHERE label = 'neutral') AS n_neutral,
       count(*) FILTER (WHERE label = 'positive') AS n_positive,
       count(*) FILTER (WHERE label = 'negative') / nullif(count(label), 0) AS share_negative,
       avg(score) AS mean_score,
       now() AS computed_at, $run_id AS run_id
FROM v_mentions_scored
WHERE list_contains($days, day)
GROUP BY GROUPING SETS ((day, brand, source), (day, brand));
