//! Keys made on this computer for a certificate request, and the OS keystore that keeps
//! them (with revocation codes and .p12 passwords) until the certificate comes back.
//!
//! A private key lives in memory only while it is made or moved, always inside a
//! [`crate::Sensitive`]; at rest it is in the OS keystore (Secret Service, Windows
//! Credential Manager, macOS Keychain), never in the registry or a log.

mod keystore;
mod os;
#[cfg(test)]
mod tests;

pub use certisante_pki::keys::{KeyError, KeyKind, PrivateKey};
pub use keystore::{load_private_key, store_private_key, Keystore, KeystoreError, SecretKind, SecretName, MAX_SECRET_LEN};
pub use os::{OsKeystore, DEFAULT_SERVICE};
