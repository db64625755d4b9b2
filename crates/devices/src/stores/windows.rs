//! The Windows "My" (Personal) certificate stores of the current user and of the local
//! machine, read through CryptoAPI. Opened read-only: this application never changes them.

use std::ffi::c_void;
use std::ptr;

use windows_sys::Win32::Foundation::{GetLastError, ERROR_FILE_NOT_FOUND};
use windows_sys::Win32::Security::Cryptography::{
    CertCloseStore, CertEnumCertificatesInStore, CertGetCertificateContextProperty, CertOpenStore, CERT_CONTEXT, CERT_KEY_PROV_INFO_PROP_ID,
    CERT_STORE_OPEN_EXISTING_FLAG, CERT_STORE_PROV_SYSTEM_W, CERT_STORE_READONLY_FLAG, CERT_SYSTEM_STORE_CURRENT_USER, CERT_SYSTEM_STORE_LOCAL_MACHINE,
    HCERTSTORE,
};

use super::{StoreContent, StoreError};
use crate::certs::FoundCertificate;
use crate::install::WindowsStore;
use crate::view::PlaceKind;

/// The current user's and the local machine's "My" stores; a store that does not exist
/// is skipped, one that cannot be opened is reported.
pub fn read_my_stores() -> Vec<Result<StoreContent, StoreError>> {
    [(CERT_SYSTEM_STORE_CURRENT_USER, WindowsStore::CurrentUser.place()), (CERT_SYSTEM_STORE_LOCAL_MACHINE, WindowsStore::LocalMachine.place())]
        .into_iter()
        .filter_map(|(location, source)| read_system_store(location, "My", source))
        .collect()
}

/// Closes the store however the enumeration ends (also used by `install`).
pub(crate) struct StoreHandle(pub(crate) HCERTSTORE);

impl Drop for StoreHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful CertOpenStore and is closed once;
        // every certificate context was released by the enumeration itself.
        unsafe { CertCloseStore(self.0, 0) };
    }
}

fn read_system_store(location: u32, name: &str, source: &str) -> Option<Result<StoreContent, StoreError>> {
    let wide_name: Vec<u16> = name.encode_utf16().chain(std::iter::once(0)).collect();
    // SAFETY: `wide_name` is a NUL-terminated UTF-16 string that outlives the call;
    // for system stores the encoding type and crypto provider must be 0.
    let raw = unsafe {
        CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, wide_name.as_ptr() as *const c_void)
    };
    if raw.is_null() {
        // SAFETY: no precondition; read right after the failing call.
        let code = unsafe { GetLastError() };
        if code == ERROR_FILE_NOT_FOUND {
            return None;
        }
        return Some(Err(StoreError::Unreadable { store: source.to_string(), reason: format!("CertOpenStore failed with Win32 error {code} (0x{code:08X})") }));
    }
    let store = StoreHandle(raw);

    let mut certificates = Vec::new();
    let mut context: *const CERT_CONTEXT = ptr::null();
    loop {
        // SAFETY: `store.0` is open; `context` is null or the context returned by the
        // previous call, which this call releases (so it is never used afterwards).
        context = unsafe { CertEnumCertificatesInStore(store.0, context) };
        if context.is_null() {
            break;
        }
        // SAFETY: a non-null context from the enumeration is valid until the next call.
        let cert = unsafe { &*context };
        if cert.pbCertEncoded.is_null() || cert.cbCertEncoded == 0 {
            continue;
        }
        // SAFETY: CryptoAPI guarantees pbCertEncoded points to cbCertEncoded bytes for
        // the lifetime of the context; they are copied before the next call.
        let der = unsafe { std::slice::from_raw_parts(cert.pbCertEncoded, cert.cbCertEncoded as usize) }.to_vec();
        certificates.push(FoundCertificate { der, position: certificates.len() as u32, has_private_key: has_key_property(context) });
    }
    Some(Ok(StoreContent { source: source.to_string(), kind: PlaceKind::WindowsStore, certificates }))
}

/// A certificate with an associated private key (CSP or CNG) carries
/// CERT_KEY_PROV_INFO_PROP_ID; only its presence matters, so only its size is asked.
fn has_key_property(context: *const CERT_CONTEXT) -> bool {
    let mut size: u32 = 0;
    // SAFETY: `context` is a valid certificate context; a null data pointer asks only
    // for the size, written to `size`.
    unsafe { CertGetCertificateContextProperty(context, CERT_KEY_PROV_INFO_PROP_ID, ptr::null_mut(), &mut size) != 0 }
}
