-- 0008: one quarantine row per bad input row. Rejects of files (file drops, survey exports, customer lists) are
-- now keyed by (brand, source, location, raw_record), location being the file's name and line ('name.csv:12',
-- 'name.xlsx[Sheet]:12', without the folder, so the same file read through another path keeps its keys), so rows with the same cells on different lines are each kept (see Reject.of in
-- pipeline/records.py). Rows kept before this migration move to the new key, so the next read of the same file
-- finds them instead of adding them again; the network sources' rows (locations such as 'us page 2' or
-- 'reddit t3_x', never ending in ':<digits>') keep their content key, which is unchanged.
UPDATE quarantine
SET quarantine_id = left(sha256(brand || chr(31) || source || chr(31) || regexp_extract(location, '[^/]*$') || chr(31)
                                  || raw_record), 32)
WHERE regexp_matches(location, ':[0-9]+$');
