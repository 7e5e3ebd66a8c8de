-- The social signal of each brand per day, ISO week (Monday start) and calendar month, all sources (UTC days):
-- days with data, volume, scored mentions, share negative, and the mean score weighted by each day's scored
-- mentions. period_start is the day, the week's Monday or the month's first day. The CX views (70, 71) and
-- the lead/lag analysis (queries/surveys/xcorr_series.sql) read it.
--   SELECT period_start, social_volume, share_negative FROM v_social_period
--   WHERE brand = 'parcelo' AND period = 'week' ORDER BY period_start;
CREATE OR REPLACE VIEW v_social_period AS
SELECT p.period, brand, CAST(date_trunc(p.period, day) AS DATE) AS period_start,
       count(*) AS social_days, CAST(sum(volume) AS BIGINT) AS social_volume,
       CAST(sum(scored) AS BIGINT) AS social_scored,
       sum(n_negative) / nullif(sum(scored), 0) AS share_negative,
       sum(mean_score * scored) / nullif(sum(scored), 0) AS mean_score
FROM v_daily_series
CROSS JOIN (VALUES ('day'), ('week'), ('month')) p(period)
WHERE source = '_all'
GROUP BY ALL;
