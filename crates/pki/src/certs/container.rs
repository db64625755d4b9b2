//! Reading the files certificates live in: PEM (any number of blocks, text around them),
//! DER, PKCS#7 (PEM or DER) and PKCS#12. The format is sniffed from the content, never
//! trusted from the file name.

use super::CertsError;
use crate::der::{self, Tlv};
use crate::secret::Sensitive;
use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Larger files are refused before reading: no certificate container comes near this.
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ContainerFormat {
    Pem,
    Der,
    Pkcs7,
    Pkcs12,
    /// An OS certificate store (NSS, Windows, macOS).
    Store,
}

/// Whether the container's own integrity check (the PKCS#12 MAC) was verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Integrity {
    /// The format has no integrity check of its own.
    NotApplicable,
    /// A PKCS#12 read without its password: the certificates are readable, the MAC is not checked.
    Unverified,
    /// The PKCS#12 MAC was verified with the password.
    Verified,
}

#[derive(Debug, Clone)]
pub struct FoundCertificate {
    pub der: Vec<u8>,
    /// Index of the certificate within its container (0-based).
    pub position: u32,
    pub has_private_key: bool,
}

#[derive(Debug)]
pub struct Container {
    pub format: ContainerFormat,
    pub certificates: Vec<FoundCertificate>,
    pub integrity: Integrity,
    /// Entries that could not be read while the rest of the file could.
    pub problems: Vec<CertsError>,
}

/// Reads every certificate of a container. `password` only matters for PKCS#12. More than
/// [`MAX_FILE_SIZE`] bytes are refused unread.
pub fn read_container(bytes: &[u8], password: Option<&Sensitive<String>>) -> Result<Container, CertsError> {
    // Callers that read files check the size first; the cap holds for every other caller.
    if bytes.len() as u64 > MAX_FILE_SIZE {
        return Err(CertsError::TooLarge(bytes.len() as u64));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(CertsError::Empty);
    }
    if looks_like_pem(bytes) {
        return read_pem(bytes);
    }
    read_der(bytes, password)
}

/// Cheap test used by folder scans to skip files that are obviously not certificates.
pub fn looks_like_certificate_data(head: &[u8]) -> bool {
    looks_like_pem(head) || (head.len() >= 2 && head[0] == der::SEQUENCE && (head[1] == 0x80 || head[1] >= 0x81))
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    memfind(bytes, b"-----BEGIN ").is_some()
}

fn memfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let last_start = haystack.len().checked_sub(needle.len())?;
    let mut from = 0;
    while from <= last_start {
        let at = from + haystack[from..=last_start].iter().position(|&b| b == first)?;
        if &haystack[at + 1..at + needle.len()] == rest {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

// ---------------------------------------------------------------- PEM

/// Longest PEM label accepted: RFC 7468's are at most 26 characters ("ENCRYPTED PRIVATE
/// KEY"); OpenSSL's ("X509 CRL", "TRUSTED CERTIFICATE"...) are shorter still. A label is
/// also what the END line is searched for: a long one would make every search long.
const MAX_PEM_LABEL: usize = 64;

struct PemBlock<'a> {
    label: &'a str,
    body: &'a [u8],
}

fn pem_blocks(bytes: &[u8]) -> Result<Vec<PemBlock<'_>>, CertsError> {
    let mut blocks = Vec::new();
    let mut rest = bytes;
    while let Some(start) = memfind(rest, b"-----BEGIN ") {
        let after = &rest[start + 11..];
        let label_end = memfind(&after[..after.len().min(MAX_PEM_LABEL + 5)], b"-----").ok_or(CertsError::PemInvalid(if after.len() > MAX_PEM_LABEL + 5 {
            "label too long"
        } else {
            "unterminated BEGIN line"
        }))?;
        let label = std::str::from_utf8(&after[..label_end]).map_err(|_| CertsError::PemInvalid("non-text label"))?;
        if label.contains('\n') {
            return Err(CertsError::PemInvalid("unterminated BEGIN line"));
        }
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let end = memfind(body_start, end_marker.as_bytes()).ok_or(CertsError::PemInvalid("missing END line"))?;
        blocks.push(PemBlock { label, body: &body_start[..end] });
        rest = &body_start[end + end_marker.len()..];
    }
    Ok(blocks)
}

