-- Where a day's negatives came from: source, and the channel (subreddit, app, forum) within it; only those the
-- night's model scored negative, as the day's metrics count them (night_negatives: alerts/night_negatives.sql).
-- $day.
SELECT source || coalesce(' · ' || coalesce(channel, platform), '') AS origin, count(*) AS negatives
FROM night_negatives
WHERE day = $day
GROUP BY ALL
ORDER BY negatives DESC, origin
LIMIT 8;
