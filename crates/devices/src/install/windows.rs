//! Importing into the Windows certificate store through CryptoAPI: PFXImportCertStore
//! persists the key (in the user's or the machine's key set) and gives a temporary store
//! of the file's certificates; the one with the key goes to "My" (Personal), the CA
//! certificates below a root to "CA" (Intermediate Certification Authorities), so that
//! Schannel can send the whole chain. Roots are left out: trusting a root is the
//! administrator's decision, and the current user's "Root" store would ask in a dialog.
//!
//! The key is not marked exportable (the import wizard's default): the .p12 stays the
//! backup. All or nothing: the stores are opened (for writing) before any key is
//! persisted, and when a later step fails the certificates added are removed and the
//! persisted keys deleted.

use std::ffi::c_void;
use std::ptr;

use windows_sys::Win32::Foundation::{GetLastError, ERROR_ACCESS_DENIED, ERROR_INVALID_PASSWORD};
use windows_sys::Win32::Security::Cryptography::{
    CertAddCertificateContextToStore, CertControlStore, CertDeleteCertificateFromStore, CertEnumCertificatesInStore, CertFreeCertificateContext,
    CertGetCertificateContextProperty, CertOpenStore, CertSetCertificateContextProperty, CryptAcquireContextW, NCryptDeleteKey, NCryptFreeObject,
    NCryptOpenKey, NCryptOpenStorageProvider, PFXImportCertStore, CERT_CONTEXT, CERT_KEY_PROV_INFO_PROP_ID, CERT_STORE_ADD_REPLACE_EXISTING,
    CERT_STORE_CTRL_COMMIT, CERT_STORE_PROV_SYSTEM_W, CERT_SYSTEM_STORE_CURRENT_USER, CERT_SYSTEM_STORE_LOCAL_MACHINE, CRYPT_DELETEKEYSET, CRYPT_INTEGER_BLOB,
    CRYPT_KEY_PROV_INFO, CRYPT_MACHINE_KEYSET, CRYPT_SILENT, CRYPT_USER_KEYSET, NCRYPT_MACHINE_KEY_FLAG, NCRYPT_SILENT_FLAG,
};
use zeroize::Zeroizing;

use super::{InstallError, WindowsStore};
use crate::stores::StoreHandle;
use crate::Sensitive;

/// Imports the key and certificates of `p12` into `location`'s "My" store (and its CA
/// certificates into "CA"). LocalMachine needs administrator rights.
pub fn install_windows(p12: &Sensitive<Vec<u8>>, password: &Sensitive<String>, location: WindowsStore) -> Result<(), InstallError> {
    // Opened here first: a wrong password is then reported as such (CryptoAPI's codes for
    // it vary), and a file without its key is refused before anything is persisted.
    super::open_p12(p12, password)?;
    let (key_set, system_store) = match location {
        WindowsStore::CurrentUser => (CRYPT_USER_KEYSET, CERT_SYSTEM_STORE_CURRENT_USER),
        WindowsStore::LocalMachine => (CRYPT_MACHINE_KEYSET, CERT_SYSTEM_STORE_LOCAL_MACHINE),
    };
    // Before any key is persisted: a store this account may not write refuses here, and
    // nothing is left behind.
    let my = open_system_store(system_store, "My", location)?;
    let ca = open_system_store(system_store, "CA", location)?;

    let wide_password: Zeroizing<Vec<u16>> = Zeroizing::new(password.expose().encode_utf16().chain(std::iter::once(0)).collect());
    let blob = CRYPT_INTEGER_BLOB { cbData: p12.expose().len() as u32, pbData: p12.expose().as_ptr() as *mut u8 };
    // SAFETY: `blob` points to the .p12 bytes, alive and unchanged for the call (CryptoAPI
    // only reads them despite the mutable pointer type); `wide_password` is NUL-terminated.
    let imported = unsafe { PFXImportCertStore(&blob, wide_password.as_ptr(), key_set) };
    drop(wide_password);
    if imported.is_null() {
        return Err(match last_error() {
            ERROR_INVALID_PASSWORD => InstallError::P12BadPassword,
            code => InstallError::WindowsStore { step: "PFXImportCertStore", code },
        });
    }
    let imported = StoreHandle(imported);
    let mut added = Added::default();
    let result = add_all(&imported, &my, &ca, location, &mut added);
    if result.is_err() {
        added.undo();
        delete_persisted_keys(&imported, location);
    }
    result
}

