-- 0027: the language of each survey comment, detected at import as a mention's is (ISO 639-1,
-- pipeline.records.detect_language: py3langid, which SQL cannot run); NULL without a comment or a language found.
-- Responses stored before start NULL, until an import reads their export again (the upsert sets it).
ALTER TABLE survey_responses ADD COLUMN comment_language VARCHAR;