fn decode_base64(body: &[u8]) -> Result<Vec<u8>, CertsError> {
    // RFC 7468 allows explanatory headers (Proc-Type...) only in legacy key blocks;
    // certificates carry plain base64 split over lines.
    let compact: Vec<u8> = body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(&compact).map_err(|_| CertsError::PemInvalid("invalid base64"))
}

fn read_pem(bytes: &[u8]) -> Result<Container, CertsError> {
    let blocks = pem_blocks(bytes)?;
    // What the certificates' parse must also note: their key (to pair with a plain key
    // of the file) and whether they are CAs (to pair with a single encrypted key). Most
    // files hold no key, and then neither is needed.
    let plain_keys = blocks.iter().any(|b| matches!(b.label, "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY"));
    let encrypted_keys = blocks.iter().filter(|b| b.label == "ENCRYPTED PRIVATE KEY").count();
    let needs = Needs { key_id: plain_keys, is_ca: encrypted_keys == 1 };
    let mut certificates = Vec::new();
    // Per certificate: (public key id, is a CA), as far as `needs` asked.
    let mut notes: Vec<(Option<Vec<u8>>, bool)> = Vec::new();
    let mut problems = Vec::new();
    // A set: a file of many certificates and many keys stays linear to pair.
    let mut key_ids = std::collections::HashSet::new();
    let mut format = ContainerFormat::Pem;
    let mut push = |checked: Checked, certificates: &mut Vec<FoundCertificate>| {
        let position = certificates.len() as u32;
        certificates.push(FoundCertificate { der: checked.der, position, has_private_key: false });
        notes.push((checked.key_id, checked.is_ca));
    };
    for block in blocks {
        match block.label {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => match decode_base64(block.body) {
                Ok(data) => match checked_certificate_noting(&data, needs) {
                    Ok(checked) => push(checked, &mut certificates),
                    Err(e) => problems.push(e),
                },
                Err(e) => problems.push(e),
            },
            "PKCS7" | "CMS" => {
                let data = decode_base64(block.body)?;
                format = ContainerFormat::Pkcs7;
                for checked in pkcs7_certificates_noting(&data, needs)? {
                    push(checked, &mut certificates);
                }
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => {
                if let Some(id) = decode_base64(block.body).ok().and_then(|d| private_key_public_id(block.label, &d)) {
                    key_ids.insert(id);
                }
            }
            // "ENCRYPTED PRIVATE KEY" counted above; requests, parameters...: not
            // certificates, not errors
            _ => {}
        }
    }
    if certificates.is_empty() {
        return Err(problems.into_iter().next().unwrap_or(CertsError::NoCertificate));
    }
    if !key_ids.is_empty() {
        for (found, (key_id, _)) in certificates.iter_mut().zip(&notes) {
            found.has_private_key = key_id.as_ref().is_some_and(|id| key_ids.contains(id));
        }
    }
    // An encrypted key cannot be matched without its password; with a single
    // end-entity certificate beside it, the pairing is unambiguous.
    if encrypted_keys == 1 {
        let leaves: Vec<usize> = (0..certificates.len()).filter(|&i| !notes[i].1).collect();
        if let [only] = leaves[..] {
            certificates[only].has_private_key = true;
        }
    }
    Ok(Container { format, certificates, integrity: Integrity::NotApplicable, problems })
}

// ---------------------------------------------------------------- DER

fn read_der(bytes: &[u8], password: Option<&Sensitive<String>>) -> Result<Container, CertsError> {
    if bytes[0] != der::SEQUENCE {
        return Err(CertsError::Unrecognized);
    }
    let (outer, _) = der::read(bytes).map_err(CertsError::from_der)?;
    let (first, _) = der::read(outer.content).map_err(CertsError::from_der)?;
    match first.tag {
        der::SEQUENCE => {
            let der = checked_certificate(outer.raw)?;
            let found = FoundCertificate { der, position: 0, has_private_key: false };
            Ok(Container { format: ContainerFormat::Der, certificates: vec![found], integrity: Integrity::NotApplicable, problems: vec![] })
        }
        der::OID => {
            let certificates = pkcs7_certificates(outer.raw)?
                .into_iter()
                .enumerate()
                .map(|(i, der)| FoundCertificate { der, position: i as u32, has_private_key: false })
                .collect();
            Ok(Container { format: ContainerFormat::Pkcs7, certificates, integrity: Integrity::NotApplicable, problems: vec![] })
        }
        der::INTEGER if first.content == [3] => read_pkcs12(bytes, &outer, password),
        _ => Err(CertsError::Unrecognized),
    }
}

/// Accepts a certificate's DER only if x509-parser reads it whole.
fn checked_certificate(data: &[u8]) -> Result<Vec<u8>, CertsError> {
    checked_certificate_noting(data, Needs::default()).map(|checked| checked.der)
}

/// What else to read from a certificate while it is parsed to be checked.
#[derive(Debug, Clone, Copy, Default)]
struct Needs {
    key_id: bool,
    is_ca: bool,
}

struct Checked {
    der: Vec<u8>,
    /// `public_key_id`, if asked.
    key_id: Option<Vec<u8>>,
    /// Whether it is a CA, if asked (else false).
    is_ca: bool,
}

/// `checked_certificate`, also reading what `needs` asks from the same parse.
fn checked_certificate_noting(data: &[u8], needs: Needs) -> Result<Checked, CertsError> {
    // "TRUSTED CERTIFICATE" blocks append OpenSSL trust settings after the certificate.
    let (tlv, _) = der::read(data).map_err(CertsError::from_der)?;
    match x509_parser::parse_x509_certificate(tlv.raw) {
        Ok((_, cert)) => {
            Ok(Checked { der: tlv.raw.to_vec(), key_id: if needs.key_id { parsed_public_key_id(&cert) } else { None }, is_ca: needs.is_ca && cert.is_ca() })
        }
        Err(e) => Err(CertsError::CertificateInvalid(e.to_string())),
    }
}

// ---------------------------------------------------------------- PKCS#7

const OID_SIGNED_DATA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02];

