-- Do detractors churn more? Per brand x customer segment ('_all' = every segment) x quarter of the answer: the
-- share of respondents whose customer record ended within window_days after answering, for promoters (9-10),
-- passives (7-8) and detractors (0-6), with Wilson 95 % intervals, and the relative risk of detractors against
-- promoters with its 95 % interval (log method; rr_method says when 0.5 was added to each cell because a group
-- had no churner, rr_note why rr is NULL). Respondents are linked customers active on the answer's day, one per
-- customer and quarter; those whose window had not ended by as_of are n_pending, not counted. low_n: promoters
-- or detractors fewer than surveys.min_responses. Written by the survey_metrics step (pipeline.surveys.roi).
--   SELECT quarter, n_promoters, round(100 * churn_promoters, 1) AS promoters_pct,
--          n_detractors, round(100 * churn_detractors, 1) AS detractors_pct,
--          round(rr, 2) AS rr, round(rr_low, 2) AS rr_low, round(rr_high, 2) AS rr_high, n_pending, low_n
--   FROM v_cx_churn_by_nps WHERE brand = 'parcelo' AND segment = '_all' ORDER BY quarter_start;
CREATE OR REPLACE VIEW v_cx_churn_by_nps AS
SELECT brand, segment, quarter_start,
       year(quarter_start) || '-Q' || quarter(quarter_start) AS quarter,
       window_days, as_of, n_pending, n_pending = 0 AS complete,
       n_promoters, churned_promoters, churn_promoters, churn_promoters_low, churn_promoters_high,
       n_passives, churned_passives, churn_passives, churn_passives_low, churn_passives_high,
       n_detractors, churned_detractors, churn_detractors, churn_detractors_low, churn_detractors_high,
       churn_detractors - churn_promoters AS churn_gap,
       rr, rr_low, rr_high, rr_method, rr_note, low_n, computed_at
FROM cx_churn_by_nps;
