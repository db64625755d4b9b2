-- CertiSanté group inventory, migration 1: the tables, the two group roles and row-level
-- security. Run by `certisante group init` as the administrator (a role that may create
-- roles, or the database's owner with CREATEROLE), in one transaction with the others.
--
-- Roles (cluster-wide, created once, never dropped here):
--   certisante_publisher  NOLOGIN; each workstation logs in with a role of its own that is
--                         a member of it, and can write only the rows of the workstation
--                         names that role published first (row-level security on `owner`,
--                         the login role: session_user, which SET ROLE cannot change).
--   certisante_reader     NOLOGIN; reads everything (dashboards, the app's Groupe view).
-- The administrator owns the tables (row-level security does not apply to the owner) and
-- hands a workstation name over with `UPDATE certisante.workstations SET owner = ...`.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'certisante_publisher') THEN
        BEGIN
            CREATE ROLE certisante_publisher NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another database's init, at the same moment
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'certisante_reader') THEN
        BEGIN
            CREATE ROLE certisante_reader NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END
$$;

-- This database's identity: a workstation that finds another one (the database was created
-- again) publishes everything again.
CREATE TABLE certisante.group_info (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    group_id uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO certisante.group_info DEFAULT VALUES;

-- One row per workstation name, owned by the login role that published it first.
CREATE TABLE certisante.workstations (
    name text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 255),
    owner name NOT NULL DEFAULT session_user,
    -- The structure ids (FINESS, SIRET...) of its certificates and orders.
    establishments text[] NOT NULL DEFAULT '{}',
    -- Its name, CertiSanté's version, the OS, counts, read errors (JSON object).
    document json NOT NULL CHECK (json_typeof(document) = 'object'),
    hash text NOT NULL,
    -- Over every item it holds here: what the workstation checks before publishing.
    digest text NOT NULL,
    first_published_at timestamptz NOT NULL DEFAULT now(),
    -- The last publication that changed something, and the last one at all.
    last_published_at timestamptz NOT NULL DEFAULT now(),
    last_contact_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, owner)
);

-- Every certificate of every workstation: the document is the workstation's `list --json`
-- entry (CertificateView) without its places and the fields that change with the date
-- (status, severity, days left: recomputed when read); the columns beside it are for filters.
CREATE TABLE certisante.certificates (
    workstation text NOT NULL,
    owner name NOT NULL DEFAULT session_user,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    hash text NOT NULL,
    document json NOT NULL CHECK (json_typeof(document) = 'object'),
    -- Where it lives on that workstation: CertificateView places, each with "workstation".
    places json NOT NULL CHECK (json_typeof(places) = 'array'),
    paths json NOT NULL CHECK (json_typeof(paths) = 'array'),
    has_private_key boolean NOT NULL,
    cn text,
    organization text,
    structure_id text,
    structure_kind text,
    structure_number text,
    environment text NOT NULL,
    offer text,
    usage text,
    not_before timestamptz NOT NULL,
    not_after timestamptz NOT NULL,
    usable_until timestamptz NOT NULL,
    revoked boolean NOT NULL,
    replaced boolean NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workstation, sha256),
    FOREIGN KEY (workstation, owner) REFERENCES certisante.workstations (name, owner) ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX certificates_by_sha256 ON certisante.certificates (sha256);
CREATE INDEX certificates_by_structure ON certisante.certificates (structure_id);
CREATE INDEX certificates_by_end ON certisante.certificates (usable_until);

-- Every order of every workstation: its state and history, its request (public: the
-- subject of the CSR). Never a key, a password or a revocation code.
CREATE TABLE certisante.orders (
    workstation text NOT NULL,
    owner name NOT NULL DEFAULT session_user,
    id text NOT NULL CHECK (length(id) BETWEEN 1 AND 128),
    hash text NOT NULL,
    document json NOT NULL CHECK (json_typeof(document) = 'object'),
    state text NOT NULL,
    certificate_sha256 text,
    -- Waiting for the portal's certificate, since then.
    awaiting boolean NOT NULL,
    since timestamptz NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workstation, id),
    FOREIGN KEY (workstation, owner) REFERENCES certisante.workstations (name, owner) ON UPDATE CASCADE ON DELETE CASCADE
);

ALTER TABLE certisante.workstations ENABLE ROW LEVEL SECURITY;
ALTER TABLE certisante.certificates ENABLE ROW LEVEL SECURITY;
ALTER TABLE certisante.orders ENABLE ROW LEVEL SECURITY;

-- A publisher sees and writes the rows of its own login role only (`owner` is filled with
-- it, and may not be set to another).
CREATE POLICY publisher_own_rows ON certisante.workstations TO certisante_publisher USING (owner = session_user) WITH CHECK (owner = session_user);
CREATE POLICY publisher_own_rows ON certisante.certificates TO certisante_publisher USING (owner = session_user) WITH CHECK (owner = session_user);
CREATE POLICY publisher_own_rows ON certisante.orders TO certisante_publisher USING (owner = session_user) WITH CHECK (owner = session_user);
-- A reader sees every row, and writes none.
CREATE POLICY reader_all_rows ON certisante.workstations FOR SELECT TO certisante_reader USING (true);
CREATE POLICY reader_all_rows ON certisante.certificates FOR SELECT TO certisante_reader USING (true);
CREATE POLICY reader_all_rows ON certisante.orders FOR SELECT TO certisante_reader USING (true);

REVOKE ALL ON SCHEMA certisante FROM PUBLIC;
GRANT USAGE ON SCHEMA certisante TO certisante_publisher, certisante_reader;
GRANT SELECT ON certisante.schema_version, certisante.group_info TO certisante_publisher, certisante_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON certisante.workstations, certisante.certificates, certisante.orders TO certisante_publisher;
GRANT SELECT ON certisante.workstations, certisante.certificates, certisante.orders TO certisante_reader;
