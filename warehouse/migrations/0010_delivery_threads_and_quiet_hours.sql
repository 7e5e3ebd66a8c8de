-- 0010: what a channel gave back, and alerts held for quiet hours.
-- external_id: the receiver's id of the message an attempt posted; for a Slack channel with a bot token
--   ('<channel id>:<ts>' from chat.postMessage), so that a later 'worse' or 'update' alert of the same incident
--   edits that message (chat.update) instead of posting again. NULL for every other channel.
-- via: 'digest' when the attempt sent the alert inside a channel's quiet-hours digest (one message listing the
--   alerts held while the channel was quiet), NULL when the alert was sent as its own message.
-- A held alert is an attempt with ok = false and status 'held' (error: the reason, e.g. the quiet hours and
-- when they end); v_alert_deliveries calls its state 'held', not 'failed'.
ALTER TABLE alert_deliveries ADD COLUMN external_id VARCHAR;
ALTER TABLE alert_deliveries ADD COLUMN via VARCHAR;
