-- Text and scores side by side: every mention with its latest sentiment score (NULL until scored), and how
-- many exact reposts or cross-posts of the same text were seen (stored once; the copies are in `reposts`).
-- A text the model did not read (note 'unreadable', model_read in 05_shared_rules.sql) has its model_version and
-- note and no label, score or probabilities, as the metrics count it: in the volume, not among the scored.
--
-- The latest score is kept per mention in `sentiment_latest` (migration 0012: the newest scored_at, ties to the
-- higher model_version, written with every batch of scores), so this is a plain join, one row per mention. It
-- joins on the mention's day too, so that a filter on the day (a brand's week) finds the scores of those days
-- by day, as it finds the mentions, instead of reading every score in the warehouse.
CREATE OR REPLACE VIEW v_mentions_scored AS
SELECT m.mention_id, m.brand, m.source, m.source_type, m.native_id, m.platform, m.channel, m.kind, m.day, m.created_at,
       m.title, m.text, m.url, m.rating, m.language, m.engagement, m.author_hash,
       CASE WHEN model_read(s.note) THEN s.label END AS label,
       CASE WHEN model_read(s.note) THEN s.score END AS score,
       CASE WHEN model_read(s.note) THEN s.p_negative END AS p_negative,
       CASE WHEN model_read(s.note) THEN s.p_neutral END AS p_neutral,
       CASE WHEN model_read(s.note) THEN s.p_positive END AS p_positive,
       s.model_version, s.note,
       coalesce(r.repost_count, 0) AS repost_count
FROM mentions m
LEFT JOIN sentiment_latest s ON s.mention_id = m.mention_id AND s.day = m.day
LEFT JOIN (
    SELECT canonical_mention_id AS mention_id, count(*) AS repost_count FROM reposts GROUP BY ALL
) r ON r.mention_id = m.mention_id;
