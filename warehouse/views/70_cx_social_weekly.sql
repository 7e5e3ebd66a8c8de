-- Per brand and ISO week (Monday start, UTC days): the social signal next to NPS, CSAT and CES with their
-- 95 % intervals and answer counts (all touchpoints and segments). Either side is NULL in weeks it has no data;
-- social_days < 7 marks a partial week. mean_score is the scored-weighted mean of the daily means.
CREATE OR REPLACE VIEW v_cx_social_weekly AS
WITH social AS (
    SELECT brand, CAST(date_trunc('week', day) AS DATE) AS week_start,
           count(*) AS social_days, CAST(sum(volume) AS BIGINT) AS social_volume,
           CAST(sum(scored) AS BIGINT) AS social_scored,
           sum(n_negative) / nullif(sum(scored), 0) AS share_negative,
           sum(mean_score * scored) / nullif(sum(scored), 0) AS mean_score
    FROM daily_brand_metrics
    WHERE source = '_all'
    GROUP BY ALL
), cx AS (
    SELECT brand, period_start AS week_start,
           max(value) FILTER (WHERE metric = 'nps')  AS nps,
           max(low)   FILTER (WHERE metric = 'nps')  AS nps_low,
           max(high)  FILTER (WHERE metric = 'nps')  AS nps_high,
           max(n)     FILTER (WHERE metric = 'nps')  AS nps_n,
           max(value) FILTER (WHERE metric = 'csat') AS csat,
           max(low)   FILTER (WHERE metric = 'csat') AS csat_low,
           max(high)  FILTER (WHERE metric = 'csat') AS csat_high,
           max(n)     FILTER (WHERE metric = 'csat') AS csat_n,
           max(value) FILTER (WHERE metric = 'ces')  AS ces,
           max(low)   FILTER (WHERE metric = 'ces')  AS ces_low,
           max(high)  FILTER (WHERE metric = 'ces')  AS ces_high,
           max(n)     FILTER (WHERE metric = 'ces')  AS ces_n,
           bool_or(low_n) AS survey_low_n
    FROM survey_metrics
    WHERE period = 'week' AND touchpoint = '_all' AND segment = '_all'
    GROUP BY ALL
)
SELECT brand, week_start, strftime(week_start, '%G-W%V') AS iso_week,
       social_days, social_volume, social_scored, share_negative, mean_score,
       nps, nps_low, nps_high, nps_n, csat, csat_low, csat_high, csat_n, ces, ces_low, ces_high, ces_n,
       survey_low_n
FROM social FULL OUTER JOIN cx USING (brand, week_start)
ORDER BY brand, week_start;
