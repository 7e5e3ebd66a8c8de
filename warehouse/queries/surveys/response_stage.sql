-- Stage the responses read from survey exports. $files: staged *.responses.jsonl; $columns: their types;
-- $present: JSONL of (source, response_id), every answer the whole-history sources' exports still hold.
-- A response id repeated in the exports keeps its last occurrence (seq = order read).
CREATE OR REPLACE TEMP TABLE survey_staged AS
SELECT * EXCLUDE (seq), CAST(timezone('UTC', responded_at) AS DATE) AS day
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864)
QUALIFY row_number() OVER (PARTITION BY source, response_id ORDER BY seq DESC) = 1;
CREATE OR REPLACE TEMP TABLE survey_present AS
SELECT DISTINCT source, response_id
FROM read_json($present, format = 'newline_delimited', columns = {source: 'VARCHAR', response_id: 'VARCHAR'});
