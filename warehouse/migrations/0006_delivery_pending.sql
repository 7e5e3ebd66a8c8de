-- 0006: a delivery attempt is recorded before it is sent, and completed after. send_alerts inserts the attempt
-- with ok NULL ('pending') and commits that before anything goes on the wire, then sets ok (true or false),
-- status and error when the receiver has answered or the attempt failed. An attempt left pending was cut off
-- mid-send (the process was killed): the receiver may have the alert. v_alert_deliveries.state says so.
ALTER TABLE alert_deliveries ALTER COLUMN ok DROP NOT NULL;
