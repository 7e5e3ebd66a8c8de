-- 0025: the model version whose metrics each alert's detector and explanation read (a daily alert's: its day's,
-- pipeline.alerts.incidents._night_model; an hourly one's: its window's latest scored hour's), kept with the alert,
-- so that a chart drawn later (a retry, a resend) draws that model's series, not the one a `brandpulse rescore`
-- that reached the alert's day left in daily_brand_metrics (a chart of 10 negatives under an alert of 50). Filled
-- here for the daily alerts whose day's metrics were not recomputed since (what they read is still there); NULL for
-- the others: their chart reads the day's metrics' model, as before (alerts/chart_series.sql).
ALTER TABLE alerts ADD COLUMN model_version VARCHAR;
UPDATE alerts SET model_version = m.model_version
FROM daily_brand_metrics m
WHERE alerts.kind IN ('spike', 'shift') AND m.brand = alerts.brand AND m.source = '_all' AND m.day = alerts.day
  AND m.computed_at <= alerts.created_at;
