//! The OS keystore: Secret Service on Linux (gnome-keyring, KeePassXC… over D-Bus),
//! Windows Credential Manager, macOS Keychain. Built on keyring-core 1.1 and its native
//! stores, the crates `keyring` 4 is made of, used directly: `keyring::Entry` opens one
//! store per process on first use and keeps its result forever, so a keyring started after
//! the app (or restarted) would stay "unavailable" until the app restarts. Here each
//! `OsKeystore` opens its store when first needed and opens it again after a failure.
//!
//! The macOS code path compiles only on macOS, which cannot be checked from Linux: keep it
//! as small as it is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use keyring_core::api::CredentialStore;
use keyring_core::{Entry, Error as KrError};

use super::keystore::{check_size, scrub, Keystore, KeystoreError, SecretName};
use crate::Sensitive;

/// The service name every secret of this application is saved under.
pub const DEFAULT_SERVICE: &str = "fr.certisante.app";

pub struct OsKeystore {
    service: String,
    /// Opened on first use; dropped after a failure so that the next call opens it again.
    store: Mutex<Option<Arc<CredentialStore>>>,
}

impl Default for OsKeystore {
    fn default() -> Self {
        Self::new()
    }
}

impl OsKeystore {
    /// The OS store under the service `fr.certisante.app`. Nothing is opened yet.
    pub fn new() -> OsKeystore {
        Self::with_service(DEFAULT_SERVICE)
    }

