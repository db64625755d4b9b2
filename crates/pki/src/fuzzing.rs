//! The fuzz targets' bodies (`fuzz/fuzz_targets/*.rs` call these), shared with
//! `tests/fuzz_corpus.rs`, which replays the committed corpus and every input that ever
//! crashed on stable: the two cannot drift. Each function reads hostile bytes the way the
//! application does and must return, whatever the bytes: an `Err` is fine, a panic, an
//! abort or a hang is a finding.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::certs::{read_container, CertificateFacts, ChainStatus, ChainVerdict, ContainerFormat, Environment, Integrity};
use crate::keys::PrivateKey;
use crate::revocation::{self, parse_ocsp_response, verify_crl, verify_ocsp_response, CertId};
use crate::view::{build_view, Place, PlaceKind, Thresholds};
use crate::{igc, Sensitive};

/// What a target runs on one input.
pub type Target = fn(&[u8]);

/// Every target, by the name of its folder under `fuzz/corpus/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("container", container),
    ("container_password", container_password),
    ("der", der),
    ("ocsp", ocsp),
    ("crl", crl),
    ("revocation_urls", revocation_urls),
    ("pkcs8", pkcs8),
    ("facts", facts),
];

/// The fixed "now" of targets that do not find one in their input (reproducible runs).
fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).single().unwrap_or_default()
}

/// Two inputs from one: a big-endian u16 length, that many bytes, the rest. Used to fuzz
/// an answer together with the issuer certificate it is checked against.
pub fn split(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((len, rest)) = data.split_first_chunk::<2>() else { return (&[], data) };
    let len = usize::from(u16::from_be_bytes(*len)).min(rest.len());
    rest.split_at(len)
}

/// The inverse of [`split`], to write seeds.
pub fn join(first: &[u8], second: &[u8]) -> Vec<u8> {
    let len = u16::try_from(first.len()).unwrap_or(u16::MAX);
    [&len.to_be_bytes()[..], &first[..usize::from(len)], second].concat()
}

/// A file in a watched folder, read without a password (every format, sniffed).
pub fn container(data: &[u8]) {
    let _ = read_container(data, None);
}

/// A file checked or imported with a password that is not its own.
pub fn container_password(data: &[u8]) {
    let _ = read_container(data, Some(&Sensitive::new("mauvais mot de passe".to_owned())));
}

/// The DER walker alone: reading, listing children, octet strings, two levels down.
pub fn der(data: &[u8]) {
    use crate::der::{children, octet_string, read};
    let mut rest = data;
    while let Ok((tlv, after)) = read(rest) {
        let _ = octet_string(&tlv);
        if let Ok(inner) = children(tlv.content) {
            for child in inner {
                let _ = octet_string(&child);
                let _ = children(child.content);
            }
        }
        if after.len() == rest.len() {
            break;
        }
        rest = after;
    }
}

/// An OCSP response (`split`: the issuer's certificate, then the response), parsed and
/// verified about the first certificate it answers for, at its own thisUpdate.
pub fn ocsp(data: &[u8]) {
    let (issuer, response) = split(data);
    let Ok(parsed) = parse_ocsp_response(response) else { return };
    let (id, now) = match parsed.responses.first() {
        Some(single) => (single.id.clone(), single.this_update.checked_add_signed(Duration::minutes(1)).unwrap_or(single.this_update)),
        None => (CertId { name_hash: vec![], key_hash: vec![], serial: vec![] }, fixed_now()),
    };
    let _ = verify_ocsp_response(response, &id, issuer, now);
}

/// A CRL (`split`: the issuer's certificate, then the CRL), verified, checked for
/// currency and asked about a serial.
pub fn crl(data: &[u8]) {
    let (issuer, crl) = split(data);
    if let Ok(verified) = verify_crl(crl, issuer, fixed_now()) {
        let _ = verified.check_current(fixed_now());
        let _ = verified.answer_for(&[0x01]);
    }
}

/// Where a certificate says its revocation status is published.
pub fn revocation_urls(data: &[u8]) {
    let _ = revocation::revocation_urls(data);
}

/// A PKCS#8 private key, as the keystore or a file gives it, and the public id used to
/// pair keys with certificates.
pub fn pkcs8(data: &[u8]) {
    let _ = PrivateKey::from_pkcs8(Sensitive::new(data.to_vec()));
    let _ = crate::certs::pkcs8_public_id(data);
}

/// A certificate's facts, its IGC-Santé profile in every environment, and its view.
pub fn facts(data: &[u8]) {
    let Ok(facts) = CertificateFacts::from_der(data) else { return };
    let _ = crate::certs::public_key_id(data);
    for environment in [Environment::Prod, Environment::Test, Environment::Other] {
        let _ = igc::classify_profile(&facts, environment);
        let chain = ChainVerdict { status: ChainStatus::SignatureInvalid, environment, path: vec![] };
        let place = Place {
            path: "/fuzz".into(),
            kind: PlaceKind::File,
            format: ContainerFormat::Der,
            position: 0,
            has_private_key: false,
            integrity: Integrity::NotApplicable,
            managed: false,
        };
        let _ = build_view(&facts, chain, vec![place], fixed_now(), Thresholds::default());
    }
}