/// Adds the imported certificates (the one with the key to "My", CA certificates to "CA"),
/// then commits both stores. Every context added is noted in `added`, to undo.
fn add_all(imported: &StoreHandle, my: &StoreHandle, ca: &StoreHandle, location: WindowsStore, added: &mut Added) -> Result<(), InstallError> {
    let mut with_key = 0;
    let mut context: *const CERT_CONTEXT = ptr::null();
    loop {
        // SAFETY: `imported.0` is open; `context` is null or the previous context, which
        // this call releases.
        context = unsafe { CertEnumCertificatesInStore(imported.0, context) };
        if context.is_null() {
            break;
        }
        let target = if has_key(context) {
            with_key += 1;
            if location == WindowsStore::LocalMachine {
                if let Err(e) = link_to_machine_key_set(context) {
                    // SAFETY: the enumeration is abandoned: release the context it handed out.
                    unsafe { CertFreeCertificateContext(context) };
                    return Err(e);
                }
            }
            my
        } else if is_root(context) {
            continue;
        } else {
            ca
        };
        let mut copy: *mut CERT_CONTEXT = ptr::null_mut();
        // SAFETY: both the store and the context are valid; `copy` receives the added
        // context, which `Added` frees.
        if unsafe { CertAddCertificateContextToStore(target.0, context, CERT_STORE_ADD_REPLACE_EXISTING, &mut copy) } == 0 {
            let code = last_error();
            // SAFETY: the enumeration is abandoned: release the context it handed out.
            unsafe { CertFreeCertificateContext(context) };
            return Err(InstallError::WindowsStore { step: "CertAddCertificateContextToStore", code });
        }
        added.0.push(copy as *const CERT_CONTEXT);
    }
    if with_key == 0 {
        return Err(InstallError::P12Failed("Windows found no certificate with its private key in the file".into()));
    }
    // Registry stores write through on Windows; Wine writes them only here (or at close,
    // without reporting a failure): a store that refuses the write says so now.
    for (store, step) in [(my, "CertControlStore(My, COMMIT)"), (ca, "CertControlStore(CA, COMMIT)")] {
        // SAFETY: the store is open; COMMIT takes no parameter.
        if unsafe { CertControlStore(store.0, 0, CERT_STORE_CTRL_COMMIT, ptr::null()) } == 0 {
            return Err(InstallError::WindowsStore { step, code: last_error() });
        }
    }
    Ok(())
}

/// The certificate contexts added to a system store, freed when dropped.
#[derive(Default)]
struct Added(Vec<*const CERT_CONTEXT>);

impl Added {
    /// Removes every added certificate from its store (best effort: the install failed).
    fn undo(&mut self) {
        for context in self.0.drain(..) {
            // SAFETY: `context` came from CertAddCertificateContextToStore; deleting frees it
            // (whatever the outcome), so it is not freed again.
            unsafe { CertDeleteCertificateFromStore(context) };
        }
    }
}

impl Drop for Added {
    fn drop(&mut self) {
        for context in self.0.drain(..) {
            // SAFETY: a context this install received and did not delete.
            unsafe { CertFreeCertificateContext(context) };
        }
    }
}

/// Deletes the keys PFXImportCertStore persisted for the imported certificates (the install
/// failed after it). Under Wine 8 every import shares one container per key set: deleting
/// it also deletes the key an earlier import left there, which that import had already
/// lost to this one.
fn delete_persisted_keys(imported: &StoreHandle, location: WindowsStore) {
    let mut context: *const CERT_CONTEXT = ptr::null();
    loop {
        // SAFETY: as in `add_all`.
        context = unsafe { CertEnumCertificatesInStore(imported.0, context) };
        if context.is_null() {
            break;
        }
        if let Some(info) = key_prov_info(context) {
            delete_key(&info, location);
        }
    }
}

/// What CERT_KEY_PROV_INFO_PROP_ID names: the key's container and provider.
struct KeyLink {
    container: Vec<u16>,
    provider: Vec<u16>,
    provider_type: u32,
}

/// The certificate's CERT_KEY_PROV_INFO property: a buffer that starts with the structure
/// and holds the strings it points to.
fn key_prov_info_buffer(context: *const CERT_CONTEXT) -> Option<Vec<u64>> {
    let mut size: u32 = 0;
    // SAFETY: `context` is valid; a null data pointer asks only for the size.
    if unsafe { CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, ptr::null_mut(), &mut size) } == 0
        || (size as usize) < std::mem::size_of::<CRYPT_KEY_PROV_INFO>()
    {
        return None;
    }
    // u64 words: the buffer is aligned for the structure it holds.
    let mut buffer = vec![0u64; (size as usize).div_ceil(8)];
    // SAFETY: `buffer` holds at least `size` bytes, aligned for CRYPT_KEY_PROV_INFO.
    if unsafe { CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, buffer.as_mut_ptr() as *mut c_void, &mut size) } == 0 {
        return None;
    }
    Some(buffer)
}

