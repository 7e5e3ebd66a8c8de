-- One row per brand and day (all sources), with 7- and 28-day rolling figures for trend reading.
CREATE OR REPLACE VIEW v_brand_daily AS
SELECT day, brand, volume, scored, n_negative, n_neutral, n_positive, share_negative, mean_score,
       sum(n_negative) OVER w7 / nullif(sum(scored) OVER w7, 0)  AS share_negative_7d,
       sum(n_negative) OVER w28 / nullif(sum(scored) OVER w28, 0) AS share_negative_28d,
       avg(volume) OVER w7                                        AS volume_7d_avg
FROM daily_brand_metrics
WHERE source = '_all'
WINDOW w7  AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW),
       w28 AS (PARTITION BY brand ORDER BY day RANGE BETWEEN INTERVAL 27 DAYS PRECEDING AND CURRENT ROW);
