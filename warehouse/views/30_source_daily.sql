-- One row per brand, source and day.
CREATE OR REPLACE VIEW v_source_daily AS
SELECT day, brand, source, volume, scored, n_negative, n_neutral, n_positive, share_negative, mean_score
FROM daily_brand_metrics
WHERE source <> '_all';
