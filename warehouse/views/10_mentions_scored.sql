-- Text and scores side by side: every mention with its latest sentiment score (NULL until scored).
CREATE OR REPLACE VIEW v_mentions_scored AS
SELECT m.mention_id, m.brand, m.source, m.source_type, m.native_id, m.platform, m.channel, m.kind, m.day, m.created_at,
       m.title, m.text, m.url, m.rating, m.language, m.engagement, m.author_hash,
       s.label, s.score, s.p_negative, s.p_neutral, s.p_positive, s.model_version
FROM mentions m
LEFT JOIN (
    SELECT * FROM sentiment
    QUALIFY row_number() OVER (PARTITION BY mention_id ORDER BY scored_at DESC, model_version DESC) = 1
) s USING (mention_id);
