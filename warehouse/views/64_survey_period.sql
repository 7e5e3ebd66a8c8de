-- NPS, CSAT and CES side by side, one row per brand, period ('day', 'week', 'month') and period start, all
-- touchpoints and segments: each value with its 95 % interval and answer count; survey_low_n is true when any
-- of them rests on too few answers. The CX views (70, 71) and the lead/lag analysis
-- (queries/surveys/xcorr_series.sql) read it.
--   SELECT period_start, nps, nps_low, nps_high, nps_n, csat, ces FROM v_survey_period
--   WHERE brand = 'parcelo' AND period = 'month' ORDER BY period_start;
CREATE OR REPLACE VIEW v_survey_period AS
SELECT brand, period, period_start,
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
WHERE touchpoint = '_all' AND segment = '_all'
GROUP BY brand, period, period_start;
