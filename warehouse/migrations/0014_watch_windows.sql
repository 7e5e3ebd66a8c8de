-- 0014: what a watch run read. read_from and window_end are the instants its sources read from and up to
-- (NULL for nights and for runs before 0014). A watch run reads from its interval's start less the overlap, or,
-- when the last successful watch run ended earlier (a run skipped beside a night, or one that failed), from that
-- run's window_end less the overlap, up to pipeline.staging.MAX_CATCH_UP back: hours no run read are read by the
-- next one, and its hourly metrics and detection cover them too.
ALTER TABLE pipeline_runs ADD COLUMN read_from TIMESTAMPTZ;
ALTER TABLE pipeline_runs ADD COLUMN window_end TIMESTAMPTZ;
