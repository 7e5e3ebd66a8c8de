-- Which model version each daily metrics row was computed from: one version per row, never a mix
-- (see warehouse/queries/metrics/daily.sql). Rows computed before this migration keep NULL until recomputed.
ALTER TABLE daily_brand_metrics ADD COLUMN model_version VARCHAR;
