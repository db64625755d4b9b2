-- Alert claims per channel (migration 8), replacing alerts_sent (whose rows are the
-- desktop channel's). channel: 'desktop', 'mail:<address in lower case>' or
-- 'webhook:<name>'. claimed_at: when a process took it (a lease while an e-mail or a
-- webhook goes out); sent_at: when it went out (a desktop claim is sent at once). Times
-- in whole seconds, 'Z': compared as text.
CREATE TABLE alert_claims (
    channel TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    threshold_days INTEGER NOT NULL,
    claimed_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (channel, sha256, threshold_days)
);
INSERT INTO alert_claims (channel, sha256, threshold_days, claimed_at, sent_at)
    SELECT 'desktop', sha256, threshold_days, sent_at, sent_at FROM alerts_sent;
DROP TABLE alerts_sent;
