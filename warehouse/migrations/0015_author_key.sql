-- 0015: which author key the warehouse's author and customer hashes were made with (pipeline.authorkey). Every run
-- that hashes checks the key in the environment against the latest row and stops, writing nothing, when it is
-- another. Never the key: its fingerprint, scrypt with a salt of its own (records._SCRYPT says why that is safe to
-- keep). No row until the first run with a key set records its key ('first use': a warehouse built before 0015
-- adopts the key of its first run after the upgrade); `brandpulse author-key --adopt` adds the next (a rotation).
CREATE TABLE author_key (
    key_no       INTEGER PRIMARY KEY,            -- 1 for the first key, one more for each adopted after it
    key_env      VARCHAR NOT NULL,               -- the variable the key was read from: its name, never its value
    salt         VARCHAR NOT NULL,               -- 16 random bytes, hex
    fingerprint  VARCHAR NOT NULL,               -- scrypt(key, salt), hex
    recorded_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    recorded_by  VARCHAR NOT NULL                -- 'first use' or 'brandpulse author-key --adopt'
);
