//! macOS keychains, read through `/usr/bin/security` rather than Security.framework
//! bindings: every keychain of the user's search list, read-only.
//!
//! The parsing is pure and also compiled for tests on other platforms.

// Only the tests use this module off macOS.
#![cfg_attr(not(target_os = "macos"), allow(dead_code))]

use std::collections::HashSet;
use std::process::Command;

use sha1::{Digest, Sha1};
use sha2::Sha256;

use super::{StoreContent, StoreError};
use crate::certs::{read_container, FoundCertificate};
use crate::view::PlaceKind;

const SECURITY: &str = "/usr/bin/security";
const SOURCE: &str = "macos:keychains";
/// `security` exits with 44 when a search matches nothing (errSecItemNotFound).
const EXIT_ITEM_NOT_FOUND: i32 = 44;

/// The certificates of every keychain in the search list, as one store.
pub fn read_keychains() -> Vec<Result<StoreContent, StoreError>> {
    vec![read_search_list()]
}

fn read_search_list() -> Result<StoreContent, StoreError> {
    let pem = run(&["find-certificate", "-a", "-p"])?;
    // All identities, not only valid ones (`-v`): an expired certificate still has its key.
    let identities = run(&["find-identity"])?;
    store_content(&pem, &String::from_utf8_lossy(&identities))
}

fn unreadable(reason: String) -> StoreError {
    StoreError::Unreadable { store: SOURCE.to_string(), reason }
}

/// Runs `security` and returns its standard output; "no item found" is an empty output.
fn run(args: &[&str]) -> Result<Vec<u8>, StoreError> {
    let command = format!("security {}", args.join(" "));
    let output = Command::new(SECURITY).args(args).output().map_err(|e| unreadable(format!("cannot run {command}: {e}")))?;
    if output.status.success() {
        return Ok(output.stdout);
    }
    if output.status.code() == Some(EXIT_ITEM_NOT_FOUND) {
        return Ok(Vec::new());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(unreadable(format!("{command} failed ({}): {}", output.status, stderr.trim())))
}

/// Builds the store from the PEM output of `find-certificate -p` and the text output of
/// `find-identity`.
fn store_content(pem: &[u8], identities: &str) -> Result<StoreContent, StoreError> {
    let mut certificates =
        if pem.iter().all(u8::is_ascii_whitespace) { Vec::new() } else { read_container(pem, None).map_err(|e| unreadable(e.to_string()))?.certificates };
    mark_private_keys(&mut certificates, &identity_hashes(identities));
    Ok(StoreContent { source: SOURCE.to_string(), kind: PlaceKind::MacosKeychain, certificates })
}

/// Marks the certificates whose hash is one of the identities' (certificate + private key).
fn mark_private_keys(certificates: &mut [FoundCertificate], identities: &HashSet<String>) {
    if identities.is_empty() {
        return;
    }
    for cert in certificates {
        // `security` prints SHA-1; SHA-256 is also accepted in case a release switches.
        cert.has_private_key =
            identities.contains(&hex::encode_upper(Sha1::digest(&cert.der))) || identities.contains(&hex::encode_upper(Sha256::digest(&cert.der)));
    }
}

/// The certificate hashes (uppercase hex) listed by `security find-identity`, whose
/// identity lines read `  1) 0123ABCD... "name"` with an optional status suffix.
fn identity_hashes(output: &str) -> HashSet<String> {
    output
        .lines()
        .filter_map(|line| {
            let (index, rest) = line.trim_start().split_once(") ")?;
            if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let hash = rest.split_whitespace().next()?;
            let is_hash = matches!(hash.len(), 40 | 64) && hash.bytes().all(|b| b.is_ascii_hexdigit());
            is_hash.then(|| hash.to_ascii_uppercase())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIND_IDENTITY: &str = r#"
Policy: X.509 Basic
  Matching identities
  1) A9993E364706816ABA3E25717850C26C9CD0D89D "Dr Jean DUPONT (signature)"
  2) 0123456789abcdef0123456789abcdef01234567 "name with 3) inside" (CSSMERR_TP_CERT_EXPIRED)
     2 identities found

  Valid identities only
  1) A9993E364706816ABA3E25717850C26C9CD0D89D "Dr Jean DUPONT (signature)"
     1 valid identities found
"#;

    #[test]
    fn identity_lines_give_uppercase_hashes_once() {
        let hashes = identity_hashes(FIND_IDENTITY);
        let expected: HashSet<String> =
            ["A9993E364706816ABA3E25717850C26C9CD0D89D", "0123456789ABCDEF0123456789ABCDEF01234567"].into_iter().map(String::from).collect();
        assert_eq!(hashes, expected);
    }

    #[test]
    fn other_lines_are_ignored() {
        let text = "Policy: X.509 Basic\n  Matching identities\n     0 identities found\n  1) NOTHEX \"x\"\n  a) A9993E364706816ABA3E25717850C26C9CD0D89D \"x\"\n  1) ABCD \"short\"\n";
        assert!(identity_hashes(text).is_empty());
        assert!(identity_hashes("").is_empty());
    }

    #[test]
    fn certificates_matching_an_identity_have_a_key() {
        // SHA-1("abc") is the first identity of FIND_IDENTITY.
        let mut certs = vec![
            FoundCertificate { der: b"abc".to_vec(), position: 0, has_private_key: false },
            FoundCertificate { der: b"abd".to_vec(), position: 1, has_private_key: false },
        ];
        mark_private_keys(&mut certs, &identity_hashes(FIND_IDENTITY));
        assert!(certs[0].has_private_key);
        assert!(!certs[1].has_private_key);
    }

    #[test]
    fn pem_output_becomes_one_store() {
        let a_pem = include_str!("../../../../tests/fixtures/igc/TEST-ORG-AUTH_CLI-leaf.pem");
        let b_pem = include_str!("../../../pki/assets/ca/test/ACR-EL-TEST.pem");
        let der = |pem: &str| crate::certs::read_container(pem.as_bytes(), None).unwrap().certificates.remove(0).der;
        let (a, b) = (der(a_pem), der(b_pem));
        let pem = format!("{a_pem}{b_pem}");
        let identities = format!("  1) {} \"a\"\n", hex::encode(Sha1::digest(&b)));
        let store = store_content(pem.as_bytes(), &identities).unwrap();
        assert_eq!(store.source, "macos:keychains");
        assert_eq!(store.kind, PlaceKind::MacosKeychain);
        assert_eq!(store.certificates.len(), 2);
        assert_eq!(store.certificates[0].der, a);
        assert_eq!(store.certificates[1].position, 1);
        assert!(!store.certificates[0].has_private_key);
        assert!(store.certificates[1].has_private_key);
    }

    #[test]
    fn empty_search_list_is_an_empty_store() {
        let store = store_content(b"\n", "     0 identities found\n").unwrap();
        assert!(store.certificates.is_empty());
    }

    #[test]
    fn broken_pem_is_unreadable() {
        let err = store_content(b"-----BEGIN CERTIFICATE-----\nAAAA\n", "").unwrap_err();
        assert_eq!(err.store(), "macos:keychains");
        assert_eq!(err.code(), "stores.unreadable");
    }
}
