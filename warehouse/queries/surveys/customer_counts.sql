-- What a customer import will do: distinct staged customers, new, changed, and removed (no longer in the
-- export of a source that was read whole: $sources).
SELECT (SELECT count(*) FROM customer_staged) AS staged,
       (SELECT count(*) FROM customer_staged s ANTI JOIN customers c USING (brand, customer_hash)) AS new,
       (SELECT count(*) FROM customer_staged s JOIN customers c USING (brand, customer_hash)
        WHERE s.source IS DISTINCT FROM c.source OR s.segment IS DISTINCT FROM c.segment
           OR s.start_date IS DISTINCT FROM c.start_date OR s.end_date IS DISTINCT FROM c.end_date
           OR s.monthly_revenue IS DISTINCT FROM c.monthly_revenue) AS changed,
       (SELECT count(*) FROM customers c ANTI JOIN customer_staged s USING (brand, customer_hash)
        WHERE list_contains($sources, c.source)
          AND NOT EXISTS (SELECT 1 FROM customer_present p WHERE p.source = c.source AND p.customer_hash = c.customer_hash
                AND (p.brand IS NULL OR p.brand = c.brand))) AS removed;
