-- One row per brand and day (all sources), every day from the brand's first to the last day of metrics
-- (v_daily_calendar: a day without mentions has volume 0), with 7- and 28-day rolling figures and week-over-week
-- deltas (the 7 days to this day against the 7 days before them) for trend reading. One model version per brand
-- (v_daily_series), named in model_version. volume_7d_avg: mentions a day over the window's days, empty days
-- counted (the calendar has them): volume_7d / 7 from the brand's 7th day on, and in its first six days the
-- mean of the days so far (the days before its first are not known to be empty, so they are not counted as 0).
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
           sum(n_negative) OVER prev7 / nullif(sum(scored) OVER prev7, 0) AS share_negative_prev_7d
    FROM v_daily_calendar
    WHERE source = '_all'
    WINDOW w7    AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW),
           prev7 AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 13 DAYS PRECEDING
                                                            AND INTERVAL 7 DAYS PRECEDING),
           w28   AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 27 DAYS PRECEDING AND CURRENT ROW)
)
SELECT *,
       share_negative_7d - share_negative_prev_7d             AS share_negative_wow,      -- in share points
       volume_7d / nullif(volume_prev_7d, 0) - 1              AS volume_wow_rel,          -- +0.25 = 25% more
       negatives_7d / nullif(negatives_prev_7d, 0) - 1        AS negatives_wow_rel
FROM rolled;
