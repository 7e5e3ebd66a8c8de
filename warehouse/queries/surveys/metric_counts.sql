-- The counts the survey estimates need, per period (UTC day, ISO week from Monday, month) x brand x
-- touchpoint x segment, with '_all' rollups over touchpoint, segment and both. Missing touchpoint or segment
-- is '(none)'. Promoters answer 9-10, detractors 0-6 (nps_group, views/05_shared_rules.sql); CSAT top-2 is
-- 4-5; CES uses ces_norm (1-7, 7 = least effort).
WITH r AS (
    SELECT brand, day, coalesce(touchpoint, '(none)') AS touchpoint, coalesce(segment, '(none)') AS segment,
           nps, csat, ces_norm
    FROM survey_responses
), p AS (
    SELECT 'day' AS period, day AS period_start, * EXCLUDE (day) FROM r
    UNION ALL
    SELECT 'week', CAST(date_trunc('week', day) AS DATE), * EXCLUDE (day) FROM r
    UNION ALL
    SELECT 'month', CAST(date_trunc('month', day) AS DATE), * EXCLUDE (day) FROM r
)
SELECT period, period_start, brand,
       CASE WHEN grouping(touchpoint) = 1 THEN '_all' ELSE touchpoint END AS touchpoint,
       CASE WHEN grouping(segment) = 1 THEN '_all' ELSE segment END AS segment,
       count(*) FILTER (WHERE nps_group(nps) = 'promoter') AS promoters,
       count(*) FILTER (WHERE nps_group(nps) = 'passive') AS passives,
       count(*) FILTER (WHERE nps_group(nps) = 'detractor') AS detractors,
       count(csat) AS csat_n,
       count(*) FILTER (WHERE csat >= 4) AS csat_top2,
       count(ces_norm) AS ces_n,
       avg(ces_norm) AS ces_mean,
       stddev_samp(ces_norm) AS ces_sd
FROM p
GROUP BY GROUPING SETS ((period, period_start, brand, touchpoint, segment), (period, period_start, brand, touchpoint),
                        (period, period_start, brand, segment), (period, period_start, brand))
ORDER BY ALL;
