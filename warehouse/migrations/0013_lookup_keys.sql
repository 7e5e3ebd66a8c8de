-- 0013: fixed-width keys for the two lookups the nightly load makes into the whole history: is a staged mention
-- already stored, and which stored mention of the same brand has the same text (an exact repost)? Streaming one
-- 8-byte column past the night's keys costs a fraction of streaming the strings (ingest/mentions.sql says how
-- much). The strings are compared afterwards, on the few rows whose keys match, so two ids or texts whose 64-bit
-- keys collide are never taken for each other. ingest/mentions.sql writes the keys of the rows it inserts, and
-- first fills in the keys of any row whose id_lookup is NULL (a row written by hand or by another tool, which
-- knows nothing of them). A row written with keys must carry both, right; after editing a mention_id, brand or
-- text_key by hand, set its id_lookup to NULL and the next load recomputes both.
-- lookup_key: the first 64 bits of the md5 of a string (md5 and hexadecimal: stable across DuckDB versions).
CREATE MACRO lookup_key(s) AS CAST('0x' || left(md5(s), 16) AS UBIGINT);
-- repost_lookup_key: the key of a (brand, text_key) pair; NULL without a text_key (never a repost).
CREATE MACRO repost_lookup_key(brand, text_key) AS lookup_key(brand || chr(0) || text_key);
-- lookup_key(mention_id)
ALTER TABLE mentions ADD COLUMN id_lookup UBIGINT;
-- repost_lookup_key(brand, text_key)
ALTER TABLE mentions ADD COLUMN repost_lookup UBIGINT;
UPDATE mentions SET id_lookup = lookup_key(mention_id), repost_lookup = repost_lookup_key(brand, text_key);
-- The (brand, text_key) index of 0002 served no query (DuckDB's ART indexes answer constant lookups, not joins)
-- and every insert paid for it.
DROP INDEX IF EXISTS mentions_text_key;
