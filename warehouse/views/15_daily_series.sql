-- daily_brand_metrics with one model version per brand series: the version of the brand's newest day. Days
-- whose metrics come from another version (before `brandpulse rescore` reached them after a model change)
-- are left out rather than mixed in, so a trend, a chart or a rolling baseline never mixes two models. The
-- trend views (20, 30, 62) read this; model_version says which model a series is on.
--   SELECT brand, any_value(model_version) AS model, min(day) AS since FROM v_daily_series GROUP BY brand;
CREATE OR REPLACE VIEW v_daily_series AS
SELECT d.*
FROM daily_brand_metrics d
JOIN (
    SELECT brand, arg_max(model_version, day) AS series_model_version
    FROM daily_brand_metrics
    WHERE source = '_all'
    GROUP BY brand
) s USING (brand)
WHERE d.model_version IS NOT DISTINCT FROM s.series_model_version;
