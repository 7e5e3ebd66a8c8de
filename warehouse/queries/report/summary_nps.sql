-- `brandpulse summary`: each brand's latest weekly NPS (all touchpoints and segments) with its 95% interval
-- and its month's churn.
SELECT m.brand, m.period_start AS week, m.value, m.low, m.high, m.n, m.low_n,
       (SELECT churn_rate FROM v_customer_metrics c
        WHERE c.brand = m.brand AND c.segment = '_all' AND c.month <= m.period_start
        ORDER BY c.month DESC LIMIT 1) AS churn_rate
FROM v_survey_metrics m
WHERE m.period = 'week' AND m.metric = 'nps' AND m.touchpoint = '_all' AND m.segment = '_all'
QUALIFY row_number() OVER (PARTITION BY m.brand ORDER BY m.period_start DESC) = 1
ORDER BY m.brand;
