-- Alert thresholds already notified, per certificate (migration 5).
CREATE TABLE alerts_sent (
    sha256 TEXT NOT NULL,
    threshold_days INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (sha256, threshold_days)
);
