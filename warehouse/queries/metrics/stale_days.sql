-- The days from $first to $last whose daily metrics are older than their data: a mention first seen, or a latest
-- score written, after the day's metrics were computed (or mentions and no metrics at all). A night recomputes
-- them besides its own day: late rows of a look-back day scored by an earlier, crashed run of the night, or by a
-- watch run, are otherwise never counted. Reads only the days' rows (zone maps on day).
WITH m AS (
    SELECT day, max(first_seen) AS seen FROM mentions WHERE day BETWEEN $first AND $last GROUP BY day
), s AS (
    SELECT day, max(scored_at) AS scored FROM sentiment_latest WHERE day BETWEEN $first AND $last GROUP BY day
), d AS (
    SELECT day, min(computed_at) AS computed FROM daily_brand_metrics WHERE day BETWEEN $first AND $last GROUP BY day
)
SELECT m.day
FROM m LEFT JOIN s USING (day) LEFT JOIN d USING (day)
WHERE d.computed IS NULL OR m.seen > d.computed OR s.scored > d.computed
ORDER BY m.day;
