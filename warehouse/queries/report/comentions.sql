-- The HTML report: a brand's mentions whose text names a competitor ($pattern, an RE2 regular expression, in NFC),
-- per day, with their sentiment. $brand, $start, $day, $pattern; $fold_from, $fold_to (report.build.COMENTION_FOLD:
-- the characters of $fold_from past the length of $fold_to are removed). Texts are compared in NFC (a decomposed
-- "Żabka" is "Żabka"), without soft hyphens and zero-width characters, with one apostrophe.
-- Every mention counts in the volume; only scores of $model (the brand's series model, v_daily_series) in the
-- sentiment, so the section never mixes two models.
SELECT day, count(*) AS volume,
       count(label) FILTER (WHERE model_version = $model) AS scored,
       count(*) FILTER (WHERE label = 'negative' AND model_version = $model) AS n_negative,
       count(*) FILTER (WHERE label = 'positive' AND model_version = $model) AS n_positive,
       avg(score) FILTER (WHERE model_version = $model) AS mean_score
FROM v_mentions_scored
WHERE brand = $brand AND day BETWEEN $start AND $day
  AND regexp_matches(nfc_normalize(translate(mention_text(title, text), $fold_from, $fold_to)), $pattern)
GROUP BY day
ORDER BY day;
