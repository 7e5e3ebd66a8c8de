-- Survey responses with their NPS group and latest comment sentiment; survey metrics with their units, customer metrics.
CREATE OR REPLACE VIEW v_survey_responses AS
SELECT r.brand, r.source, r.response_id, r.responded_at, r.day, r.touchpoint, r.segment,
       r.nps,
       nps_group(r.nps) AS nps_group,
       r.csat, r.ces, r.ces_scale, r.ces_lower_is_better, r.ces_norm, r.comment, r.comment_language,
       -- a comment the model did not read (note 'unreadable': model_read) has no label or score, as a mention
       CASE WHEN model_read(s.note) THEN s.label END AS comment_label,
       CASE WHEN model_read(s.note) THEN s.score END AS comment_score,
       CASE WHEN model_read(s.note) THEN s.p_negative END AS comment_p_negative,
       s.model_version AS comment_model_version, s.note AS comment_note
FROM survey_responses r
LEFT JOIN (
    -- scores of the comment as it reads now: an edited comment's old score is not its sentiment (until rescored)
    SELECT s.* FROM survey_comment_sentiment s
    JOIN survey_responses c USING (source, response_id)
    WHERE s.text_sha256 = sha256(c.comment)
    QUALIFY row_number() OVER (PARTITION BY source, response_id ORDER BY scored_at DESC, model_version DESC) = 1
) s USING (source, response_id);

CREATE OR REPLACE VIEW v_survey_metrics AS
SELECT period, period_start, brand, touchpoint, segment, metric,
       CASE metric WHEN 'nps' THEN 'points (-100..100)' WHEN 'csat' THEN '% answering 4-5 of 5'
                   ELSE 'mean on 1-7, 7 = least effort' END AS unit,
       value, low, high, se, n, low_n, n_promoters, n_passives, n_detractors, n_top2, computed_at
FROM survey_metrics;

CREATE OR REPLACE VIEW v_customer_metrics AS
SELECT month, brand, segment, active_start, churned, churn_rate, churn_low, churn_high, churn_rate_clv, arpu,
       clv_simple, clv_discounted, margin, discount_rate_monthly, complete, low_n, computed_at
FROM customer_metrics;
