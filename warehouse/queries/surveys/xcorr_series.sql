-- The paired series of one brand for the lead/lag analysis, one row per period ($period: 'day' or 'week'):
-- the social mean score and share negative (all sources) and the survey NPS, CSAT and CES (all touchpoints
-- and segments), NULL where a side has no value. $brand.
WITH social AS (
    SELECT CASE WHEN $period = 'week' THEN CAST(date_trunc('week', day) AS DATE) ELSE day END AS period_start,
           sum(mean_score * scored) / nullif(sum(scored), 0) AS mean_score,
           sum(n_negative) / nullif(sum(scored), 0) AS share_negative
    FROM daily_brand_metrics
    WHERE brand = $brand AND source = '_all'
    GROUP BY ALL
), cx AS (
    SELECT period_start,
           max(value) FILTER (WHERE metric = 'nps') AS nps,
           max(value) FILTER (WHERE metric = 'csat') AS csat,
           max(value) FILTER (WHERE metric = 'ces') AS ces
    FROM survey_metrics
    WHERE brand = $brand AND period = $period AND touchpoint = '_all' AND segment = '_all'
    GROUP BY ALL
)
SELECT period_start, s.mean_score, s.share_negative, c.nps, c.csat, c.ces
FROM social s FULL OUTER JOIN cx c USING (period_start)
ORDER BY period_start;
