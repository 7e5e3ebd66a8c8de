-- Store sources' state after their rows loaded (same transaction). One row per entry of the parallel lists
-- $brand, $source, $state (JSON text) and $watermark (newest created_at among the loaded rows, ISO text or NULL);
-- $day, $run_id. Returns each row's brand, source and run_id as stored.
--
-- A night never stores a source's state over one that a later day's night stored (night_day, migration 0020; one
-- dated after today, a mistyped date, does not count): a backfill of an older day, beside or after the scheduled
-- night, would move the source back to its day (Reddit's followed threads, the cursors), and the next night would
-- lose what the later one had. The row then keeps its state, day and run (RETURNING shows the other run_id: the
-- load says so); the watermark still rises. The hourly watch's runs store as before, and leave night_day be,
-- except Reddit's followed threads (`follow`): only a night changes them (a watch run reads none and stages the ones
-- its prepare read), so a watch run's state keeps the `follow` stored now. A watch run's load that landed after a
-- night's (its load task cleared and run again the next morning; a night started beside it after
-- pipeline.night.WATCH_WAIT_S) put back the threads of before that night: the posts it matched went unfollowed.
SET VARIABLE state_by_watch = coalesce((SELECT trigger = 'watch' FROM pipeline_runs WHERE run_id = $run_id), false);
INSERT INTO source_state BY NAME
SELECT unnest($brand) AS brand, unnest($source) AS source, CAST(unnest($state) AS JSON) AS state,
       CAST(unnest($watermark) AS TIMESTAMPTZ) AS watermark, CAST($day AS DATE) AS day, now() AS updated_at,
       $run_id AS run_id, CASE WHEN getvariable('state_by_watch') THEN NULL ELSE CAST($day AS DATE) END AS night_day
ON CONFLICT (brand, source) DO UPDATE SET
    state = CASE WHEN excluded.night_day < source_state.night_day AND source_state.night_day <= CAST(now() AS DATE)
                 THEN source_state.state
                 WHEN getvariable('state_by_watch')  -- the stored follow replaces the staged one (no key: none)
                 THEN json_merge_patch(json_merge_patch(excluded.state, '{"follow": null}'),
                                       json_object('follow', source_state.state->'follow'))
                 ELSE excluded.state END,
    watermark = greatest(source_state.watermark, excluded.watermark),
    day = CASE WHEN excluded.night_day < source_state.night_day AND source_state.night_day <= CAST(now() AS DATE)
               THEN source_state.day ELSE excluded.day END,
    updated_at = CASE WHEN excluded.night_day < source_state.night_day AND source_state.night_day <= CAST(now() AS DATE)
                      THEN source_state.updated_at ELSE excluded.updated_at END,
    run_id = CASE WHEN excluded.night_day < source_state.night_day AND source_state.night_day <= CAST(now() AS DATE)
                  THEN source_state.run_id ELSE excluded.run_id END,
    night_day = CASE WHEN excluded.night_day IS NULL
                       OR (excluded.night_day < source_state.night_day AND source_state.night_day <= CAST(now() AS DATE))
                     THEN source_state.night_day ELSE excluded.night_day END
RETURNING brand, source, run_id, night_day;
