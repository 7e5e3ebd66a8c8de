-- 0017: a bad row of a file is kept once, wherever it is. Rejects of files (file drops, survey exports, customer
-- lists) were keyed by (brand, source, file name:line, raw_record) since 0008, so the same bad row was quarantined
-- again whenever its file was renamed (a whole-history export with its date in the name: every night) or rows
-- were added above it. They are now keyed by (brand, source, raw_record, n), n being which occurrence of that raw
-- record in its file the row is (the 1st, the 2nd, ...; pipeline.records.FileRejects): two rows of a file with the
-- same cells stay two rows, and the same row read again, under any name or on any line, has the same key.
-- `location` stays as it was: where the row was first seen.
--
-- Rows kept before move to the new key: n counts the rows with the same raw record within each (brand, source,
-- file name, sheet), by line. Rows that then share a key (the same row kept for several file names or lines) are
-- one: the earliest kept stays, the others are deleted. Two kinds of rows cannot be given the key the next read
-- computes, and that read keeps them once more under it (once; the old row stays): a raw record cut at 1 MiB (the
-- key hashes the whole row) and an unreadable row kept as '<unreadable at …>' (the key hashes its text, which was
-- not kept). A file of one name whose rows shifted between nights was kept under two lines for one row: its rows
-- stay two, numbered 1 and 2. The network sources' rows (locations never ending in ':<digits>') keep their key.
CREATE TEMP TABLE quarantine_0017 AS
SELECT * REPLACE (
    left(sha256(brand || chr(31) || source || chr(31) || raw_record || chr(31) || CAST(row_number() OVER (
        PARTITION BY brand, source, regexp_extract(location, '([^/]*):[0-9]+$', 1), raw_record
        ORDER BY CAST(regexp_extract(location, ':([0-9]+)$', 1) AS BIGINT), first_seen, quarantine_id
    ) AS VARCHAR)), 32) AS quarantine_id
)
FROM quarantine
WHERE regexp_matches(location, ':[0-9]+$');
DELETE FROM quarantine WHERE regexp_matches(location, ':[0-9]+$');
INSERT INTO quarantine BY NAME
SELECT * FROM quarantine_0017
QUALIFY row_number() OVER (PARTITION BY quarantine_id ORDER BY first_seen, location) = 1;
DROP TABLE quarantine_0017;