/// A machine import's key lives in the machine key set, and its certificate must say so
/// (CRYPT_MACHINE_KEYSET in CERT_KEY_PROV_INFO; NCRYPT_MACHINE_KEY_FLAG, the same bit, for
/// a CNG key), or every user of the key looks for it in the user's key set. Windows'
/// PFXImportCertStore sets it; Wine 8's does not (the key is then absent, or the user's
/// own key is used silently). Set here when missing: nothing changes on Windows.
fn link_to_machine_key_set(context: *const CERT_CONTEXT) -> Result<(), InstallError> {
    let Some(mut buffer) = key_prov_info_buffer(context) else { return Ok(()) };
    // SAFETY: the buffer starts with a CRYPT_KEY_PROV_INFO (see key_prov_info_buffer).
    let info = unsafe { &mut *(buffer.as_mut_ptr() as *mut CRYPT_KEY_PROV_INFO) };
    if info.dwFlags & CRYPT_MACHINE_KEYSET != 0 {
        return Ok(());
    }
    info.dwFlags |= CRYPT_MACHINE_KEYSET;
    // SAFETY: `context` is valid; the structure and its strings live in `buffer` for the call.
    if unsafe { CertSetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, 0, info as *const CRYPT_KEY_PROV_INFO as *const c_void) } == 0 {
        return Err(InstallError::WindowsStore { step: "CertSetCertificateContextProperty(CERT_KEY_PROV_INFO)", code: last_error() });
    }
    Ok(())
}

fn key_prov_info(context: *const CERT_CONTEXT) -> Option<KeyLink> {
    let buffer = key_prov_info_buffer(context)?;
    // SAFETY: the buffer starts with a CRYPT_KEY_PROV_INFO whose strings point inside the
    // same buffer (or are null), alive while `buffer` is.
    let info = unsafe { &*(buffer.as_ptr() as *const CRYPT_KEY_PROV_INFO) };
    let wide = |p: *const u16| -> Vec<u16> {
        if p.is_null() {
            return vec![0];
        }
        let mut len = 0;
        // SAFETY: a NUL-terminated string inside the property's buffer.
        while unsafe { *p.add(len) } != 0 {
            len += 1;
        }
        // SAFETY: `len` characters were just read.
        let mut text = unsafe { std::slice::from_raw_parts(p, len) }.to_vec();
        text.push(0);
        text
    };
    Some(KeyLink { container: wide(info.pwszContainerName), provider: wide(info.pwszProvName), provider_type: info.dwProvType })
}

fn delete_key(link: &KeyLink, location: WindowsStore) {
    let machine = location == WindowsStore::LocalMachine;
    let provider = if link.provider.len() > 1 { link.provider.as_ptr() } else { ptr::null() };
    if link.provider_type != 0 {
        let mut handle = 0usize;
        let flags = CRYPT_DELETEKEYSET | CRYPT_SILENT | if machine { CRYPT_MACHINE_KEYSET } else { 0 };
        // SAFETY: NUL-terminated strings alive for the call; with CRYPT_DELETEKEYSET no
        // handle is returned to release.
        unsafe { CryptAcquireContextW(&mut handle, link.container.as_ptr(), provider, link.provider_type, flags) };
        return;
    }
    // A CNG key storage provider (provider type 0).
    let mut storage = 0usize;
    // SAFETY: NUL-terminated provider name (or null: the default provider).
    if unsafe { NCryptOpenStorageProvider(&mut storage, provider, 0) } != 0 {
        return;
    }
    let mut key = 0usize;
    let flags = NCRYPT_SILENT_FLAG | if machine { NCRYPT_MACHINE_KEY_FLAG } else { 0 };
    // SAFETY: `storage` is open; the name is NUL-terminated. NCryptDeleteKey frees the key
    // handle whatever its outcome.
    unsafe {
        if NCryptOpenKey(storage, &mut key, link.container.as_ptr(), 0, flags) == 0 {
            NCryptDeleteKey(key, 0);
        }
        NCryptFreeObject(storage);
    }
}

fn open_system_store(location: u32, name: &str, which: WindowsStore) -> Result<StoreHandle, InstallError> {
    let wide_name: Vec<u16> = name.encode_utf16().chain(std::iter::once(0)).collect();
    // SAFETY: `wide_name` is NUL-terminated and outlives the call; for system stores the
    // encoding type and provider must be 0.
    let raw = unsafe { CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location, wide_name.as_ptr() as *const c_void) };
    if raw.is_null() {
        return Err(match (last_error(), which) {
            (ERROR_ACCESS_DENIED, WindowsStore::LocalMachine) => {
                InstallError::WindowsStore { step: "CertOpenStore: administrator rights are needed for the machine's store", code: ERROR_ACCESS_DENIED }
            }
            (ERROR_ACCESS_DENIED, WindowsStore::CurrentUser) => InstallError::WindowsStore {
                step: "CertOpenStore: this account may not write its own store (permissions on the store)",
                code: ERROR_ACCESS_DENIED,
            },
            (code, _) => InstallError::WindowsStore { step: "CertOpenStore", code },
        });
    }
    Ok(StoreHandle(raw))
}

