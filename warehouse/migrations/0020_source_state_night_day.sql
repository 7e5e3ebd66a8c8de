-- 0020: the day of the latest night (any run but the hourly watch's) that stored each source's state. A night never
-- stores a state over one that a later day's night stored (ingest/source_state.sql), and the watch's runs, which
-- store the row every hour, must not hide that day: it is kept apart from `day` (the last writer's, watch or not).
-- Rows a night wrote last get their day; rows the watch wrote last start unknown (NULL), until the next night.
ALTER TABLE source_state ADD COLUMN night_day DATE;
UPDATE source_state SET night_day = day
WHERE run_id NOT IN (SELECT run_id FROM pipeline_runs WHERE trigger = 'watch');
