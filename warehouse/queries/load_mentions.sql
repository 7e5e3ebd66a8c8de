-- Upsert staged records. $files: list of staged *.records.jsonl files; $run_id; $columns: the JSON schema.
-- A row already in the warehouse keeps its first_seen and run_id; engagement and last_seen are refreshed.
INSERT INTO mentions BY NAME
SELECT mention_id, brand, source, source_type, native_id, kind, platform, channel, author_hash, title, text, url,
       created_at, CAST(timezone('UTC', created_at) AS DATE) AS day, rating, language, engagement,
       now() AS first_seen, now() AS last_seen, $run_id AS run_id
FROM read_json($files, format = 'newline_delimited', columns = $columns, maximum_object_size = 67108864)
QUALIFY row_number() OVER (PARTITION BY mention_id ORDER BY engagement DESC NULLS LAST) = 1
ON CONFLICT (mention_id) DO UPDATE SET
    engagement = greatest(mentions.engagement, excluded.engagement),
    last_seen = excluded.last_seen;