/// Certificates of a PKCS#7 / CMS SignedData ("certs-only" .p7b/.p7c).
fn pkcs7_certificates(data: &[u8]) -> Result<Vec<Vec<u8>>, CertsError> {
    Ok(pkcs7_certificates_noting(data, Needs::default())?.into_iter().map(|checked| checked.der).collect())
}

fn pkcs7_certificates_noting(data: &[u8], needs: Needs) -> Result<Vec<Checked>, CertsError> {
    // The reader's limits keep their own codes; anything else is a broken PKCS#7.
    let bad = |e| match e {
        der::DerError::TooDeep | der::DerError::TooManyElements => CertsError::from_der(e),
        der::DerError::Truncated | der::DerError::Invalid => CertsError::Pkcs7Invalid,
    };
    let (content_info, _) = der::expect(data, der::SEQUENCE).map_err(bad)?;
    let (oid, rest) = der::expect(content_info.content, der::OID).map_err(bad)?;
    if oid.content != OID_SIGNED_DATA {
        return Err(CertsError::Pkcs7Invalid);
    }
    let (explicit, _) = der::expect(rest, der::CONTEXT_0).map_err(bad)?;
    let (signed_data, _) = der::expect(explicit.content, der::SEQUENCE).map_err(bad)?;
    let fields = der::children(signed_data.content).map_err(bad)?;
    // version, digestAlgorithms, encapContentInfo, then [0] IMPLICIT certificates
    let Some(certs) = fields.iter().skip(3).find(|f| f.tag == der::CONTEXT_0) else {
        return Err(CertsError::NoCertificate);
    };
    let mut out = Vec::new();
    for cert in der::children(certs.content).map_err(bad)? {
        if cert.tag == der::SEQUENCE {
            out.push(checked_certificate_noting(cert.raw, needs)?);
        }
    }
    if out.is_empty() {
        return Err(CertsError::NoCertificate);
    }
    Ok(out)
}

