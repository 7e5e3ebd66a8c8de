-- daily_brand_metrics with one model version per brand series: the version of the brand's newest scored day.
-- Days whose metrics come from another version (before `brandpulse rescore` reached them after a model change)
-- are left out rather than mixed in, so a trend, a chart or a rolling baseline never mixes two models. A day
-- with nothing scored (mentions loaded, their scoring not yet done or failed: daily_brand_metrics gives every
-- row of that brand's day a NULL model_version, so a day is never half NULL) stays in, its volume with no
-- shares. A row computed before migration 0005 has a NULL model_version too, but counts an unknown model's
-- scores: it is left out unless it scored nothing. model_version names the series' model on every row. The
-- trend views read this (17, 62; 20 and 30 through 17).
--   SELECT brand, any_value(model_version) AS model, min(day) AS since FROM v_daily_series GROUP BY brand;
CREATE OR REPLACE VIEW v_daily_series AS
SELECT d.* REPLACE (s.series_model_version AS model_version)
FROM daily_brand_metrics d
JOIN (
    SELECT brand, arg_max(model_version, day) AS series_model_version
    FROM daily_brand_metrics
    WHERE source = '_all'
    GROUP BY brand
) s USING (brand)
WHERE d.model_version = s.series_model_version OR (d.model_version IS NULL AND d.scored = 0);
