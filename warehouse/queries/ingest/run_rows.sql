-- The rows a run id holds, for run_steps: mentions, quarantine rows, reposts. Asked before and after a load's
-- writes, in its transaction: what it added is the difference (an earlier attempt of the same run, a task retried
-- after its commit, stored rows under this run id that a second attempt does not add again).
-- $run_id; $brand and $source: parallel lists, the staged sources. The quarantine rows counted are theirs only: the
-- night's survey and customer imports quarantine under the same run id (before the load, or beside it).
SELECT (SELECT count(*) FROM mentions WHERE run_id = $run_id) AS mentions,
       (SELECT count(*) FROM quarantine
        WHERE run_id = $run_id AND (brand, source) IN (SELECT unnest($brand), unnest($source))) AS quarantined,
       (SELECT count(*) FROM reposts WHERE run_id = $run_id) AS reposts;
