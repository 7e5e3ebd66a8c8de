-- How many NPS answers of $brand from $first to $last count in the churn-by-NPS analysis, per NPS group: all of
-- them (every survey metric counts them), those linked to a customer of the list, and those not linked.
SELECT CASE WHEN r.nps >= 9 THEN 'promoter' WHEN r.nps >= 7 THEN 'passive' ELSE 'detractor' END AS nps_group,
       count(*) AS answers,
       count(c.customer_hash) AS linked,
       count(*) - count(c.customer_hash) AS unlinked
FROM survey_responses r
LEFT JOIN customers c ON c.brand = r.brand AND c.customer_hash = r.customer_hash
WHERE r.brand = $brand AND r.nps IS NOT NULL AND r.day BETWEEN $first AND $last
GROUP BY ALL
ORDER BY ALL;
