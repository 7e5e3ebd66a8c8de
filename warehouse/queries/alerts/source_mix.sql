-- A shift's sources before and since its change point: each source's scored mentions and negatives on the days
-- from $start to before $cp (the segment before the shift) and from $cp to the night ($day), of the night's
-- model ($model, as the detector's series), so the shift alert can say when the sources' mix moved with it.
SELECT source,
       coalesce(sum(scored) FILTER (WHERE day < $cp), 0)      AS before_scored,
       coalesce(sum(n_negative) FILTER (WHERE day < $cp), 0)  AS before_negative,
       coalesce(sum(scored) FILTER (WHERE day >= $cp), 0)     AS since_scored,
       coalesce(sum(n_negative) FILTER (WHERE day >= $cp), 0) AS since_negative
FROM daily_brand_metrics
WHERE brand = $brand AND source <> '_all' AND day BETWEEN $start AND $day
  AND model_version IS NOT DISTINCT FROM $model
GROUP BY source
ORDER BY source;
