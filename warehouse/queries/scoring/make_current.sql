-- `brandpulse rescore`: the configured model ($model_version) becomes the current one for the days from $since, also
-- when it is an older model come back (a rollback, whose scores of those days all exist already). It counts as
-- introduced now (the metrics' one-version rule prefers the newest-introduced version that scored a whole day),
-- and each mention of those days that has its score takes that score as its latest (sentiment_latest, which
-- v_mentions_scored reads). Run before the days' metrics are recomputed, in their transaction.
UPDATE model_versions SET first_scored_at = greatest(first_scored_at, now()) WHERE model_version = $model_version;
UPDATE sentiment_latest l
SET model_version = s.model_version, label = s.label, p_negative = s.p_negative, p_neutral = s.p_neutral,
    p_positive = s.p_positive, score = s.score, note = s.note, scored_at = s.scored_at
FROM sentiment s
WHERE s.mention_id = l.mention_id AND s.model_version = $model_version AND l.day >= CAST($since AS DATE)
  AND l.model_version <> $model_version;
