-- CertiSanté group inventory, migration 2: size limits on what a publisher writes.
--
-- Every reader reads every row: without limits, one publisher (a broken or hostile
-- workstation) could write rows that no reader can take, and make `group list` and the
-- Groupe view fail for the whole group. CertiSanté's own rows are a few kilobytes.
-- NOT VALID: rows already there are not checked (the migration never fails on old data);
-- every row written from now on is. Readers bound what they read all the same.
-- Names end in `_size`: a publication refused by one says `group.row_too_large` (CertiSanté
-- keeps its own rows within them: see snapshot.rs). An administrator's change to an older
-- row over a limit (handing a workstation name over rewrites its rows) is refused too:
-- delete or shrink such rows first (README: "Size limits").

ALTER TABLE certisante.workstations
    ADD CONSTRAINT workstations_size CHECK (
        octet_length(document::text) <= 262144
        AND octet_length(hash) <= 128 AND octet_length(digest) <= 128
        AND cardinality(establishments) <= 1000
        AND octet_length(array_to_string(establishments, '')) <= 64000
        AND array_position(establishments, NULL) IS NULL
    ) NOT VALID;

ALTER TABLE certisante.certificates
    ADD CONSTRAINT certificates_size CHECK (
        octet_length(document::text) + octet_length(places::text) + octet_length(paths::text) <= 1048576
        AND octet_length(hash) <= 128
        AND coalesce(octet_length(cn), 0) + coalesce(octet_length(organization), 0) + coalesce(octet_length(structure_id), 0)
            + coalesce(octet_length(structure_kind), 0) + coalesce(octet_length(structure_number), 0) + octet_length(environment)
            + coalesce(octet_length(offer), 0) + coalesce(octet_length(usage), 0) <= 4096
    ) NOT VALID;

ALTER TABLE certisante.orders
    ADD CONSTRAINT orders_size CHECK (
        octet_length(document::text) <= 1048576
        AND octet_length(hash) <= 128 AND octet_length(state) <= 64
        AND coalesce(octet_length(certificate_sha256), 0) <= 64
    ) NOT VALID;
