-- One processed night, per brand: volume and share negative. $day.
SELECT brand, volume, share_negative FROM daily_brand_metrics WHERE day = $day AND source = '_all' ORDER BY brand;
