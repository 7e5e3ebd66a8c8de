-- Upsert staged records. $files: list of staged *.records.jsonl files; $run_id; $columns: the JSON schema.
-- A row already in the warehouse keeps its first_seen and run_id; engagement and last_seen are refreshed.
-- A row whose id is stored for another platform is not, unless it is the same post (a platform relabelled: the
-- stored label is kept): it is left in id_clashes, for load.py to quarantine.
-- Exact reposts and cross-posts (same brand and text_key) are stored once: the earliest copy loaded so far is the
-- mention (a night run after a later one leaves the later copy the mention: README, Backfills), later copies go
-- to `reposts`. A row already in mentions stays a mention, and one in reposts a repost of the
-- mention it was stored with, so re-runs, and re-reads of edited posts, change nothing.

-- The lookup keys (migration 0013) of any stored row written without them (id_lookup NULL): none, unless
-- something other than this load wrote mentions. (Found from each row group's statistics: DuckDB reads nothing
-- when there are none.) A row with keys is trusted to carry both, right.
UPDATE mentions SET id_lookup = lookup_key(mention_id), repost_lookup = repost_lookup_key(brand, text_key)
WHERE id_lookup IS NULL;

-- Of an id staged more than once, the row with the most engagement; of those, the first by its values (r, the
-- row as a whole), so that every run of the night picks the same one.
CREATE OR REPLACE TEMP TABLE staged AS
SELECT *, lookup_key(mention_id) AS id_lookup, repost_lookup_key(brand, text_key) AS repost_lookup
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864) AS r
QUALIFY row_number() OVER (PARTITION BY mention_id ORDER BY engagement DESC NULLS LAST, r) = 1;

