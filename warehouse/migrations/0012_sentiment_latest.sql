-- 0012: each mention's latest score, kept as scores are written (scoring/insert_mentions.sql), so that
-- v_mentions_scored joins one row per mention instead of ranking every score of the mentions it reads. "Latest"
-- is the view's rule since 0001: the newest scored_at, ties broken by the higher model_version. `day` is the
-- mention's day, so that a question about some days finds their scores by day (DuckDB's zone maps: scores are
-- written in about the order their mentions were loaded), not by reading every score's mention_id. Only the
-- columns the view shows, and scored_at for the rule: the rest of a score (hashes, note, run) stays in `sentiment`.
CREATE TABLE sentiment_latest (
    mention_id     VARCHAR PRIMARY KEY,
    day            DATE NOT NULL,                -- the mention's day (mentions.day)
    model_version  VARCHAR NOT NULL,
    label          VARCHAR NOT NULL,
    p_negative     DOUBLE NOT NULL,
    p_neutral      DOUBLE NOT NULL,
    p_positive     DOUBLE NOT NULL,
    score          DOUBLE NOT NULL,
    scored_at      TIMESTAMPTZ NOT NULL
);
INSERT INTO sentiment_latest BY NAME
SELECT s.mention_id, m.day, s.model_version, s.label, s.p_negative, s.p_neutral, s.p_positive, s.score, s.scored_at
FROM sentiment s JOIN mentions m USING (mention_id)
QUALIFY row_number() OVER (PARTITION BY s.mention_id ORDER BY s.scored_at DESC, s.model_version DESC) = 1
ORDER BY m.day, s.mention_id;
