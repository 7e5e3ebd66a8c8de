-- `brandpulse summary`: each brand's day with the highest share negative, among days with 20+ mentions scored
-- (the share's own count: a day whose scoring stopped after 3 of its 37 mentions is no 100% day); of days with
-- the same share, the busiest, then the latest.
SELECT brand, day, volume, scored, share_negative FROM v_brand_daily WHERE scored >= 20 AND share_negative IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY brand ORDER BY share_negative DESC, volume DESC, day DESC) = 1
ORDER BY brand;
