-- One row per brand, source and day, every day from the source's first to the last day of metrics
-- (v_daily_calendar: a day without mentions has volume 0, so "the 7 days to day X" has a row on X for every
-- source, and the sources of a day add up to v_brand_daily's), with the source's 7-day figures and
-- week-over-week change (volume_wow_rel: NULL until the week before is whole, from the source's 14th day, as in
-- v_brand_daily).
CREATE OR REPLACE VIEW v_source_daily AS
SELECT day, brand, source, volume, scored, n_negative, n_neutral, n_positive, share_negative, mean_score, model_version,
       sum(n_negative) OVER w7 / nullif(sum(scored) OVER w7, 0)                AS share_negative_7d,
       sum(n_negative) OVER w28 / nullif(sum(scored) OVER w28, 0)              AS share_negative_28d,
       sum(volume) OVER w7                                                     AS volume_7d,
       CASE WHEN count(*) OVER prev7 = 7
            THEN sum(volume) OVER w7 / nullif(sum(volume) OVER prev7, 0) - 1 END AS volume_wow_rel,
       sum(n_negative) OVER w7 / nullif(sum(scored) OVER w7, 0)
           - sum(n_negative) OVER prev7 / nullif(sum(scored) OVER prev7, 0)    AS share_negative_wow
FROM v_daily_calendar
WHERE source <> '_all'
WINDOW w7    AS (PARTITION BY brand, source ORDER BY day RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW),
       prev7 AS (PARTITION BY brand, source ORDER BY day RANGE BETWEEN INTERVAL 13 DAYS PRECEDING
                                                                  AND INTERVAL 7 DAYS PRECEDING),
       w28   AS (PARTITION BY brand, source ORDER BY day RANGE BETWEEN INTERVAL 27 DAYS PRECEDING AND CURRENT ROW);
