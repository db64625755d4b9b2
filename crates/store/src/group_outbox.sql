-- The group inventory's local side (migration 7): what the group's PostgreSQL database
-- holds of this workstation, as it last acknowledged it, and the changes still to send
-- (the backlog). Written only by `group_outbox.rs`; see crates/group for the server side.
CREATE TABLE group_published (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE group_outbox (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    -- NULL: the item leaves the group (a certificate no longer here).
    hash TEXT,
    -- The row to send, JSON; NULL for a removal.
    payload TEXT,
    -- When this version of the item was first queued (kept while it waits).
    queued_at TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
-- Which database and workstation name the two tables above describe, and the last
-- publication's outcome (JSON values).
CREATE TABLE group_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
