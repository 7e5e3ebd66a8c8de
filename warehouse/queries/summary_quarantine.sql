-- Rows in quarantine per brand.
SELECT brand, count(*) FROM quarantine GROUP BY brand;
