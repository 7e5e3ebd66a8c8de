-- 0002: network sources. Source state (cursors, watermarks), repost bookkeeping, and truncated windows.

-- The normalised-text key that finds exact reposts and cross-posts (NULL for short texts; see
-- pipeline/sources/relevance.py). Mentions keeps one row per text; the copies go to `reposts`.
ALTER TABLE mentions ADD COLUMN text_key VARCHAR;
CREATE INDEX mentions_text_key ON mentions (brand, text_key);

-- Copies of a mention's text posted elsewhere or again: stored once in mentions, counted here.
CREATE TABLE reposts (
    mention_id            VARCHAR PRIMARY KEY,   -- the copy's own id (same derivation as mentions.mention_id)
    canonical_mention_id  VARCHAR NOT NULL,      -- the mention row that holds the text
    brand                 VARCHAR NOT NULL,
    source                VARCHAR NOT NULL,
    native_id             VARCHAR NOT NULL,
    channel               VARCHAR,
    url                   VARCHAR,
    created_at            TIMESTAMPTZ NOT NULL,
    engagement            BIGINT,
    first_seen            TIMESTAMPTZ NOT NULL,
    run_id                VARCHAR NOT NULL
);

-- Each source's own state: a cursor or watermark, stored in the same transaction as the rows it read.
CREATE TABLE source_state (
    brand       VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    state       JSON NOT NULL,                   -- what the source left (newest item seen, listing counts, ...)
    watermark   TIMESTAMPTZ,                     -- newest created_at loaded so far
    day         DATE NOT NULL,                   -- the night that last wrote it
    updated_at  TIMESTAMPTZ NOT NULL,
    run_id      VARCHAR NOT NULL,
    PRIMARY KEY (brand, source)
);
