-- The respondents of the churn-by-NPS analysis (pipeline.surveys.roi): a customer of the customer list linked
-- to a survey answer with an NPS, and active on the answer's day (start_date <= day < end_date), per brand,
-- customer and calendar quarter: their latest answer of the quarter (latest_of_quarter, the churn-by-quarter
-- table's one respondent), and when that one is still pending, also their latest complete answer of the quarter
-- (the money pools each customer's latest complete answer over the history: without it, a customer who answered
-- in July and again in August, still pending, would drop out of it). churned: the customer record ends within
-- $window_days days after the answer; complete: that window has ended by as_of, the brand's customer list's last
-- day (its latest start or end date on or before today: an end date in the future is scheduled, not yet data).
-- $brands: the brands to read (NULL: all). An answer's day is its day in the brand's time zone ($zone_brands,
-- $zone_names: pipeline.surveys.customers.calendars), the calendar of the customer list's dates.
-- include: surveys/answer_days
, list_end AS (
    -- the list's last day: its latest start or end date on or before today (an end date after today is a
    -- scheduled end, not yet data: capped at today, it made a list that ends in October look current in December)
    SELECT brand, max(greatest(start_date, CASE WHEN end_date <= current_date THEN end_date END)) AS as_of
    FROM customers
    WHERE start_date <= current_date
    GROUP BY brand
), linked AS (
    SELECT r.brand, r.customer_hash, r.day, r.nps, coalesce(c.segment, '(none)') AS segment, c.end_date, a.as_of,
           CAST(date_trunc('quarter', r.day) AS DATE) AS quarter_start,
           r.day + CAST($window_days AS INTEGER) <= a.as_of AS complete, r.responded_at, r.source, r.response_id
    FROM answers r
    JOIN customers c ON c.brand = r.brand AND c.customer_hash = r.customer_hash
    JOIN list_end a ON a.brand = r.brand
    WHERE r.nps IS NOT NULL AND customer_active_on(c.start_date, c.end_date, r.day)
      AND ($brands IS NULL OR list_contains($brands, r.brand))
), ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY brand, customer_hash, quarter_start
                              ORDER BY responded_at DESC, source, response_id) AS nth,
           row_number() OVER (PARTITION BY brand, customer_hash, quarter_start, complete
                              ORDER BY responded_at DESC, source, response_id) AS nth_alike
    FROM linked
)
SELECT brand, customer_hash, segment, quarter_start, day, nps,
       nps_group(nps) AS nps_group,
       coalesce(end_date <= day + CAST($window_days AS INTEGER), false) AS churned,
       complete, nth = 1 AS latest_of_quarter, end_date, as_of
FROM ranked
WHERE nth = 1 OR (complete AND nth_alike = 1)
ORDER BY brand, quarter_start, segment, customer_hash, day;
