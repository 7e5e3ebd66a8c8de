-- `brandpulse summary`: per brand, mentions, reviews, period, share of each label, mean score.
SELECT brand,
       count(*) FILTER (WHERE kind = 'mention') AS mentions,
       count(*) FILTER (WHERE kind = 'review') AS reviews,
       min(day) AS first_day, max(day) AS last_day,
       avg((label = 'negative')::INT) AS negative, avg((label = 'neutral')::INT) AS neutral,
       avg((label = 'positive')::INT) AS positive,
       avg(score) AS mean_score
FROM v_mentions_scored GROUP BY brand ORDER BY brand;
