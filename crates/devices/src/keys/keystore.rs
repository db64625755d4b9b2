//! Where secrets wait between the request and the certificate: the `Keystore` trait, the
//! names of what it holds, its errors, and the private-key helpers on top of it.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroize;

use super::PrivateKey;
use crate::Sensitive;

/// The largest secret any supported OS store takes: Windows Credential Manager's
/// `CRED_MAX_CREDENTIAL_BLOB_SIZE` (5 × 512 bytes). Checked on every platform, so a secret
/// that fits on Linux cannot fail later on Windows. An RSA-2048 PKCS#8 is about 1,220 bytes.
pub const MAX_SECRET_LEN: usize = 2560;

/// What a secret in the OS keystore is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    PrivateKey,
    RevocationCode,
    P12Password,
    /// The password of the group inventory's database (id: the login, see crates/group).
    GroupPassword,
    /// The password of the SMTP account e-mail alerts are sent with (id `mail`). Never
    /// crosses to the UI: only the alert settings' own actions touch it.
    #[serde(skip)]
    #[ts(skip)]
    SmtpPassword,
    /// A webhook's URL (its token is in it), by the webhook's name. Same: never to the UI.
    #[serde(skip)]
    #[ts(skip)]
    WebhookUrl,
}

impl SecretKind {
    /// The prefix of the account name in the OS store.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretKind::PrivateKey => "private-key",
            SecretKind::RevocationCode => "revocation-code",
            SecretKind::P12Password => "p12-password",
            SecretKind::GroupPassword => "group-password",
            SecretKind::SmtpPassword => "smtp-password",
            SecretKind::WebhookUrl => "webhook-url",
        }
    }
}

/// One secret's name: its kind and the order it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretName {
    pub kind: SecretKind,
    /// An order id (uuid-like text): ASCII letters, digits, `-`, `_` and `.`, at most 128.
    pub id: String,
}

impl SecretName {
    pub fn new(kind: SecretKind, id: impl Into<String>) -> SecretName {
        SecretName { kind, id: id.into() }
    }

    /// The account (user) name in the OS store: `<kind>/<id>`, e.g. `private-key/ord-…`.
    pub fn account(&self) -> String {
        format!("{}/{}", self.kind.as_str(), self.id)
    }

    /// Refuses ids that could collide with another name or upset a store (`/`, spaces,
    /// control characters, empty or very long ids).
    pub fn validate(&self) -> Result<(), KeystoreError> {
        let ok = !self.id.is_empty() && self.id.len() <= 128 && self.id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok {
            Ok(())
        } else {
            Err(KeystoreError::InvalidName { id: self.id.clone() })
        }
    }
}

impl fmt::Display for SecretName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.account())
    }
}

/// A store of small secrets (private keys, revocation codes, .p12 passwords) kept by the
/// OS for the user. Implementations never log or print a secret.
pub trait Keystore: Send + Sync {
    /// Checks the store can be used now (present, unlocked) without touching any secret.
    fn check(&self) -> Result<(), KeystoreError>;
    /// Saves `value` under `name`, replacing what was there.
    fn put(&self, name: &SecretName, value: &Sensitive<Vec<u8>>) -> Result<(), KeystoreError>;
    /// The secret saved under `name`, or `None` if there is none.
    fn get(&self, name: &SecretName) -> Result<Option<Sensitive<Vec<u8>>>, KeystoreError>;
    /// Removes the secret; `false` if there was none.
    fn delete(&self, name: &SecretName) -> Result<bool, KeystoreError>;
}

/// Why the OS keystore could not be used. Codes are stable: the UI and scripts match them,
/// never the message. No message ever contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeystoreError {
    #[error("{} ({detail})", unavailable_hint())]
    Unavailable { detail: String },
    #[error("{} ({detail})", locked_hint())]
    Locked { detail: String },
    #[error("the secret {name} is {len} bytes long: the OS keystore takes {max} at most (Windows Credential Manager's limit, applied everywhere)")]
    TooLarge { name: String, len: usize, max: usize },
    #[error("the secret {name} read from the OS keystore is unusable: {detail}")]
    Corrupt { name: String, detail: String },
    #[error("invalid secret identifier {id:?}: ASCII letters, digits, '-', '_' and '.' only, 128 characters at most")]
    InvalidName { id: String },
    #[error("the OS keystore failed: {detail}")]
    Failed { detail: String },
}