// ---------------------------------------------------------------- PKCS#12

use der::oid::{
    CERT_BAG as OID_CERT_BAG, DATA as OID_DATA, ENCRYPTED_DATA as OID_ENCRYPTED_DATA, KEY_BAG as OID_KEY_BAG, LOCAL_KEY_ID as OID_LOCAL_KEY_ID,
    SHROUDED_KEY_BAG as OID_SHROUDED_KEY_BAG, X509_CERTIFICATE as OID_X509_CERTIFICATE,
};

fn read_pkcs12(bytes: &[u8], pfx: &Tlv<'_>, password: Option<&Sensitive<String>>) -> Result<Container, CertsError> {
    match password {
        None => read_pkcs12_without_password(pfx),
        Some(password) => read_pkcs12_with_password(bytes, password),
    }
}

struct Bags {
    certificates: Vec<(Vec<u8>, Option<Vec<u8>>)>,
    key_ids: Vec<Option<Vec<u8>>>,
    encrypted_safes: usize,
}

/// The IGC-Santé portal leaves certificate bags unencrypted: they can be listed without
/// the password, which OpenSSL refuses to do because it checks the MAC first.
fn read_pkcs12_without_password(pfx: &Tlv<'_>) -> Result<Container, CertsError> {
    let bags = pkcs12_plain_bags(pfx)?;
    if bags.certificates.is_empty() {
        return Err(if bags.encrypted_safes > 0 { CertsError::Pkcs12PasswordRequired } else { CertsError::NoCertificate });
    }
    let mut problems = Vec::new();
    if bags.encrypted_safes > 0 {
        problems.push(CertsError::Pkcs12PartlyEncrypted);
    }
    let certificates = link_keys(bags.certificates, &bags.key_ids)?;
    Ok(Container { format: ContainerFormat::Pkcs12, certificates, integrity: Integrity::Unverified, problems })
}

fn pkcs12_plain_bags(pfx: &Tlv<'_>) -> Result<Bags, CertsError> {
    let safes = pkcs12_safes(pfx).map_err(CertsError::from_p12_der)?;
    if safes.len() > super::MAX_P12_SAFES {
        return Err(CertsError::Pkcs12TooManyEntries);
    }
    let mut bags = Bags { certificates: vec![], key_ids: vec![], encrypted_safes: 0 };
    let mut count = 0;
    for safe in safes {
        let Some(safe_bags) = pkcs12_plain_safe_bags(&safe).map_err(CertsError::from_p12_der)? else {
            bags.encrypted_safes += 1;
            continue;
        };
        count += safe_bags.len();
        if count > super::MAX_P12_BAGS {
            return Err(CertsError::Pkcs12TooManyEntries);
        }
        for bag in safe_bags {
            pkcs12_plain_bag(&bag, &mut bags).map_err(CertsError::from_p12_der)?;
        }
    }
    Ok(bags)
}

/// The ContentInfos of a PFX's authenticated safe (owned: the safe may be BER, joined).
fn pkcs12_safes(pfx: &Tlv<'_>) -> Result<Vec<Vec<u8>>, der::DerError> {
    use der::DerError::Invalid;
    let (_version, rest) = der::expect(pfx.content, der::INTEGER)?;
    let (auth_safe, _mac) = der::expect(rest, der::SEQUENCE)?;
    let (oid, rest) = der::expect(auth_safe.content, der::OID)?;
    if oid.content != OID_DATA {
        return Err(Invalid); // public-key integrity mode (signedData): not used by the portal
    }
    let (explicit, _) = der::expect(rest, der::CONTEXT_0)?;
    let (octets, _) = der::read(explicit.content)?;
    let safes_der = der::octet_string(&octets)?;
    let (safes, _) = der::expect(&safes_der, der::SEQUENCE)?;
    Ok(der::children(safes.content)?.into_iter().map(|safe| safe.raw.to_vec()).collect())
}

