-- The rules that several queries and views apply, written once as macros (re-created with the views, so editing
-- one needs no migration). Analysts can use them too:
--   SELECT nps_group(nps) AS nps_group, count(*) FROM survey_responses WHERE brand = 'parcelo' GROUP BY ALL;
-- nps_group: promoter (9-10), passive (7-8), detractor (0-6); NULL for no answer (NPS = % promoters − % detractors).
CREATE OR REPLACE MACRO nps_group(nps) AS
    CASE WHEN nps >= 9 THEN 'promoter' WHEN nps >= 7 THEN 'passive' WHEN nps >= 0 THEN 'detractor' END;
-- customer_active_on: a customer record (table customers) covers `day`: start_date <= day < end_date, the end date
-- being the first day no longer a customer (NULL: still one).
CREATE OR REPLACE MACRO customer_active_on(start_date, end_date, day) AS
    start_date <= day AND (end_date IS NULL OR end_date > day);
-- scored_text: what the sentiment model reads of a mention: its title (a post's, a review's) on a line of its own,
-- then its text. Editing it changes every later score while older ones stay: rescore (`brandpulse rescore`).
CREATE OR REPLACE MACRO scored_text(title, text) AS coalesce(title || E'\n', '') || text;
-- model_read: whether the model read the text a score (`sentiment`, `survey_comment_sentiment`) stands for: not one
-- of note 'unreadable' (a script its vocabulary lacks, Cyrillic or CJK for the shipped model: recorded neutral
-- without running the model). One it did not read counts in the metrics' volume, not in their scored count, shares or
-- mean score, and the views show it with no label, score or probabilities (its `note` says why).
CREATE OR REPLACE MACRO model_read(note) AS note IS DISTINCT FROM 'unreadable';
-- scores_written_since: the earliest time a score of mentions first loaded at first_loaded can have been written,
-- for reading a few days' scores without the whole history: a score is written after its mention was loaded, and
-- `sentiment` grows in scored_at order; less a day, for clock steps between the machines that load and score.
CREATE OR REPLACE MACRO scores_written_since(first_loaded) AS first_loaded - INTERVAL 1 DAY;
-- mention_text: a mention as people read and search it (terms, co-mentions, drivers, an alert's top mentions):
-- title, a space, text; the text alone where it already begins with its title (a Reddit post's text is its title,
-- then its body; a Hacker News story without a body has its title as text): "lost my parcel lost my parcel ..."
-- gave the terms a bigram "parcel lost" that no one wrote.
CREATE OR REPLACE MACRO mention_text(title, text) AS
    CASE WHEN title IS NULL OR starts_with(text, title) THEN text ELSE title || ' ' || text END;
-- reason_kind: a quarantine reason with the values it shows masked as '…' (quoted values, not an apostrophe,
-- `[not shown: …]` descriptions, dates and times, and numbers standing alone), so rows rejected for the same rule
-- group together:
--   "rating '7' is outside 1-5" and "rating '0' is outside 1-5" are both "rating '…' is outside 1-5" (ranges such
-- as 1-5, limits such as ≥ 0 and column names stay).
CREATE OR REPLACE MACRO reason_kind(reason) AS
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(reason,
        '(^|[ (\[])(''[^'']*''|"[^"]*")([ ),.:;]|$)', '\1''…''\3', 'g'),
        '(^|[ (\[])(''[^''…]*''|"[^"…]*")([ ),.:;]|$)', '\1''…''\3', 'g'),  -- one beside a value the first pass masked
        '\[not shown: [^\]]*\]', '[…]', 'g'),
        '\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?', '…', 'g'),
        '(^|[(:]|[^≥] )[+-]?\d+(\.\d+)?([ ,?)]|$)', '\1…\3', 'g'),
        '(^|[(:]|[^≥] )[+-]?\d+(\.\d+)?([ ,?)]|$)', '\1…\3', 'g');
