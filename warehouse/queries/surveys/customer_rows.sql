-- Every customer, for the churn and CLV computation.
SELECT customer_id, brand, segment, start_date, end_date, monthly_revenue
FROM customers
ORDER BY brand, customer_id;
