-- Per brand and ISO week (Monday start, UTC days): the social signal next to NPS, CSAT and CES with their
-- 95 % intervals and answer counts (all touchpoints and segments). Either side is NULL in weeks it has no data;
-- social_days counts the week's days with mentions of the series' model (under 7: a week not yet over, a quiet
-- day, or days another model scored). mean_score is the scored-weighted mean of the daily means.
CREATE OR REPLACE VIEW v_cx_social_weekly AS
WITH social AS (
    SELECT brand, period_start AS week_start, social_days, social_volume, social_scored, share_negative, mean_score
    FROM v_social_period
    WHERE period = 'week'
), cx AS (
    SELECT * EXCLUDE (period, period_start), period_start AS week_start
    FROM v_survey_period
    WHERE period = 'week'
)
SELECT brand, week_start, strftime(week_start, '%G-W%V') AS iso_week,
       social_days, social_volume, social_scored, share_negative, mean_score,
       nps, nps_low, nps_high, nps_n, csat, csat_low, csat_high, csat_n, ces, ces_low, ces_high, ces_n,
       survey_low_n
FROM social FULL OUTER JOIN cx USING (brand, week_start)
ORDER BY brand, week_start;
