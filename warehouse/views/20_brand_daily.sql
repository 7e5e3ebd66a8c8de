-- One row per brand and day (all sources), every day from the brand's first to the last day of metrics
-- (v_daily_calendar: a day without mentions has volume 0), with 7- and 28-day rolling figures and week-over-week
-- deltas (the 7 days to this day against the 7 days before them) for trend reading. One model version per brand
-- (v_daily_series), named in model_version. volume_7d_avg: mentions a day over the window's days, empty days
-- counted (the calendar has them): volume_7d / 7 from the brand's 7th day on, and in its first six days the
-- mean of the days so far (the days before its first are not known to be empty, so they are not counted as 0).
-- For the same reason volume_wow_rel and negatives_wow_rel are NULL until the week before is whole (from the
-- brand's 14th day): on its 8th they set its week against its first day alone (+748% for a steady brand).
-- negatives_wow_rel also waits for both weeks to be whole in the series' model: a day another model scored (or
-- one whose mentions are not scored yet) has no counts here, so in the week after `brandpulse rescore --since D`
-- the week before D counted only its days from D on (a steady brand read +1167% on D's 8th day).
CREATE OR REPLACE VIEW v_brand_daily AS
WITH rolled AS (
    SELECT day, brand, volume, scored, n_negative, n_neutral, n_positive, share_negative, mean_score, model_version,
           sum(n_negative) OVER w7 / nullif(sum(scored) OVER w7, 0)    AS share_negative_7d,
           sum(n_negative) OVER w28 / nullif(sum(scored) OVER w28, 0)  AS share_negative_28d,
           avg(volume) OVER w7                                          AS volume_7d_avg,
           sum(volume) OVER w7                                          AS volume_7d,
           sum(volume) OVER prev7                                       AS volume_prev_7d,
           sum(n_negative) OVER w7                                      AS negatives_7d,
           sum(n_negative) OVER prev7                                   AS negatives_prev_7d,
           sum(n_negative) OVER prev7 / nullif(sum(scored) OVER prev7, 0) AS share_negative_prev_7d,
           count(*) OVER prev7 = 7                                      AS prev_week_whole,
           count(n_negative) OVER prev7 = 7 AND count(n_negative) OVER w7 = 7 AS negatives_weeks_whole
    FROM v_daily_calendar
    WHERE source = '_all'
    WINDOW w7    AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW),
           prev7 AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 13 DAYS PRECEDING
                                                            AND INTERVAL 7 DAYS PRECEDING),
           w28   AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 27 DAYS PRECEDING AND CURRENT ROW)
)
SELECT * EXCLUDE (prev_week_whole, negatives_weeks_whole),
       share_negative_7d - share_negative_prev_7d             AS share_negative_wow,      -- in share points
       CASE WHEN prev_week_whole THEN volume_7d / nullif(volume_prev_7d, 0) - 1 END
                                                              AS volume_wow_rel,          -- +0.25 = 25% more
       CASE WHEN negatives_weeks_whole THEN negatives_7d / nullif(negatives_prev_7d, 0) - 1 END AS negatives_wow_rel
FROM rolled;
