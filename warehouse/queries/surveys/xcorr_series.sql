-- The paired series of one brand for the lead/lag analysis, one row per period ($period: 'day' or 'week') from
-- the first period with a value on either side to the last: the social mean score and share negative (all
-- sources) and the survey NPS, CSAT and CES (all touchpoints and segments), NULL where a side has no value. A
-- period with neither is a row of NULLs, not a missing row: the lags count periods, so a week with no data must
-- still be a week. $brand.
WITH joined AS (
    SELECT period_start, s.mean_score, s.share_negative, c.nps, c.csat, c.ces
    FROM (SELECT * FROM v_social_period WHERE brand = $brand AND period = $period) s
    FULL OUTER JOIN (SELECT * FROM v_survey_period WHERE brand = $brand AND period = $period) c USING (period_start)
), calendar AS (
    SELECT CAST(unnest(generate_series(min(period_start), max(period_start),
                                       CASE WHEN $period = 'week' THEN INTERVAL 7 DAY ELSE INTERVAL 1 DAY END))
                AS DATE) AS period_start
    FROM joined
)
SELECT period_start, j.mean_score, j.share_negative, j.nps, j.csat, j.ces
FROM calendar LEFT JOIN joined j USING (period_start)
ORDER BY period_start;