/// The bags of one safe, `None` for an encrypted one.
fn pkcs12_plain_safe_bags(safe: &[u8]) -> Result<Option<Vec<Vec<u8>>>, der::DerError> {
    use der::DerError::Invalid;
    let (safe, _) = der::expect(safe, der::SEQUENCE)?;
    let (oid, rest) = der::expect(safe.content, der::OID)?;
    if oid.content == OID_ENCRYPTED_DATA {
        return Ok(None);
    }
    if oid.content != OID_DATA {
        return Err(Invalid);
    }
    let (explicit, _) = der::expect(rest, der::CONTEXT_0)?;
    let (octets, _) = der::read(explicit.content)?;
    let contents = der::octet_string(&octets)?;
    let (safe_contents, _) = der::expect(&contents, der::SEQUENCE)?;
    Ok(Some(der::children(safe_contents.content)?.into_iter().map(|bag| bag.raw.to_vec()).collect()))
}

/// Notes one bag: a certificate, or a key's localKeyID.
fn pkcs12_plain_bag(bag: &[u8], bags: &mut Bags) -> Result<(), der::DerError> {
    let (bag, _) = der::read(bag)?;
    let (bag_id, rest) = der::expect(bag.content, der::OID)?;
    let (value, rest) = der::expect(rest, der::CONTEXT_0)?;
    let local_key_id = match rest.is_empty() {
        true => None,
        false => local_key_id(der::expect(rest, der::SET)?.0.content)?,
    };
    match bag_id.content {
        OID_CERT_BAG => {
            let (cert_bag, _) = der::expect(value.content, der::SEQUENCE)?;
            let (cert_type, rest) = der::expect(cert_bag.content, der::OID)?;
            if cert_type.content != OID_X509_CERTIFICATE {
                return Ok(()); // SDSI certificates: never seen in practice
            }
            let (explicit, _) = der::expect(rest, der::CONTEXT_0)?;
            let (octets, _) = der::read(explicit.content)?;
            bags.certificates.push((der::octet_string(&octets)?.into_owned(), local_key_id));
        }
        OID_KEY_BAG | OID_SHROUDED_KEY_BAG => bags.key_ids.push(local_key_id),
        _ => {}
    }
    Ok(())
}

fn local_key_id(attributes: &[u8]) -> Result<Option<Vec<u8>>, der::DerError> {
    for attribute in der::children(attributes)? {
        let (oid, rest) = der::expect(attribute.content, der::OID)?;
        if oid.content == OID_LOCAL_KEY_ID {
            let (values, _) = der::expect(rest, der::SET)?;
            let (value, _) = der::read(values.content)?;
            return Ok(Some(der::octet_string(&value)?.into_owned()));
        }
    }
    Ok(None)
}

/// Marks the certificates whose key is in the file: by localKeyID, or, when keys carry
/// no ID, the single end-entity certificate.
fn link_keys(certs: Vec<(Vec<u8>, Option<Vec<u8>>)>, key_ids: &[Option<Vec<u8>>]) -> Result<Vec<FoundCertificate>, CertsError> {
    let anonymous_keys = key_ids.iter().filter(|k| k.is_none()).count();
    let named_keys: std::collections::HashSet<&[u8]> = key_ids.iter().flatten().map(Vec::as_slice).collect();
    let needs = Needs { key_id: false, is_ca: anonymous_keys == 1 };
    let mut found = Vec::with_capacity(certs.len());
    let mut is_ca = Vec::with_capacity(certs.len());
    for (i, (der, id)) in certs.into_iter().enumerate() {
        let checked = checked_certificate_noting(&der, needs)?;
        let has_private_key = id.is_some_and(|id| named_keys.contains(&id[..]));
        found.push(FoundCertificate { der: checked.der, position: i as u32, has_private_key });
        is_ca.push(checked.is_ca);
    }
    if anonymous_keys == 1 && !found.iter().any(|f| f.has_private_key) {
        let leaves: Vec<usize> = (0..found.len()).filter(|&i| !is_ca[i]).collect();
        if let [only] = leaves[..] {
            found[only].has_private_key = true;
        }
    }
    Ok(found)
}

