-- The start of a WITH clause shared by surveys/respondents.sql and surveys/link_counts.sql, which include it (a
-- line "-- include: surveys/answer_days"): `answers`, survey_responses with each answer's day in its brand's time
-- zone ($zone_brands, $zone_names: pipeline.surveys.customers.calendars; UTC for a brand without one), the
-- calendar of the customer list's start and end dates it is compared with. An answer at 00:00:00 UTC keeps its UTC
-- day: that is how a date without a time of day is stored (records.parse_utc), and it is that calendar day.
WITH zones AS (
    SELECT unnest(CAST($zone_brands AS VARCHAR[])) AS brand, unnest(CAST($zone_names AS VARCHAR[])) AS zone
), answers AS (  -- each answer's day in its brand's time zone (customers.calendars), the customer list's calendar
    SELECT r.* REPLACE (
        CASE WHEN z.zone IS NULL OR timezone('UTC', r.responded_at) = CAST(r.day AS TIMESTAMP) THEN r.day
             ELSE CAST(timezone(z.zone, r.responded_at) AS DATE) END AS day
    )
    FROM survey_responses r
    LEFT JOIN zones z USING (brand)
)
