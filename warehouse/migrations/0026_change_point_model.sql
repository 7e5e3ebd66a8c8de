-- 0026: the model version of the series each change point was placed on (the night's, as its detector read it:
-- pipeline.alerts.incidents._night_model). After a model change and a `brandpulse rescore`, a shift placed on the
-- older model's series stayed marked on the report's chart, drawn in the newer model's series, with the older
-- model's levels (12% → 37% over a series flat at 10%), until a later night placed a shift near it. The report marks
-- only those of its series' model. Filled here where the night's metrics were not recomputed since the change point
-- was first saved (what it read is still there); NULL for the others: not known, marked as before.
ALTER TABLE change_points ADD COLUMN model_version VARCHAR;
UPDATE change_points SET model_version = m.model_version
FROM daily_brand_metrics m
WHERE m.brand = change_points.brand AND m.source = '_all' AND m.day = coalesce(change_points.night, change_points.day)
  AND m.computed_at <= change_points.detected_at;