-- A mention id is brand, source and native id: a source renamed in the config loads its rows again under the new
-- name. The ids the staged rows would have under a source of their brand that is no longer configured ($gone_brand,
-- $gone_source: parallel lists, load.py's, from source_state) are looked up in the same scan as the staged ids
-- (staged_present holds those found too; no staged id is one of them), for staged_renamed below: no scan of their
-- own, so the check costs the night's rows times the brand's sources no longer configured, not the history.
CREATE OR REPLACE TEMP TABLE staged_gone AS
SELECT s.mention_id, s.brand, s.source, g.source AS gone_source,
       left(sha256(s.brand || chr(31) || g.source || chr(31) || s.native_id), 32) AS gone_id  -- records.mention_id
FROM staged s
JOIN (SELECT unnest(CAST($gone_brand AS VARCHAR[])) AS brand, unnest(CAST($gone_source AS VARCHAR[])) AS source) g
  ON g.brand = s.brand;

-- Both lookups into the history stream one 8-byte key column past the night's keys (0013), and read the ids and
-- texts only of the rows whose keys match, which are then compared as strings. Each lookup is materialised apart
-- (a table, a MATERIALIZED CTE): inlined, DuckDB pushes the final joins' string conditions into the history scans,
-- which then read every id. At 10M mentions the whole load takes 0.71 s against 1.28 s with the lookups on the
-- strings, and about 160 MiB more memory at its peak (`benchmarks/warehouse.py --rows 10000000 --only load`;
-- README's Scaling). The scan still grows with the history.
CREATE OR REPLACE TEMP TABLE staged_present AS  -- the staged ids already in the warehouse, with their platform
SELECT m.mention_id, m.platform FROM mentions m
WHERE m.id_lookup IN (SELECT id_lookup FROM staged UNION ALL SELECT lookup_key(gone_id) FROM staged_gone);

-- A mention id is brand, source and native id, without the platform: a file drop's native id that another
-- platform's post reused, in an export read on a later night (one night's files are checked by the source),
-- would be merged into the stored mention. Such a row is kept out of the upsert, and the stored mention as it is.
-- The same post (created_at and text, as the file drop compares them: FileDrop._post) under another platform label
-- (a vendor's `x` for `twitter`, a source's `platform:` changed) is no clash: it is upserted, and the mention keeps
-- the label it was stored with.
-- A stored repost's id is checked alike (its platform: 0023), the same post being its time and its canonical
-- mention's text (by its key, as the repost was found): merged, another platform's post was lost in the repost.
CREATE OR REPLACE TEMP TABLE id_clashes AS
SELECT s.* EXCLUDE (id_lookup, repost_lookup), p.platform AS stored_platform
FROM staged s JOIN (
    SELECT mention_id, platform FROM staged_present
    UNION ALL
    SELECT mention_id, platform FROM reposts WHERE mention_id IN (SELECT mention_id FROM staged)
) p ON p.mention_id = s.mention_id
WHERE lower(s.platform) <> lower(p.platform);  -- both known ('Twitter' is twitter), and not the same

-- Its stored text is read for these rows only (read for every staged id, the texts cost memory at the load's peak).
DELETE FROM id_clashes WHERE mention_id IN (  -- the same post under another label
    SELECT m.mention_id
    FROM mentions m JOIN id_clashes c ON c.mention_id = m.mention_id AND c.created_at = m.created_at AND c.text = m.text
    WHERE m.id_lookup IN (SELECT lookup_key(mention_id) FROM id_clashes)
    UNION ALL
    SELECT r.mention_id  -- a repost: its time, and the text of the mention it copies
    FROM reposts r JOIN id_clashes c ON c.mention_id = r.mention_id AND c.created_at = r.created_at
    JOIN mentions m ON m.mention_id = r.canonical_mention_id AND m.text_key = c.text_key
);

DELETE FROM staged WHERE mention_id IN (SELECT mention_id FROM id_clashes);

-- A row already in reposts stays a repost of the mention it was stored with, as a row in mentions stays a mention:
-- re-read with its text edited (a Reddit edit, a changed export, the next night's look-back), it was inserted into
-- mentions too, and counted twice. Reposts are about 1% of the history: their ids are compared directly.
CREATE OR REPLACE TEMP TABLE staged_reposted AS
SELECT r.mention_id, r.canonical_mention_id FROM reposts r WHERE r.mention_id IN (SELECT mention_id FROM staged);

CREATE OR REPLACE TEMP TABLE staged_canonical AS
WITH known AS MATERIALIZED (  -- the earliest stored mention of each staged (brand, text_key)
    SELECT m.brand, m.text_key, arg_min(m.mention_id, (m.created_at, m.mention_id)) AS mention_id
    FROM mentions m
    WHERE m.repost_lookup IN (SELECT repost_lookup FROM staged WHERE repost_lookup IS NOT NULL)
    GROUP BY m.brand, m.text_key
),
keyed AS (  -- a stored repost takes no part in finding the first copy of a text (it is no mention)
    SELECT s.*, p.mention_id IS NOT NULL AS present, r.canonical_mention_id AS reposted_as,
           CASE WHEN r.mention_id IS NULL THEN s.text_key END AS copy_key
    FROM staged s
    LEFT JOIN staged_present p ON p.mention_id = s.mention_id
    LEFT JOIN staged_reposted r ON r.mention_id = s.mention_id
)
SELECT s.* EXCLUDE (present, reposted_as, copy_key),
       CASE WHEN s.present THEN s.mention_id
            WHEN s.reposted_as IS NOT NULL THEN s.reposted_as
            WHEN s.copy_key IS NULL THEN s.mention_id
            ELSE coalesce(k.mention_id,
                          first_value(s.mention_id) OVER (PARTITION BY s.brand, s.copy_key
                                                          ORDER BY s.created_at, s.mention_id))
       END AS canonical_mention_id
FROM keyed s
LEFT JOIN known k ON k.brand = s.brand AND k.text_key = s.copy_key;

INSERT INTO reposts BY NAME
SELECT mention_id, canonical_mention_id, brand, source, native_id, platform, channel, url, created_at, engagement,
       now() AS first_seen, $run_id AS run_id
FROM staged_canonical
WHERE canonical_mention_id <> mention_id
ON CONFLICT (mention_id) DO UPDATE SET
    engagement = greatest(reposts.engagement, excluded.engagement),
    platform = coalesce(reposts.platform, excluded.platform);  -- the label stored first, as a mention keeps its

INSERT INTO mentions BY NAME
SELECT mention_id, brand, source, source_type, native_id, kind, platform, channel, author_hash, title, text, url,
       created_at, CAST(timezone('UTC', created_at) AS DATE) AS day, rating, language, engagement, text_key,
       id_lookup, repost_lookup, now() AS first_seen, now() AS last_seen, $run_id AS run_id
FROM staged_canonical
WHERE canonical_mention_id = mention_id
ON CONFLICT (mention_id) DO UPDATE SET
    engagement = greatest(mentions.engagement, excluded.engagement),
    last_seen = excluded.last_seen;

-- The rows this load stored anew (not in mentions or reposts before it, nor quarantined as an id clash) whose native
-- id is stored under a source of their brand no longer configured (staged_gone): the same posts, counted twice if
-- that source was renamed to theirs. load.py warns.
CREATE OR REPLACE TEMP TABLE staged_renamed AS
SELECT g.brand, g.source, g.gone_source, count(*) AS n
FROM staged_gone g
WHERE g.gone_id IN (SELECT mention_id FROM staged_present)
  AND g.mention_id IN (SELECT mention_id FROM staged)
  AND g.mention_id NOT IN (SELECT mention_id FROM staged_present)
  AND g.mention_id NOT IN (SELECT mention_id FROM staged_reposted)
GROUP BY ALL;
