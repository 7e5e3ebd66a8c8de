-- Stage the responses read from survey exports. $files: staged *.responses.jsonl; $columns: their types;
-- $present: JSONL of (source, response_id), every answer the whole-history sources' exports still hold.
-- $not_answers: JSONL of (source, response_id), the responses whose row read last is a Qualtrics preview, test or
-- spam row (quarantined): a copy staged from an earlier row, or imported before, does not count.
-- A response id repeated in the exports keeps its last occurrence (seq = order read).
CREATE OR REPLACE TEMP TABLE survey_staged AS
SELECT * EXCLUDE (seq), CAST(timezone('UTC', responded_at) AS DATE) AS day
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864)
QUALIFY row_number() OVER (PARTITION BY source, response_id ORDER BY seq DESC) = 1;
CREATE OR REPLACE TEMP TABLE survey_present AS
SELECT DISTINCT source, response_id
FROM read_json($present, format = 'newline_delimited', columns = {source: 'VARCHAR', response_id: 'VARCHAR'});
CREATE OR REPLACE TEMP TABLE survey_not_answers AS
SELECT DISTINCT source, response_id
FROM read_json($not_answers, format = 'newline_delimited', columns = {source: 'VARCHAR', response_id: 'VARCHAR'});
DELETE FROM survey_staged s
WHERE EXISTS (SELECT 1 FROM survey_not_answers n WHERE n.source = s.source AND n.response_id = s.response_id);
