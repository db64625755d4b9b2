-- Places CertiSanté wrote itself (migration 6): the OS keystore entry holding an order's key,
-- the .p12 and PEM files it exported, the OS stores it installed into. Each is recorded in
-- the transaction of the order's step, and checked at every scan.
CREATE TABLE managed_places (
    sha256 TEXT NOT NULL REFERENCES certificates(sha256),
    kind TEXT NOT NULL,
    location TEXT NOT NULL,
    format TEXT NOT NULL,
    position INTEGER NOT NULL,
    has_private_key INTEGER NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders(id),
    -- 1 from just before the write it stands for until the step is recorded: after a crash
    -- in between, the next scan finds whether the write happened.
    pending INTEGER NOT NULL DEFAULT 0,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (sha256, kind, location)
);
CREATE INDEX managed_places_by_order ON managed_places(order_id);
