//! CertiSanté's group inventory: the certificates of every workstation of a hospital group
//! (GHT) in one PostgreSQL database its IT team already runs. SQLite stays each workstation's
//! registry; nothing here is needed on a workstation without a group.
//!
//! - `address`: the database's address, libpq-style (URI or keyword/value), and `pgpass`.
//! - `schema`: versioned migrations (`migrations/*.sql`): tables, the publisher and reader
//!   roles, row-level security; `group init` runs them.
//! - `snapshot`: what a workstation publishes (never a secret), item by item, with hashes.
//! - `publish`: idempotent, incremental, resumable publication with a backlog kept in the
//!   registry (`certisante_store::group_outbox`) when the server is away.
//! - `read`: `group list` (the same JSON as `list --json`, with the workstations), the rows
//!   of the Groupe view, one certificate's details, the group's Nagios status.
//!
//! The client: tokio-postgres on a runtime of its own (blocking callers), TLS by rustls on
//! aws-lc, every wait and every size read back bounded. No Tauri: the API calls this.

pub mod address;
pub mod error;
pub mod pgpass;
pub mod publish;
pub mod read;
pub mod schema;
mod session;
pub mod snapshot;
mod tls;

pub use address::Address;
pub use error::GroupError;
pub use session::Session;

use certisante_pki::Sensitive;

/// Connects to the group database at `address` with `password` (else the address's own).
pub fn connect(address: &Address, password: Option<&Sensitive<String>>) -> error::Result<Session> {
    Session::connect(address, password)
}
