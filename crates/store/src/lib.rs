//! CertiSanté's storage and lifecycle layer: the registry (one SQLite file, its migrations,
//! the only writer of the database), scans of files and OS stores, orders and their life,
//! the audit log, alerts, revocation fetching and its cache, and exports.

pub mod alerts;
pub mod audit;
pub mod export;
pub mod inventory;
pub mod lifecycle;
pub mod registry;
pub mod revocation;
pub mod trust;

// The layers below, under the names this crate's modules use.
#[allow(unused_imports)]
use certisante_devices::{card_access, install, keys, stores};
#[allow(unused_imports)]
use certisante_pki::{certs, csr, der, igc, view, Sensitive};
