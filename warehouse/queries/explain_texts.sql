-- Negative texts of a brand between two days, leaving out flagged days ($skip). $brand, $start, $end, $skip.
SELECT coalesce(title || ' ' || text, text)
FROM v_mentions_scored
WHERE brand = $brand AND label = 'negative' AND day BETWEEN $start AND $end
  AND NOT list_contains($skip, day);
