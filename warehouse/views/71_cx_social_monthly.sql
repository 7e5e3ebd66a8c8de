-- Per brand and calendar month (UTC days): the social signal next to NPS, CSAT and CES with their 95 %
-- intervals and answer counts, and churn and CLV (all segments). NULL where a side has no data.
CREATE OR REPLACE VIEW v_cx_social_monthly AS
WITH social AS (
    SELECT brand, CAST(date_trunc('month', day) AS DATE) AS month,
           count(*) AS social_days, CAST(sum(volume) AS BIGINT) AS social_volume,
           CAST(sum(scored) AS BIGINT) AS social_scored,
           sum(n_negative) / nullif(sum(scored), 0) AS share_negative,
           sum(mean_score * scored) / nullif(sum(scored), 0) AS mean_score
    FROM daily_brand_metrics
    WHERE source = '_all'
    GROUP BY ALL
), cx AS (
    SELECT brand, period_start AS month,
           max(value) FILTER (WHERE metric = 'nps')  AS nps,
           max(low)   FILTER (WHERE metric = 'nps')  AS nps_low,
           max(high)  FILTER (WHERE metric = 'nps')  AS nps_high,
           max(n)     FILTER (WHERE metric = 'nps')  AS nps_n,
           max(value) FILTER (WHERE metric = 'csat') AS csat,
           max(low)   FILTER (WHERE metric = 'csat') AS csat_low,
           max(high)  FILTER (WHERE metric = 'csat') AS csat_high,
           max(n)     FILTER (WHERE metric = 'csat') AS csat_n,
           max(value) FILTER (WHERE metric = 'ces')  AS ces,
           max(low)   FILTER (WHERE metric = 'ces')  AS ces_low,
           max(high)  FILTER (WHERE metric = 'ces')  AS ces_high,
           max(n)     FILTER (WHERE metric = 'ces')  AS ces_n,
           bool_or(low_n) AS survey_low_n
    FROM survey_metrics
    WHERE period = 'month' AND touchpoint = '_all' AND segment = '_all'
    GROUP BY ALL
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
