-- Stage the customers read from customer lists. $files: staged *.customers.jsonl; $columns.
-- A customer repeated across files keeps its last occurrence (seq = order read).
CREATE OR REPLACE TEMP TABLE customer_staged AS
SELECT * EXCLUDE (seq)
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864)
QUALIFY row_number() OVER (PARTITION BY brand, customer_hash ORDER BY seq DESC) = 1;
-- $present: JSONL of (source, brand, customer_hash), every customer the whole lists hold (a quarantined row's too;
-- brand NULL where the row's brand cannot be read: it may be any brand's of that list).
CREATE OR REPLACE TEMP TABLE customer_present AS
SELECT DISTINCT source, brand, customer_hash
FROM read_json($present, format = 'newline_delimited',
               columns = {source: 'VARCHAR', brand: 'VARCHAR', customer_hash: 'VARCHAR'});
