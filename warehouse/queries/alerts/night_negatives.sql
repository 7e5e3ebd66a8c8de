-- The temp table night_negatives: the brand's mentions of the days $start to $day that $model (the night's, whose
-- scores the day's metrics count) scored negative, with what an explanation reads of them (its terms, sources and
-- top mentions). Read from that model's own scores, not from each mention's latest (v_mentions_scored): a rescore
-- under way gives mentions of a day still counted in the night's model a newer model's latest score, and their
-- negatives went missing from the explanation (40 negatives explained of the 50 observed). The scores are looked up
-- among those written since the first of the mentions was loaded (scores_written_since, as
-- metrics/scored_by_version.sql looks them up). $brand, $start, $day, $model.
SET VARIABLE night_negatives_since = (
    SELECT scores_written_since(coalesce(min(first_seen), 'infinity'::TIMESTAMPTZ)) FROM mentions
    WHERE brand = $brand AND day BETWEEN $start AND $day
);
CREATE OR REPLACE TEMP TABLE night_negatives AS
SELECT m.mention_id, m.day, mention_text(m.title, m.text) AS text, m.language, m.url, s.score, s.p_negative,
       m.source, m.channel, m.platform, coalesce(m.engagement, 0) AS engagement, m.created_at
FROM mentions m JOIN sentiment s ON s.mention_id = m.mention_id
WHERE m.brand = $brand AND m.day BETWEEN $start AND $day AND s.model_version = $model AND s.label = 'negative'
  AND s.scored_at >= getvariable('night_negatives_since');
