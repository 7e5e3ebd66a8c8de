-- v_daily_series on a calendar: one row per brand, source ('_all' included) and every day from the pair's first
-- day of metrics (whichever model scored it) to the last day of metrics (of any brand), so that a window "the 7 days to day X" has a row
-- on X whatever that day brought, and a day's sources add up to their brand. daily_brand_metrics has no row for
-- a day without mentions: here that day has volume and counts 0, no share and no mean score. A day that another
-- model scored (left out of v_daily_series) keeps its volume, its counts, share and mean NULL, so the rolling
-- shares stay on one model. A day with mentions and nothing scored yet (daily_brand_metrics' NULL model_version)
-- has scored 0 and no counts: its negatives are not known to be 0 (v_brand_daily's negatives_wow_rel waits for
-- them). model_version: the series' model. The trend views (20, 30) read this.
--   SELECT day, source, volume, share_negative FROM v_daily_calendar WHERE brand = 'parcelo' ORDER BY day, source;
CREATE OR REPLACE VIEW v_daily_calendar AS
WITH pairs AS (  -- from daily_brand_metrics: days before the series' first, another model's, keep their volume
    SELECT m.brand, m.source, min(m.day) AS first_day, any_value(s.model_version) AS model_version
    FROM daily_brand_metrics m
    JOIN (SELECT DISTINCT brand, model_version FROM v_daily_series) s USING (brand)
    GROUP BY m.brand, m.source
), calendar AS (
    SELECT brand, source, model_version,
           CAST(unnest(generate_series(first_day, (SELECT max(day) FROM daily_brand_metrics), INTERVAL 1 DAY))
                AS DATE) AS day
    FROM pairs
)
SELECT c.day, c.brand, c.source,
       coalesce(m.volume, 0) AS volume,
       CASE WHEN m.day IS NULL THEN 0 ELSE d.scored END     AS scored,
       CASE WHEN m.day IS NULL THEN 0 WHEN m.model_version IS NOT NULL THEN d.n_negative END AS n_negative,
       CASE WHEN m.day IS NULL THEN 0 WHEN m.model_version IS NOT NULL THEN d.n_neutral END  AS n_neutral,
       CASE WHEN m.day IS NULL THEN 0 WHEN m.model_version IS NOT NULL THEN d.n_positive END AS n_positive,
       d.share_negative, d.mean_score, c.model_version
FROM calendar c
LEFT JOIN daily_brand_metrics m USING (brand, source, day)
LEFT JOIN v_daily_series d USING (brand, source, day);