fn read_pkcs12_with_password(bytes: &[u8], password: &Sensitive<String>) -> Result<Container, CertsError> {
    use p12_keystore::error::Error as P12Error;
    super::check_pkcs12_work(bytes, password)?;
    let archive = p12_keystore::Pkcs12Archive::from_pkcs12(bytes, password.expose()).map_err(|e| match e {
        P12Error::MacError(_) => CertsError::Pkcs12BadPassword,
        // A wrong password without a MAC shows up as bad padding once decrypted.
        P12Error::UnpadError => CertsError::Pkcs12BadPassword,
        P12Error::UnsupportedEncryptionScheme | P12Error::UnsupportedMacAlgorithm => CertsError::Pkcs12Unsupported,
        _ => CertsError::Pkcs12Invalid,
    })?;
    let key_ids: Vec<Option<Vec<u8>>> = archive.keys.iter().map(|k| k.local_key_id.as_ref().map(|id| id.0.clone())).collect();
    let certs = archive.certs.into_iter().map(|c| (c.cert.as_der().to_vec(), c.local_key_id)).collect();
    let certificates = link_keys(certs, &key_ids)?;
    if certificates.is_empty() {
        return Err(CertsError::NoCertificate);
    }
    Ok(Container { format: ContainerFormat::Pkcs12, certificates, integrity: Integrity::Verified, problems: vec![] })
}

// ---------------------------------------------------------------- keys

/// What identifies a public key for matching: the RSA modulus or the EC point.
pub fn public_key_id(cert_der: &[u8]) -> Option<Vec<u8>> {
    let (_, cert) = x509_parser::parse_x509_certificate(cert_der).ok()?;
    parsed_public_key_id(&cert)
}

fn parsed_public_key_id(cert: &x509_parser::certificate::X509Certificate<'_>) -> Option<Vec<u8>> {
    use x509_parser::public_key::PublicKey;
    match cert.public_key().parsed().ok()? {
        PublicKey::RSA(rsa) => Some(strip_zeros(rsa.modulus).to_vec()),
        PublicKey::EC(point) => Some(point.data().to_vec()),
        _ => None,
    }
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

const OID_RSA: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];

/// What identifies the public half of a PKCS#8 private key, as [`public_key_id`] does
/// for a certificate (RSA modulus, EC point); `None` for other key types or when an EC key
/// does not carry its public point.
pub fn pkcs8_public_id(pkcs8: &[u8]) -> Option<Vec<u8>> {
    private_key_public_id("PRIVATE KEY", pkcs8)
}

/// The public part of an unencrypted private key, to pair it with its certificate.
fn private_key_public_id(label: &str, data: &[u8]) -> Option<Vec<u8>> {
    match label {
        "RSA PRIVATE KEY" => rsa_modulus(data),
        "EC PRIVATE KEY" => ec_public_point(data),
        _ => {
            // PKCS#8: version, algorithm, OCTET STRING privateKey
            let (info, _) = der::expect(data, der::SEQUENCE).ok()?;
            let fields = der::children(info.content).ok()?;
            let (alg, _) = der::expect(fields.get(1)?.content, der::OID).ok()?;
            let inner = fields.get(2).filter(|f| f.tag == der::OCTET_STRING)?.content;
            if alg.content == OID_RSA {
                rsa_modulus(inner)
            } else {
                ec_public_point(inner)
            }
        }
    }
}

fn rsa_modulus(rsa_private_key: &[u8]) -> Option<Vec<u8>> {
    let (seq, _) = der::expect(rsa_private_key, der::SEQUENCE).ok()?;
    let fields = der::children(seq.content).ok()?;
    Some(strip_zeros(fields.get(1)?.content).to_vec())
}

fn ec_public_point(ec_private_key: &[u8]) -> Option<Vec<u8>> {
    let (seq, _) = der::expect(ec_private_key, der::SEQUENCE).ok()?;
    let public = der::children(seq.content).ok()?.into_iter().find(|f| f.tag == 0xA1)?;
    let (bits, _) = der::expect(public.content, 0x03).ok()?;
    Some(bits.content.get(1..)?.to_vec()) // skip the unused-bits byte
}
