//! CertiSanté's storage and lifecycle layer: the registry (one SQLite file, the only writer
//! of the database), scans of files and OS stores, the one certificate model (`listing`:
//! every certificate with all its places and its order), orders and their life, the places
//! CertiSanté writes, the audit log, alerts (desktop, e-mail, webhooks: `notify`),
//! revocation fetching and its cache, exports, metrics for Prometheus.

pub mod alerts;
pub mod audit;
pub mod export;
pub mod faults;
pub mod group_outbox;
pub mod inventory;
pub mod lifecycle;
pub mod listing;
pub mod machine_policy;
pub mod metrics;
pub mod notify;
pub mod places;
pub mod platform;
pub mod registry;
pub mod revocation;
pub mod settings;
pub mod teleservices;
pub mod trust;

use std::path::Path;

use registry::{Migration, Registry, RegistryError};

// The layers below, under the names this crate's modules use.
#[allow(unused_imports)]
use certisante_devices::{card_access, files, install, keys, stores};
#[allow(unused_imports)]
use certisante_pki::{certs, csr, der, igc, order, procedure, view, Sensitive};

/// Every table, in the order it was introduced: each feature declares its own migration
/// (a SQL file beside its code). Never reorder or change one that has shipped: add another.
const MIGRATIONS: &[Migration] = &[
    registry::SCHEMA,
    audit::SCHEMA,
    lifecycle::SCHEMA,
    revocation::SCHEMA,
    alerts::SCHEMA,
    places::SCHEMA,
    teleservices::SCHEMA,
    group_outbox::SCHEMA,
    alerts::CHANNELS_SCHEMA,
    notify::SCHEMA,
];

impl Registry {
    /// Opens the registry at `path` (created and migrated when needed).
    pub fn open(path: &Path) -> Result<Self, RegistryError> {
        Self::open_with(path, MIGRATIONS)
    }
}
