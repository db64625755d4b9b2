//! What can go wrong with the group database. Messages name the server (without password)
//! and what it said; never a password.

use certisante_store::registry::RegistryError;

#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error("no group database is configured: give --database URL, or set the group address in the settings")]
    NotConfigured,
    #[error("invalid group database address: {0}")]
    InvalidAddress(String),
    #[error("invalid workstation name {0:?}: 1 to 255 characters, no control character")]
    InvalidWorkstation(String),
    #[error("the group database {server} cannot be reached: {reason}")]
    Unreachable { server: String, reason: String },
    #[error("the group database {server} did not answer within {seconds} s ({what})")]
    Timeout { server: String, what: &'static str, seconds: u64 },
    #[error("TLS with the group database {server} failed: {reason}")]
    Tls { server: String, reason: String },
    #[error("cannot read the CA certificates of {path} (sslrootcert): {reason}")]
    RootCertificates { path: String, reason: String },
    #[error("the group database {server} refused the login: {reason}")]
    Authentication { server: String, reason: String },
    #[error("the group database {server} asks for a password, and none is saved for {user}")]
    NoPassword { server: String, user: String },
    #[error("the group database {0} has no CertiSanté inventory yet: run `certisante group init --database URL` as its administrator")]
    NotInitialised(String),
    #[error("the group database was set up by a newer CertiSanté (schema {found}, this version knows {known}): update CertiSanté")]
    NewerSchema { found: i32, known: i32 },
    #[error("the group database refused this: {0}")]
    Denied(String),
    #[error("the workstation name {0:?} is published by another database role: choose another name, or ask the group's administrator to hand it over")]
    NotOwner(String),
    #[error("another publication of the workstation {0:?} is under way")]
    Busy(String),
    #[error("the group database answered more than this version accepts: {0}")]
    TooLarge(String),
    #[error("the group database refuses a row this large (its schema's size limits): {0}")]
    RowTooLarge(String),
    #[error("the group database holds a row this version cannot read: {0}")]
    Corrupt(String),
    #[error("the group database failed: {0}")]
    Server(String),
    #[error("the address carries a password: give it apart (it is kept in the OS keystore, never in the settings)")]
    PasswordInAddress,
    #[error("the group address is set by the deployment (machine policy or CERTISANTE_GROUP_DATABASE_URL): it cannot be changed here")]
    AddressForced,
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

certisante_pki::error_codes!(GroupError {
    Self::NotConfigured => "group.not_configured",
    Self::InvalidAddress(_) => "group.invalid_address",
    Self::InvalidWorkstation(_) => "group.invalid_workstation",
    Self::Unreachable { .. } => "group.unreachable",
    Self::Timeout { .. } => "group.timeout",
    Self::Tls { .. } => "group.tls",
    Self::RootCertificates { .. } => "group.root_certificates",
    Self::Authentication { .. } => "group.authentication",
    Self::NoPassword { .. } => "group.no_password",
    Self::NotInitialised(_) => "group.not_initialised",
    Self::NewerSchema { .. } => "group.newer_schema",
    Self::Denied(_) => "group.denied",
    Self::NotOwner(_) => "group.not_owner",
    Self::Busy(_) => "group.busy",
    Self::TooLarge(_) => "group.too_large",
    Self::RowTooLarge(_) => "group.row_too_large",
    Self::Corrupt(_) => "group.corrupt",
    Self::Server(_) => "group.server",
    Self::PasswordInAddress => "group.password_in_address",
    Self::AddressForced => "group.address_forced",
} wraps { Registry(RegistryError) });

impl GroupError {
    /// The server could not be used at all (down, unreachable, too slow): the backlog waits
    /// for the next publication, nothing is wrong with what was asked.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, GroupError::Unreachable { .. } | GroupError::Timeout { .. })
    }
}

pub type Result<T> = std::result::Result<T, GroupError>;
