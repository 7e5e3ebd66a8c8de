-- Where a day's negatives came from: source, and the channel (subreddit, app, forum) within it; only those $model
-- (the night's) scored negative, as the day's metrics count them. $brand, $day, $model.
SELECT source || coalesce(' · ' || coalesce(channel, platform), '') AS origin, count(*) AS negatives
FROM v_mentions_scored
WHERE brand = $brand AND label = 'negative' AND day = $day AND model_version IS NOT DISTINCT FROM $model
GROUP BY ALL
ORDER BY negatives DESC, origin
LIMIT 8;
