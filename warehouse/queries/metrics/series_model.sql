-- The model version of a brand's trend series (v_daily_series: one per brand, the newest that covers it), NULL when
-- it has none: what a section that counts mentions beside the series reads them in, so that no figure divides one
-- model's negatives by another's scored count. $brand.
SELECT any_value(model_version) AS model FROM v_daily_series WHERE brand = $brand;
