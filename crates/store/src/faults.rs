//! Named points where a test can stop the process, to kill it there with SIGKILL and check
//! that nothing was lost or half-written: `CERTISANTE_PAUSE_AT=<name>` makes the process
//! sleep at that point (after saying so on stderr). Points: `order_created`, `key_stored`,
//! `key_generated`, `before_import`, `p12_key_stored`, `revoked`, `install_started`,
//! `install_written` (the lifecycle), `scan_read` (a scan's files read, nothing written),
//! `migrating` (a migration's SQL run, not committed), `revocation_recorded` (the first
//! answer of a refresh recorded, the others not); the group publication's (crates/group):
//! `group_queued` (the backlog written, nothing sent), `group_sending` (a batch sent to the
//! group database, not committed), `group_committed` (a batch committed there, not yet
//! acknowledged here).

pub const PAUSE_ENV: &str = "CERTISANTE_PAUSE_AT";

pub fn checkpoint(name: &str) {
    if std::env::var(PAUSE_ENV).as_deref() == Ok(name) {
        eprintln!("certisante: paused at {name}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}
