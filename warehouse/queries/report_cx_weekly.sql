-- The HTML report: a brand's weekly NPS, CSAT and CES (95 % intervals, answer counts) beside the social
-- signal, for the ISO weeks that start between two days. $brand, $start, $day.
SELECT week_start, iso_week, social_volume, share_negative, mean_score,
       nps, nps_low, nps_high, nps_n, csat, csat_low, csat_high, csat_n, ces, ces_low, ces_high, ces_n,
       coalesce(survey_low_n, false) AS survey_low_n
FROM v_cx_social_weekly
WHERE brand = $brand AND week_start BETWEEN $start AND $day
ORDER BY week_start;
