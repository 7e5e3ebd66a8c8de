-- 0024: the note of each mention's latest score (sentiment.note), so that v_mentions_scored tells a text the model
-- did not read (note 'unreadable': a script its vocabulary lacks, recorded neutral without running the model) from
-- one it read as neutral, as the metrics do (model_read, views/05_shared_rules.sql). Kept by the scoring loop from
-- now on (scoring/insert_mentions.sql, rebuild_latest.sql, make_current.sql); filled here from the scores.
ALTER TABLE sentiment_latest ADD COLUMN note VARCHAR;
UPDATE sentiment_latest l SET note = s.note
FROM sentiment s
WHERE s.mention_id = l.mention_id AND s.model_version = l.model_version AND s.note IS NOT NULL;
