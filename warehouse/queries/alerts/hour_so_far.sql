-- A brand's mentions of the hour from $hour to before $end (all sources), in model $model, counted as the hourly
-- metrics count them (model_read: a note the model did not read is no scored mention): the last hour of the
-- watch's series, and of its alert's 48-hour chart, when a 15-minute run ends inside it
-- (pipeline.metrics.hourly_series), as the hour's row holds every mention of the hour loaded so far (a replay, a
-- run cleared and run again after later runs loaded the rest of the hour, an alert sent after them).
-- $brand, $hour, $end, $model.
SELECT count(*) FILTER (WHERE model_read(s.note)) AS volume,
       count(*) FILTER (WHERE model_read(s.note) AND s.label = 'negative') AS n_negative
FROM mentions m
JOIN sentiment s ON s.mention_id = m.mention_id AND s.model_version = $model
WHERE m.brand = $brand AND m.created_at >= $hour AND m.created_at < $end;