certisante_pki::error_codes!(KeystoreError {
    Self::Unavailable { .. } => "keystore.unavailable",
    Self::Locked { .. } => "keystore.locked",
    Self::TooLarge { .. } => "keystore.too_large",
    Self::Corrupt { .. } => "keystore.corrupt",
    Self::InvalidName { .. } => "keystore.invalid_name",
    Self::Failed { .. } => "keystore.failed",
});

/// What to install or start when there is no store, in this platform's words.
fn unavailable_hint() -> &'static str {
    by_platform(
        "Windows Credential Manager cannot be reached: open an interactive Windows session (the Credential Manager service must be running), then try again",
        "the macOS keychain cannot be reached: open a macOS user session and check the login keychain in Keychain Access, then try again",
        "no OS keystore (Secret Service) can be reached: install and start gnome-keyring (package gnome-keyring, started with a desktop session; or KeePassXC with its Secret Service integration on) and check that the D-Bus session bus runs (DBUS_SESSION_BUS_ADDRESS; without a desktop: dbus-run-session), then try again",
    )
}

/// How to unlock the store, in this platform's words.
fn locked_hint() -> &'static str {
    by_platform(
        "Windows Credential Manager refuses access: open your Windows session again, then try again",
        "the macOS keychain is locked: open Keychain Access and unlock the login keychain with your session password, then try again",
        "the OS keystore is locked: unlock the Login keyring in Passwords and Keys (Seahorse) with your session password, or log out and in again, then try again",
    )
}

fn by_platform(windows: &'static str, macos: &'static str, secret_service: &'static str) -> &'static str {
    if cfg!(windows) {
        windows
    } else if cfg!(target_os = "macos") {
        macos
    } else {
        secret_service
    }
}

/// Refuses a secret larger than [`MAX_SECRET_LEN`] before any store is touched.
pub fn check_size(name: &SecretName, value: &Sensitive<Vec<u8>>) -> Result<(), KeystoreError> {
    let len = value.expose().len();
    if len > MAX_SECRET_LEN {
        return Err(KeystoreError::TooLarge { name: name.to_string(), len, max: MAX_SECRET_LEN });
    }
    Ok(())
}

/// Saves a private key under `private-key/<id>`, then reads it back and compares, so that
/// a key is never believed saved when it is not (a store that accepted the write but kept
/// nothing, or something else).
pub fn store_private_key(ks: &dyn Keystore, id: &str, key: &PrivateKey) -> Result<(), KeystoreError> {
    let name = SecretName::new(SecretKind::PrivateKey, id);
    name.validate()?;
    ks.put(&name, key.pkcs8())?;
    match ks.get(&name)? {
        Some(back) if back.expose() == key.pkcs8().expose() => Ok(()),
        Some(_) => Err(KeystoreError::Failed { detail: format!("the private key {name} read back after saving differs from the one written") }),
        None => Err(KeystoreError::Failed { detail: format!("the private key {name} is missing right after being saved") }),
    }
}

/// The private key saved under `private-key/<id>`, or `None`. Bytes that are not a key of a
/// kind this application uses are `keystore.corrupt`.
pub fn load_private_key(ks: &dyn Keystore, id: &str) -> Result<Option<PrivateKey>, KeystoreError> {
    let name = SecretName::new(SecretKind::PrivateKey, id);
    name.validate()?;
    match ks.get(&name)? {
        None => Ok(None),
        Some(bytes) => {
            PrivateKey::from_pkcs8(bytes).map(Some).map_err(|e| KeystoreError::Corrupt { name: name.to_string(), detail: format!("{} ({})", e, e.code()) })
        }
    }
}

/// Zeroizes bytes a store handed back inside an error before they are dropped.
pub(super) fn scrub(mut bytes: Vec<u8>) {
    bytes.zeroize();
}
