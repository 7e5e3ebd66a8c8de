-- Where the negatives of $first to $day came from (a spike's day; a shift's days since its change point): source,
-- and the channel (subreddit, app, forum) within it; only those the night's model scored negative, as the day's
-- metrics count them (night_negatives: alerts/night_negatives.sql). $first, $day.
SELECT source || coalesce(' · ' || coalesce(channel, platform), '') AS origin, count(*) AS negatives
FROM night_negatives
WHERE day BETWEEN $first AND $day
GROUP BY ALL
ORDER BY negatives DESC, origin
LIMIT 8;
