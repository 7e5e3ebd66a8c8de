-- The HTML report: a brand's negative mentions between two days (for this week's drivers and their examples),
-- most engaged first. $brand, $start, $end.
SELECT mention_id, day, coalesce(title || ' ' || text, text) AS text, source, channel, url,
       coalesce(engagement, 0) AS engagement
FROM v_mentions_scored
WHERE brand = $brand AND label = 'negative' AND day BETWEEN $start AND $end
ORDER BY engagement DESC, p_negative DESC, mention_id;
