-- Per brand and calendar month (UTC days): the social signal next to NPS, CSAT and CES with their 95 %
-- intervals and answer counts, and churn and CLV (all segments). NULL where a side has no data.
CREATE OR REPLACE VIEW v_cx_social_monthly AS
WITH social AS (
    SELECT brand, period_start AS month, social_days, social_volume, social_scored, share_negative, mean_score
    FROM v_social_period
    WHERE period = 'month'
), cx AS (
    SELECT * EXCLUDE (period, period_start), period_start AS month
    FROM v_survey_period
    WHERE period = 'month'
), cust AS (
    SELECT brand, month, active_start AS customers_start, churned, churn_rate, churn_low, churn_high,
           arpu, clv_simple, clv_discounted, complete AS customer_month_complete
    FROM customer_metrics
    WHERE segment = '_all'
)
SELECT brand, month, strftime(month, '%Y-%m') AS month_label,
       social_days, social_volume, social_scored, share_negative, mean_score,
       nps, nps_low, nps_high, nps_n, csat, csat_low, csat_high, csat_n, ces, ces_low, ces_high, ces_n,
       survey_low_n, customers_start, churned, churn_rate, churn_low, churn_high, arpu, clv_simple,
       clv_discounted, customer_month_complete
FROM social
FULL OUTER JOIN cx USING (brand, month)
FULL OUTER JOIN cust USING (brand, month)
ORDER BY brand, month;
