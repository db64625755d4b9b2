-- The registry's own tables (migration 1): what is watched, what was read (sources),
-- the certificates found and where (places), and the settings.
CREATE TABLE watched (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE sources (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    format TEXT,
    integrity TEXT,
    last_scan TEXT NOT NULL,
    error_code TEXT,
    error_message TEXT
);
CREATE TABLE certificates (
    sha256 TEXT PRIMARY KEY,
    der BLOB NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE TABLE places (
    source_path TEXT NOT NULL REFERENCES sources(path) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES certificates(sha256),
    has_private_key INTEGER NOT NULL,
    PRIMARY KEY (source_path, position)
);
CREATE INDEX places_by_certificate ON places(sha256);
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
