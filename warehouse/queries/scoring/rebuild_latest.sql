-- Rebuild each mention's latest score (sentiment_latest, migration 0012) from `sentiment`, for whatever wrote
-- scores without the scoring loop (scoring/insert_mentions.sql keeps it as it writes): test fixtures, the
-- warehouse benchmark, a score fixed by hand. Latest: the newest scored_at, ties to the higher model_version.
DELETE FROM sentiment_latest;
INSERT INTO sentiment_latest BY NAME
SELECT s.mention_id, m.day, s.model_version, s.label, s.p_negative, s.p_neutral, s.p_positive, s.score, s.note,
       s.scored_at
FROM sentiment s JOIN mentions m USING (mention_id)
QUALIFY row_number() OVER (PARTITION BY s.mention_id ORDER BY s.scored_at DESC, s.model_version DESC) = 1
ORDER BY m.day, s.mention_id;
