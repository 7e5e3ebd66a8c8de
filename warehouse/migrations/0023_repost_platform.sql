-- 0023: the platform of each repost, as mentions keep theirs. A mention id carries no platform, and the load kept a
-- staged row under a stored repost's id out of the upsert only when that id was a mention's: another platform's post
-- that reused the native id of a stored repost (a file drop's export of a later night) was merged into the repost,
-- its text and its row lost and its engagement counted for the copy (ingest/mentions.sql). Reposts stored before
-- start unknown (NULL: never taken for a clash), until a night reads them again.
ALTER TABLE reposts ADD COLUMN platform VARCHAR;
