-- The HTML report: a brand's mentions whose text names a competitor ($pattern, an RE2 regular expression, in NFC),
-- per day, with their sentiment. $brand, $start, $day, $pattern; $fold_from, $fold_to (report.build.COMENTION_FOLD:
-- the characters of $fold_from past the length of $fold_to are removed). Texts are compared in NFC (a decomposed
-- "Żabka" is "Żabka"), without soft hyphens, zero-width characters and emoji presentation selectors, with one
-- apostrophe.
-- $own (NULL: none): the brand's own names that contain the competitor's ("Parcelo Express" of a competitor
-- "Parcelo"), removed before the match, so that the brand's name alone is no co-mention; twice, as an
-- occurrence takes the character after it, which the next one right after it needs before it.
-- Every mention counts in the volume; only scores of $model (the brand's series model, v_daily_series) of the
-- series' days in the sentiment, so the section never mixes two models, nor reads a day the series leaves out (a
-- day a stopped rescore scored in part still counts in the other model until its metrics are recomputed).
WITH texts AS (
    SELECT day, label, score,
           model_version = $model
           AND day IN (SELECT day FROM v_daily_series WHERE brand = $brand AND source = '_all') AS counted,
           nfc_normalize(translate(mention_text(title, text), $fold_from, $fold_to)) AS folded
    FROM v_mentions_scored
    WHERE brand = $brand AND day BETWEEN $start AND $day
)
SELECT day, count(*) AS volume,
       count(label) FILTER (WHERE counted) AS scored,
       count(*) FILTER (WHERE label = 'negative' AND counted) AS n_negative,
       count(*) FILTER (WHERE label = 'positive' AND counted) AS n_positive,
       avg(score) FILTER (WHERE counted) AS mean_score
FROM texts
WHERE regexp_matches(
    CASE WHEN $own IS NULL THEN folded
         ELSE regexp_replace(regexp_replace(folded, $own, ' ', 'g'), $own, ' ', 'g') END,
    $pattern)
GROUP BY day
ORDER BY day;