    /// The OS store under another service name (tests; a second installation).
    pub fn with_service(service: &str) -> OsKeystore {
        OsKeystore { service: service.to_string(), store: Mutex::new(None) }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// The open store and whether it was opened just now.
    fn store(&self) -> Result<(Arc<CredentialStore>, bool), KeystoreError> {
        let mut slot = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(store) = slot.as_ref() {
            return Ok((store.clone(), false));
        }
        let store = platform::open_store().map_err(|e| map_error(e, None))?;
        *slot = Some(store.clone());
        Ok((store, true))
    }

    fn forget_store(&self) {
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// Runs `op` on `name`'s entry. A platform failure on a store opened earlier is tried
    /// once more on a newly opened one: the service may have restarted since, and the old
    /// connection or session is gone. Every operation here is safe to repeat.
    fn run<T>(&self, name: &SecretName, op: impl Fn(&Entry) -> keyring_core::Result<T>) -> Result<T, KeystoreError> {
        name.validate()?;
        let account = name.account();
        let modifiers = platform::modifiers(name);
        let modifiers: HashMap<&str, &str> = modifiers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut retried = false;
        loop {
            let (store, fresh) = self.store()?;
            let result = store.build(&self.service, &account, Some(&modifiers)).and_then(|entry| op(&entry));
            match result {
                Ok(value) => return Ok(value),
                Err(e) => {
                    self.forget_store();
                    if matches!(e, KrError::PlatformFailure(_)) && !fresh && !retried {
                        retried = true;
                        continue;
                    }
                    return Err(map_error(e, Some(name)));
                }
            }
        }
    }
}

impl Keystore for OsKeystore {
    fn check(&self) -> Result<(), KeystoreError> {
        platform::check(self)
    }

    fn put(&self, name: &SecretName, value: &Sensitive<Vec<u8>>) -> Result<(), KeystoreError> {
        check_size(name, value)?;
        self.run(name, |entry| entry.set_secret(value.expose()))
    }

    fn get(&self, name: &SecretName) -> Result<Option<Sensitive<Vec<u8>>>, KeystoreError> {
        self.run(name, |entry| match entry.get_secret() {
            Ok(bytes) => Ok(Some(Sensitive::new(bytes))),
            Err(KrError::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
    }

    fn delete(&self, name: &SecretName) -> Result<bool, KeystoreError> {
        self.run(name, |entry| match entry.delete_credential() {
            Ok(()) => Ok(true),
            Err(KrError::NoEntry) => Ok(false),
            Err(e) => Err(e),
        })
    }
}

/// A keyring-core error in this module's terms. Secret bytes some variants carry are
/// zeroized, never shown.
fn map_error(e: KrError, name: Option<&SecretName>) -> KeystoreError {
    let what = name.map(|n| n.to_string()).unwrap_or_else(|| "(none)".into());
    match e {
        KrError::NoStorageAccess(err) => platform::classify(err.as_ref(), true),
        KrError::PlatformFailure(err) => platform::classify(err.as_ref(), false),
        KrError::NoDefaultStore => KeystoreError::Unavailable { detail: "no secret store".into() },
        KrError::TooLong(attribute, max) => KeystoreError::Failed { detail: format!("{what}: \"{attribute}\" is longer than {max} characters") },
        KrError::BadEncoding(bytes) => {
            scrub(bytes);
            KeystoreError::Corrupt { name: what, detail: "unexpected encoding".into() }
        }
        KrError::BadDataFormat(bytes, err) => {
            scrub(bytes);
            KeystoreError::Corrupt { name: what, detail: err.to_string() }
        }
        KrError::BadStoreFormat(detail) => KeystoreError::Corrupt { name: what, detail },
        KrError::Ambiguous(entries) => KeystoreError::Corrupt { name: what, detail: format!("{} items have this name in the keystore", entries.len()) },
        KrError::NoEntry => KeystoreError::Failed { detail: format!("{what}: no such item") },
        other => KeystoreError::Failed { detail: other.to_string() },
    }
}

/// Secret Service over D-Bus (zbus), as on every Linux desktop.
#[cfg(all(unix, not(target_os = "macos")))]
mod platform {
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;
    use secret_service::blocking::SecretService;
    use secret_service::{EncryptionType, Error as SsError};

    use super::{KeystoreError, OsKeystore, SecretName};

    pub(super) fn open_store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(zbus_secret_service_keyring_store::Store::new()?)
    }

    /// A label for the item as Seahorse shows it.
    pub(super) fn modifiers(name: &SecretName) -> Vec<(&'static str, String)> {
        vec![("label", format!("CertiSanté {name}"))]
    }

    /// The default collection must exist and be unlocked. Asked on a connection of its own,
    /// with no secret transferred (so no encrypted session) and no unlock prompt.
    pub(super) fn check(_ks: &OsKeystore) -> Result<(), KeystoreError> {
        let classify_ss = |e: SsError| classify(&e, false);
        let service = SecretService::connect(EncryptionType::Plain).map_err(classify_ss)?;
        let collection = service.get_default_collection().map_err(|e| match e {
            SsError::NoResult => KeystoreError::Unavailable { detail: "the Secret Service has no default keyring: create a Login keyring in Seahorse".into() },
            e => classify(&e, false),
        })?;
        if collection.is_locked().map_err(classify_ss)? {
            return Err(KeystoreError::Locked { detail: "the default keyring is locked".into() });
        }
        Ok(())
    }

    /// Tells "no bus / no Secret Service" from "locked" from anything else.
    pub(super) fn classify(err: &(dyn std::error::Error + 'static), no_access: bool) -> KeystoreError {
        let detail = err.to_string();
        let Some(ss) = err.downcast_ref::<SsError>() else {
            return if no_access { KeystoreError::Locked { detail } } else { KeystoreError::Failed { detail } };
        };
        match ss {
            SsError::Locked | SsError::Prompt | SsError::PromptDisconnected => KeystoreError::Locked { detail },
            SsError::Unavailable => KeystoreError::Unavailable { detail },
            SsError::Zbus(e) => classify_zbus(e, detail),
            SsError::ZbusFdo(e) => classify_fdo(e, detail),
            // What the service answers when it has no default collection to write into.
            SsError::NoResult => {
                KeystoreError::Unavailable { detail: format!("{detail}: the Secret Service has no default keyring, create a Login keyring in Seahorse") }
            }
            _ => KeystoreError::Failed { detail },
        }
    }

    fn classify_zbus(e: &zbus::Error, detail: String) -> KeystoreError {
        match e {
            zbus::Error::InputOutput(_)
            | zbus::Error::Address(_)
            | zbus::Error::Handshake(_)
            | zbus::Error::InterfaceNotFound
            | zbus::Error::Connection(..) => KeystoreError::Unavailable { detail },
            zbus::Error::FDO(fdo) => classify_fdo(fdo, detail),
            zbus::Error::MethodError(name, ..) => match name.as_str() {
                "org.freedesktop.DBus.Error.ServiceUnknown"
                | "org.freedesktop.DBus.Error.NameHasNoOwner"
                | "org.freedesktop.DBus.Error.NoServer"
                | "org.freedesktop.DBus.Error.Disconnected"
                | "org.freedesktop.DBus.Error.NoReply" => KeystoreError::Unavailable { detail },
                "org.freedesktop.Secret.Error.IsLocked" => KeystoreError::Locked { detail },
                _ => KeystoreError::Failed { detail },
            },
            _ => KeystoreError::Failed { detail },
        }
    }

    fn classify_fdo(e: &zbus::fdo::Error, detail: String) -> KeystoreError {
        use zbus::fdo::Error as Fdo;
        match e {
            Fdo::ServiceUnknown(_) | Fdo::NameHasNoOwner(_) | Fdo::NoServer(_) | Fdo::Disconnected(_) | Fdo::NoReply(_) => {
                KeystoreError::Unavailable { detail }
            }
            Fdo::ZBus(inner) => classify_zbus(inner, detail),
            _ => KeystoreError::Failed { detail },
        }
    }
}

/// Windows Credential Manager (generic credentials, target `<kind>/<id>.fr.certisante.app`).
#[cfg(windows)]
mod platform {
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;

    use super::{KeystoreError, OsKeystore, SecretName};

    pub(super) fn open_store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(windows_native_keyring_store::Store::new()?)
    }

    /// "Local": the secret stays on this computer; the default ("Enterprise") would copy a
    /// private key to every computer a roaming profile reaches.
    pub(super) fn modifiers(_name: &SecretName) -> Vec<(&'static str, String)> {
        vec![("persistence", "Local".to_string())]
    }

    /// Credential Manager has no lock: reading a name nobody uses tells whether it answers.
    pub(super) fn check(ks: &OsKeystore) -> Result<(), KeystoreError> {
        super::probe(ks)
    }

    pub(super) fn classify(err: &(dyn std::error::Error + 'static), _no_access: bool) -> KeystoreError {
        // ERROR_NO_SUCH_LOGON_SESSION (the only "no access" it reports): no user session.
        KeystoreError::Unavailable { detail: err.to_string() }
    }
}

/// macOS Keychain (the user's login keychain). Not compiled or tested from Linux.
#[cfg(target_os = "macos")]
mod platform {
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;

    use super::{KeystoreError, OsKeystore, SecretName};

    pub(super) fn open_store() -> keyring_core::Result<Arc<CredentialStore>> {
        Ok(apple_native_keyring_store::keychain::Store::new()?)
    }

    pub(super) fn modifiers(_name: &SecretName) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    pub(super) fn check(ks: &OsKeystore) -> Result<(), KeystoreError> {
        super::probe(ks)
    }

    pub(super) fn classify(err: &(dyn std::error::Error + 'static), no_access: bool) -> KeystoreError {
        let detail = err.to_string();
        // errSecInteractionNotAllowed (-25308): the keychain is locked and may not prompt.
        if detail.contains("-25308") || detail.contains("User interaction is not allowed") {
            return KeystoreError::Locked { detail };
        }
        if no_access {
            KeystoreError::Unavailable { detail }
        } else {
            KeystoreError::Failed { detail }
        }
    }
}

/// Reads a name no secret is saved under: an answer (even "none") means the store works.
#[cfg(any(windows, target_os = "macos"))]
fn probe(ks: &OsKeystore) -> Result<(), KeystoreError> {
    let name = SecretName::new(super::SecretKind::P12Password, "certisante-check");
    ks.run(&name, |entry| match entry.get_secret() {
        Ok(mut bytes) => {
            zeroize::Zeroize::zeroize(&mut bytes);
            Ok(())
        }
        Err(KrError::NoEntry) => Ok(()),
        Err(e) => Err(e),
    })
}
