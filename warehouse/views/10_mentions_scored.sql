-- Text and scores side by side: every mention with its latest sentiment score (NULL until scored), and how
-- many exact reposts or cross-posts of the same text were seen (stored once; the copies are in `reposts`).
--
-- The latest score is picked after the join, per mention, and the window partitions by every mention column
-- (mention_id alone decides the partition: it is the key), so that a filter on any of them (brand, day, source,
-- ...) is applied to `mentions` before the join and the ranking: a question about one brand's week ranks that
-- week's scores only, not every score in the warehouse.
CREATE OR REPLACE VIEW v_mentions_scored AS
SELECT m.mention_id, m.brand, m.source, m.source_type, m.native_id, m.platform, m.channel, m.kind, m.day, m.created_at,
       m.title, m.text, m.url, m.rating, m.language, m.engagement, m.author_hash,
       s.label, s.score, s.p_negative, s.p_neutral, s.p_positive, s.model_version,
       coalesce(r.repost_count, 0) AS repost_count
FROM mentions m
LEFT JOIN sentiment s USING (mention_id)
LEFT JOIN (
    SELECT canonical_mention_id AS mention_id, count(*) AS repost_count FROM reposts GROUP BY ALL
) r USING (mention_id)
QUALIFY row_number() OVER (
    PARTITION BY m.mention_id, m.brand, m.source, m.source_type, m.native_id, m.platform, m.channel, m.kind, m.day,
                 m.created_at, m.title, m.text, m.url, m.rating, m.language, m.engagement, m.author_hash
    ORDER BY s.scored_at DESC NULLS LAST, s.model_version DESC NULLS LAST
) = 1;
