-- Stage the customers read from customer lists. $files: staged *.customers.jsonl; $columns.
-- A customer repeated (a row per subscription period, the lists' parts) keeps its latest period: the row with the
-- latest start date, of those its last occurrence (seq = order read). By order read alone, a list written newest
-- first kept a returning customer's first period, ended years ago: churned, out of the base and of churn by NPS.
CREATE OR REPLACE TEMP TABLE customer_staged AS
SELECT * EXCLUDE (seq)
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864)
QUALIFY row_number() OVER (PARTITION BY brand, customer_hash ORDER BY start_date DESC, seq DESC) = 1;
-- $present: JSONL of (source, brand, customer_hash), every customer the whole lists hold (a quarantined row's too;
-- brand NULL where the row's brand cannot be read: it may be any brand's of that list).
CREATE OR REPLACE TEMP TABLE customer_present AS
SELECT DISTINCT source, brand, customer_hash
FROM read_json($present, format = 'newline_delimited',
               columns = {source: 'VARCHAR', brand: 'VARCHAR', customer_hash: 'VARCHAR'});
