-- The paired series of one brand for the lead/lag analysis, one row per period ($period: 'day' or 'week'):
-- the social mean score and share negative (all sources) and the survey NPS, CSAT and CES (all touchpoints
-- and segments), NULL where a side has no value. $brand.
SELECT period_start, s.mean_score, s.share_negative, c.nps, c.csat, c.ces
FROM (SELECT * FROM v_social_period WHERE brand = $brand AND period = $period) s
FULL OUTER JOIN (SELECT * FROM v_survey_period WHERE brand = $brand AND period = $period) c USING (period_start)
ORDER BY period_start;
