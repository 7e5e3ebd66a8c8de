-- A customer source's latest export is its whole list: customers of the sources in $sources that are no
-- longer in it are removed (an erased customer leaves the warehouse too; one whose row was quarantined is still
-- in it: customer_present); the rest are upserted. $run_id.
DELETE FROM customers c
WHERE list_contains($sources, c.source)
  AND NOT EXISTS (SELECT 1 FROM customer_staged s WHERE s.brand = c.brand AND s.customer_hash = c.customer_hash)
  AND NOT EXISTS (SELECT 1 FROM customer_present p WHERE p.source = c.source AND p.customer_hash = c.customer_hash
                      AND (p.brand IS NULL OR p.brand = c.brand));
INSERT INTO customers BY NAME
SELECT brand, customer_hash, source, segment, start_date, end_date, monthly_revenue, location,
       now() AS first_seen, now() AS last_seen, $run_id AS run_id
FROM customer_staged
ON CONFLICT (brand, customer_hash) DO UPDATE SET
    source = excluded.source, segment = excluded.segment, start_date = excluded.start_date,
    end_date = excluded.end_date, monthly_revenue = excluded.monthly_revenue, location = excluded.location,
    last_seen = excluded.last_seen;
DROP TABLE customer_staged;
DROP TABLE customer_present;
