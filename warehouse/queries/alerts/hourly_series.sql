-- A brand's hourly totals (all sources) in [$start, $end), oldest first, in one model version, named in model: $model
-- (an hourly alert's own, alerts.model_version: the one its detector and explanation read), or, with $model NULL,
-- that of the brand's latest scored hour before $end (pipeline.alerts.incidents._hourly_model). The watch's intraday
-- detector reads its five weeks of history so (pipeline.metrics.hourly_series, $model NULL), and the
-- hourly alert chart its 48 hours (pipeline/charts.py; hours without a row drawn as zero) in its alert's model: sent
-- (held for quiet hours, retried) after a `brandpulse rescore --since` that reached its window, the latest hour's
-- model drew a 50-negative alert with the new model's 10. The hours whose metrics another model has since are then
-- counted from $model's own scores, where it scored every mention of the hour, as the metrics counted them
-- (metrics/scored_by_version.sql; as alerts/chart_series.sql does a day). Hours another model scored are left out,
-- so neither mixes two models. An $end inside an hour (a 15-minute run's 08:30) ends the series with that hour so
-- far: its mentions before $end alone (so_far), not its row, which holds every mention of the hour loaded by now (a
-- replay, or a run cleared and run again after later runs loaded the rest of the hour, paged 08:00-08:30 for the
-- hour's 60 negatives where 30 had been posted; an alert's chart drawn after them, its 60 beside its 30).
-- $brand, $start, $end, $model (NULL: the latest hour's).
WITH latest AS (
    SELECT model_version AS model FROM hourly_brand_metrics
    WHERE brand = $brand AND source = '_all' AND hour < $end AND model_version IS NOT NULL
    ORDER BY hour DESC LIMIT 1
), chosen AS (
    SELECT coalesce($model, (SELECT model FROM latest)) AS model
), kept AS (
    SELECT hour, scored AS volume, n_negative FROM hourly_brand_metrics
    WHERE brand = $brand AND source = '_all' AND hour >= $start AND hour < $end
      AND model_version IS NOT DISTINCT FROM (SELECT model FROM chosen)
), so_far AS (  -- kept's hour that $end falls inside, counted to $end as the metrics count (model_read)
    SELECT k.hour,
           count(s.mention_id) FILTER (WHERE model_read(s.note)) AS volume,
           count(s.mention_id) FILTER (WHERE model_read(s.note) AND s.label = 'negative') AS n_negative
    FROM kept k
    LEFT JOIN mentions m ON m.brand = $brand AND m.created_at >= k.hour AND m.created_at < $end
    LEFT JOIN sentiment s ON s.mention_id = m.mention_id AND s.model_version = (SELECT model FROM chosen)
    WHERE k.hour = date_trunc('hour', CAST($end AS TIMESTAMPTZ)) AND k.hour < $end
    GROUP BY k.hour
), recounted AS (  -- only when the alert's model is not the latest hour's (a rescore that reached its hours)
    SELECT date_trunc('hour', m.created_at) AS hour,
           count(s.mention_id) FILTER (WHERE model_read(s.note)) AS volume,
           count(s.mention_id) FILTER (WHERE model_read(s.note) AND s.label = 'negative') AS n_negative
    FROM mentions m
    LEFT JOIN sentiment s ON s.mention_id = m.mention_id AND s.model_version = $model
    WHERE $model IS NOT NULL AND $model IS DISTINCT FROM (SELECT model FROM latest)
      AND m.brand = $brand AND m.created_at >= $start AND m.created_at < $end
      AND date_trunc('hour', m.created_at) NOT IN (SELECT hour FROM kept)
    GROUP BY ALL
    HAVING count(s.mention_id) = count(*)
)
SELECT hour, volume, n_negative, (SELECT model FROM chosen) AS model
FROM (SELECT * FROM kept WHERE hour NOT IN (SELECT hour FROM so_far)
      UNION ALL SELECT * FROM so_far UNION ALL SELECT * FROM recounted)
ORDER BY hour;
