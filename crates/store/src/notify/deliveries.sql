-- The last failure of each e-mail recipient and webhook (migration 9), kept until a
-- message goes out on that channel again: what the app and the CLI show. channel as in
-- alert_claims; pending: the alerts that did not go out at the last try.
CREATE TABLE alert_delivery_failures (
    channel TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    failed_at TEXT NOT NULL,
    first_failed_at TEXT NOT NULL,
    pending INTEGER NOT NULL
);