fn has_key(context: *const CERT_CONTEXT) -> bool {
    let mut size: u32 = 0;
    // SAFETY: `context` is valid; a null data pointer asks only for the size.
    unsafe { CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, ptr::null_mut(), &mut size) != 0 }
}

/// A self-issued certificate: a root, by subject = issuer.
fn is_root(context: *const CERT_CONTEXT) -> bool {
    // SAFETY: a valid context's pbCertEncoded holds cbCertEncoded bytes while it lives.
    let der = unsafe { std::slice::from_raw_parts((*context).pbCertEncoded, (*context).cbCertEncoded as usize) };
    x509_parser::parse_x509_certificate(der).is_ok_and(|(_, cert)| cert.subject() == cert.issuer())
}

fn last_error() -> u32 {
    // SAFETY: no precondition; read right after the failing call.
    unsafe { GetLastError() }
}

/// Under Wine in the test command (`cargo test --target x86_64-pc-windows-gnu`, see
/// tests/installers/wine-tests.sh): the real CryptoAPI of the prefix.
#[cfg(test)]
mod tests {
    use base64::Engine;

    use super::*;
    use crate::install::{export_p12, P12Encryption};
    use crate::stores::read_os_stores;

    /// The stores and Wine's one key container per key set are shared: one test at a time.
    static STORE: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn der_of(pem: &str) -> Vec<u8> {
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::engine::general_purpose::STANDARD.decode(body).unwrap()
    }

    /// A test PKI's leaf with its key and chain, as a .p12 CertiSanté writes (AES, modern).
    fn p12(cn: &str, password: &str) -> (Sensitive<Vec<u8>>, Vec<u8>) {
        let hierarchy = certisante_testpki::Hierarchy::new();
        let leaf = hierarchy.issue(&certisante_testpki::LeafSpec::new(certisante_testpki::Usage::AuthCli, cn, 100));
        let chain = vec![leaf.cert_der.clone(), der_of(&hierarchy.intermediate_pem()), der_of(&hierarchy.root_pem())];
        let password = Sensitive::new(password.to_owned());
        let file = export_p12(&Sensitive::new(der_of(&leaf.key_pem)), &chain, &password, P12Encryption::Modern, cn).unwrap();
        (file, leaf.cert_der)
    }

    /// Whether the store `place` lists `der`, and with its key.
    fn listed(place: &str, der: &[u8]) -> Option<bool> {
        read_os_stores().into_iter().flatten().filter(|s| s.source == place).flat_map(|s| s.certificates).find(|c| c.der == der).map(|c| c.has_private_key)
    }

    #[test]
    fn a_p12_goes_into_the_users_my_store_with_its_key() {
        let _one = STORE.lock().unwrap_or_else(|e| e.into_inner());
        let (file, leaf) = p12("DMP", "Mot-de-passe 2026");
        install_windows(&file, &Sensitive::new("Mot-de-passe 2026".into()), WindowsStore::CurrentUser).unwrap();
        assert_eq!(listed(WindowsStore::CurrentUser.place(), &leaf), Some(true), "read back from CurrentUser\\My with its key");
    }

    #[test]
    fn a_wrong_password_installs_nothing() {
        let _one = STORE.lock().unwrap_or_else(|e| e.into_inner());
        let (file, leaf) = p12("SAS", "le-bon");
        let error = install_windows(&file, &Sensitive::new("pas-le-bon".into()), WindowsStore::CurrentUser).unwrap_err();
        assert_eq!(error.code(), "install.p12_bad_password");
        assert_eq!(listed(WindowsStore::CurrentUser.place(), &leaf), None);
    }

    #[test]
    fn the_machines_store_takes_the_certificate() {
        let _one = STORE.lock().unwrap_or_else(|e| e.into_inner());
        let (file, leaf) = p12("INSI-AUTO", "machine");
        // Under Wine every process is an administrator; on Windows this needs the rights.
        match install_windows(&file, &Sensitive::new("machine".into()), WindowsStore::LocalMachine) {
            Ok(()) => assert_eq!(listed(WindowsStore::LocalMachine.place(), &leaf), Some(true)),
            Err(InstallError::WindowsStore { code: ERROR_ACCESS_DENIED, step }) => assert!(step.contains("administrator"), "{step}"),
            Err(other) => panic!("{other}"),
        }
    }
}
