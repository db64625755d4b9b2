-- Orders and their history (migration 3), owned by the lifecycle.
CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    request TEXT NOT NULL,
    key_origin TEXT NOT NULL,
    key_kind TEXT NOT NULL,
    key_in_keystore INTEGER NOT NULL DEFAULT 0,
    public_key BLOB,
    csr_der BLOB,
    csr_pem TEXT,
    certificate_sha256 TEXT REFERENCES certificates(sha256),
    chain TEXT,
    not_after TEXT,
    renews TEXT REFERENCES orders(id),
    revocation_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX orders_by_public_key ON orders(public_key);
CREATE INDEX orders_by_certificate ON orders(certificate_sha256);
CREATE TABLE order_states (
    order_id TEXT NOT NULL REFERENCES orders(id),
    state TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX order_states_by_order ON order_states(order_id);
