-- 0021: the e-mail recipients an attempt leaves owed the alert. An e-mail server may refuse some recipients with
-- a temporary reply (4xx: greylisting, a full mailbox, a rate limit) while it takes the message for the others:
-- the attempt is ok (they have it), and retry_to lists the refused ones, whom the next run sends that alert to
-- alone. A retry that fails outright lists the recipients it was for; one that reaches them all, an empty list.
-- NULL: nothing owed (every attempt before this migration, every other channel, a permanent 5xx refusal).
ALTER TABLE alert_deliveries ADD COLUMN retry_to VARCHAR[];
