-- The audit log (migration 2): entries chained by hash, a head record (count, last hash)
-- kept by trigger in the insert's transaction, and triggers refusing any other change.
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, count, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
CREATE TRIGGER audit_extends_chain BEFORE INSERT ON audit
WHEN NEW.seq IS NOT (SELECT count + 1 FROM audit_head WHERE id = 1)
  OR NEW.prev_hash IS NOT (SELECT last_hash FROM audit_head WHERE id = 1)
BEGIN SELECT RAISE(ABORT, 'an audit entry must extend the chain'); END;
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit
BEGIN UPDATE audit_head SET count = NEW.seq, last_hash = NEW.hash WHERE id = 1; END;
CREATE TRIGGER audit_head_only_follows BEFORE UPDATE ON audit_head
WHEN NEW.id IS NOT OLD.id OR NEW.count IS NOT OLD.count + 1
  OR NEW.last_hash IS NOT (SELECT hash FROM audit WHERE seq = NEW.count)
BEGIN SELECT RAISE(ABORT, 'the audit head only follows appended entries'); END;
CREATE TRIGGER audit_head_no_insert BEFORE INSERT ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head is written once'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head cannot be removed'); END;
