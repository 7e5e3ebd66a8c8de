-- `brandpulse summary`: each brand's day with the highest share negative, among days with 20+ mentions
-- (and a share: days with none scored have none); of days with the same share, the busiest, then the latest.
SELECT brand, day, volume, share_negative FROM v_brand_daily WHERE volume >= 20 AND share_negative IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY brand ORDER BY share_negative DESC, volume DESC, day DESC) = 1
ORDER BY brand;
