-- A source's stored state. $brand, $source.
SELECT state, watermark, day FROM source_state WHERE brand = $brand AND source = $source;
