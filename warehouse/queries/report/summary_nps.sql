-- `brandpulse summary`: each brand's latest weekly NPS (all touchpoints and segments) with its 95% interval,
-- and the churn of the latest complete month up to that week's (the churn of a month the customer list does
-- not reach the end of is still counting up), with that month and its counts (churned of the customers at its
-- start, and whether they are fewer than surveys.min_responses: 20.0% of 10 customers is 2 of them).
SELECT m.brand, m.period_start AS week, m.value, m.low, m.high, m.n, m.low_n, c.churn_rate, c.month AS churn_month,
       c.churned, c.active_start AS churn_base, c.low_n AS churn_low_n
FROM v_survey_metrics m
LEFT JOIN LATERAL (
    SELECT churn_rate, month, churned, active_start, low_n FROM v_customer_metrics c
    WHERE c.brand = m.brand AND c.segment = '_all' AND c.complete AND c.month <= m.period_start
    ORDER BY c.month DESC LIMIT 1
) c ON true
WHERE m.period = 'week' AND m.metric = 'nps' AND m.touchpoint = '_all' AND m.segment = '_all'
QUALIFY row_number() OVER (PARTITION BY m.brand ORDER BY m.period_start DESC) = 1
ORDER BY m.brand;
