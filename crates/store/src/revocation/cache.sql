-- The revocation cache (migration 4): answers, failures and CRLs.
CREATE TABLE revocation_answers (
    sha256 TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    source TEXT NOT NULL,
    revoked_at TEXT,
    reason TEXT,
    this_update TEXT,
    next_update TEXT,
    checked_at TEXT NOT NULL
);
CREATE TABLE revocation_failures (
    sha256 TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE revocation_crls (
    url TEXT PRIMARY KEY,
    der BLOB NOT NULL,
    this_update TEXT NOT NULL,
    next_update TEXT,
    fetched_at TEXT NOT NULL
);
