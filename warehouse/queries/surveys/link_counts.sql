-- How many NPS answers from $first to $last (NULL: no bound) count in the churn-by-NPS analysis, per brand and NPS
-- group: all of them (every survey metric counts them), those linked to a customer of the list who was a customer
-- on the answer's day (start_date <= day < end_date: the respondents), those linked to a record of the list but
-- answered outside its span (before the start or from the end date on: left out of churn and money), and those not
-- linked. $brands: the brands to read (NULL: all). Days are the answers' days in the brand's time zone
-- ($zone_brands, $zone_names), as in surveys/respondents.
-- include: surveys/answer_days
SELECT r.brand,
       nps_group(r.nps) AS nps_group,
       count(*) AS answers,
       count(*) FILTER (WHERE customer_active_on(c.start_date, c.end_date, r.day)) AS linked,
       count(c.customer_hash)
           FILTER (WHERE NOT (customer_active_on(c.start_date, c.end_date, r.day))) AS not_customer,
       count(*) - count(c.customer_hash) AS unlinked
FROM answers r
LEFT JOIN customers c ON c.brand = r.brand AND c.customer_hash = r.customer_hash
WHERE r.nps IS NOT NULL AND ($brands IS NULL OR list_contains($brands, r.brand))
  AND ($first IS NULL OR r.day >= $first) AND ($last IS NULL OR r.day <= $last)
GROUP BY ALL
ORDER BY ALL;
