-- The téléservices each certificate serves, as the user recorded them (migration 7). A
-- row in teleservice_choices means "recorded" (possibly none), so the CN no longer decides.
CREATE TABLE teleservice_choices (
    sha256 TEXT PRIMARY KEY,
    recorded_at TEXT NOT NULL
);
CREATE TABLE teleservice_ties (
    sha256 TEXT NOT NULL REFERENCES teleservice_choices(sha256) ON DELETE CASCADE,
    teleservice TEXT NOT NULL,
    PRIMARY KEY (sha256, teleservice)
);
-- What the establishment's technical administrators are habilitated for (form n°413):
-- per establishment (structure id as in the OU), offer, usage and optionally téléservice
-- ('' for any).
CREATE TABLE habilitations (
    structure_id TEXT NOT NULL,
    offer TEXT NOT NULL,
    usage TEXT NOT NULL,
    teleservice TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (structure_id, offer, usage, teleservice)
);
