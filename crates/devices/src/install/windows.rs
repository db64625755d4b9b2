//! Importing into the Windows certificate store through CryptoAPI: PFXImportCertStore
//! persists the key (in the user's or the machine's key set) and gives a temporary store
//! of the file's certificates; the one with the key goes to "My" (Personal), the CA
//! certificates below a root to "CA" (Intermediate Certification Authorities), so that
//! Schannel can send the whole chain. Roots are left out: trusting a root is the
//! administrator's decision, and the current user's "Root" store would ask in a dialog.
//!
//! The key is not marked exportable (the import wizard's default): the .p12 stays the
//! backup. If a later step fails, the persisted key remains without a certificate in
//! "My"; importing again replaces it.

use std::ffi::c_void;
use std::ptr;

use windows_sys::Win32::Foundation::{GetLastError, ERROR_ACCESS_DENIED, ERROR_INVALID_PASSWORD};
use windows_sys::Win32::Security::Cryptography::{
    CertAddCertificateContextToStore, CertEnumCertificatesInStore, CertGetCertificateContextProperty, CertOpenStore, PFXImportCertStore, CERT_CONTEXT,
    CERT_KEY_PROV_INFO_PROP_ID, CERT_STORE_ADD_REPLACE_EXISTING, CERT_STORE_PROV_SYSTEM_W, CERT_SYSTEM_STORE_CURRENT_USER, CERT_SYSTEM_STORE_LOCAL_MACHINE,
    CRYPT_INTEGER_BLOB, CRYPT_MACHINE_KEYSET, CRYPT_USER_KEYSET,
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
    let my = open_system_store(system_store, "My")?;
    let ca = open_system_store(system_store, "CA")?;

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
            &my
        } else if is_root(context) {
            continue;
        } else {
            &ca
        };
        // SAFETY: both the store and the context are valid; a null out-pointer asks for no
        // copy of the added context.
        if unsafe { CertAddCertificateContextToStore(target.0, context, CERT_STORE_ADD_REPLACE_EXISTING, ptr::null_mut()) } == 0 {
            let code = last_error();
            // SAFETY: the enumeration is abandoned: release the context it handed out.
            unsafe { windows_sys::Win32::Security::Cryptography::CertFreeCertificateContext(context) };
            return Err(InstallError::WindowsStore { step: "CertAddCertificateContextToStore", code });
        }
    }
    if with_key == 0 {
        return Err(InstallError::P12Failed("Windows found no certificate with its private key in the file".into()));
    }
    Ok(())
}

fn open_system_store(location: u32, name: &str) -> Result<StoreHandle, InstallError> {
    let wide_name: Vec<u16> = name.encode_utf16().chain(std::iter::once(0)).collect();
    // SAFETY: `wide_name` is NUL-terminated and outlives the call; for system stores the
    // encoding type and provider must be 0.
    let raw = unsafe { CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location, wide_name.as_ptr() as *const c_void) };
    if raw.is_null() {
        return Err(match last_error() {
            ERROR_ACCESS_DENIED => {
                InstallError::WindowsStore { step: "CertOpenStore: administrator rights are needed for the machine's store", code: ERROR_ACCESS_DENIED }
            }
            code => InstallError::WindowsStore { step: "CertOpenStore", code },
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
