-- The most-engaged negative mentions of a day, with links. $brand, $day.
SELECT text, url, source, channel, coalesce(engagement, 0) AS engagement, created_at
FROM v_mentions_scored
WHERE brand = $brand AND label = 'negative' AND day = $day
ORDER BY engagement DESC NULLS LAST, p_negative DESC, mention_id
LIMIT 5;
