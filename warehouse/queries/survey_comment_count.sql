-- Comment scores a run wrote. $run_id.
SELECT count(*) FROM survey_comment_sentiment WHERE run_id = $run_id;
