-- Where a day's negatives came from: source, and the channel (subreddit, app, forum) within it. $brand, $day.
SELECT source || coalesce(' · ' || coalesce(channel, platform), '') AS origin, count(*) AS negatives
FROM v_mentions_scored
WHERE brand = $brand AND label = 'negative' AND day = $day
GROUP BY ALL
ORDER BY negatives DESC, origin
LIMIT 8;
