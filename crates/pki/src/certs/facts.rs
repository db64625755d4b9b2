//! What one certificate says about itself, read once with x509-parser.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::*;

use super::chain::ChainInput;
use super::CertsError;

#[derive(Debug, Clone)]
pub struct CertificateFacts {
    pub sha256: String,
    pub sha1: String,
    pub subject: String,
    pub issuer: String,
    pub common_name: Option<String>,
    pub organization: Option<String>,
    pub organizational_units: Vec<String>,
    pub state: Option<String>,
    pub country: Option<String>,
    pub serial: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// The end of the privateKeyUsagePeriod (RFC 3280 4.2.1.4), when the certificate
    /// carries one: an ORG SIGN key may no longer sign about a month before notAfter.
    pub private_key_usage_end: Option<DateTime<Utc>>,
    pub key_algorithm: String,
    pub key_bits: u32,
    pub signature_algorithm: String,
    /// Key usage names as in RFC 5280 (`digitalSignature`, `nonRepudiation`...).
    pub key_usage: Vec<String>,
    /// Extended key usage names (`clientAuth`...) or dotted OIDs for others.
    pub extended_key_usage: Vec<String>,
    pub policies: Vec<String>,
    pub dns_names: Vec<String>,
    pub is_ca: bool,
    pub self_issued: bool,
    pub subject_key_id: Option<String>,
    pub authority_key_id: Option<String>,
}

impl CertificateFacts {
    pub fn from_der(der: &[u8]) -> Result<Self, CertsError> {
        let (_, cert) = parse_x509_certificate(der).map_err(|e| CertsError::CertificateInvalid(e.to_string()))?;
        Ok(Self::from_parsed(der, &cert))
    }

    pub fn from_parsed(der: &[u8], cert: &X509Certificate<'_>) -> Self {
        Self::from_parsed_with_sha256(der, cert, &Sha256::digest(der).into())
    }

    /// Parses `der` once for both its facts and what its chain verification needs
    /// (`sha256`: of `der`, already computed by the caller). `None` if it does not parse.
    pub fn with_chain_input(der: &[u8], sha256: [u8; 32]) -> Option<(Self, ChainInput<'_>)> {
        let (_, cert) = parse_x509_certificate(der).ok()?;
        Some((Self::from_parsed_with_sha256(der, &cert, &sha256), ChainInput::new(&cert, sha256)))
    }

    fn from_parsed_with_sha256(der: &[u8], cert: &X509Certificate<'_>, sha256: &[u8; 32]) -> Self {
        fn first<'a, 'b: 'a>(mut it: impl Iterator<Item = &'a AttributeTypeAndValue<'b>>) -> Option<String> {
            it.next().and_then(|a| a.as_str().ok()).map(str::to_owned)
        }
        let subject = cert.subject();
        let mut facts = Self {
            sha256: hex::encode(sha256),
            sha1: hex::encode(sha1::Sha1::digest(der)),
            subject: subject.to_string(),
            issuer: cert.issuer().to_string(),
            common_name: first(subject.iter_common_name()),
            organization: first(subject.iter_organization()),
            organizational_units: subject.iter_organizational_unit().filter_map(|a| a.as_str().ok().map(str::to_owned)).collect(),
            state: first(subject.iter_state_or_province()),
            country: first(subject.iter_country()),
            serial: hex::encode_upper(cert.raw_serial()),
            not_before: timestamp(cert.validity().not_before.timestamp()),
            not_after: timestamp(cert.validity().not_after.timestamp()),
            private_key_usage_end: None,
            key_algorithm: String::new(),
            key_bits: 0,
            signature_algorithm: signature_name(&cert.signature_algorithm.algorithm.to_id_string()),
            key_usage: vec![],
            extended_key_usage: vec![],
            policies: vec![],
            dns_names: vec![],
            is_ca: cert.is_ca(),
            self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
            subject_key_id: None,
            authority_key_id: None,
        };
        let (algorithm, bits) = key_description(cert);
        facts.key_algorithm = algorithm;
        facts.key_bits = bits;
        for ext in cert.extensions() {
            if ext.oid.to_id_string() == PRIVATE_KEY_USAGE_PERIOD {
                facts.private_key_usage_end = private_key_usage_end(ext.value);
                continue;
            }
            match ext.parsed_extension() {
                ParsedExtension::KeyUsage(ku) => facts.key_usage = key_usage_names(ku),
                ParsedExtension::ExtendedKeyUsage(eku) => facts.extended_key_usage = extended_key_usage_names(eku),
                ParsedExtension::CertificatePolicies(policies) => facts.policies = policies.iter().map(|p| p.policy_id.to_id_string()).collect(),
                ParsedExtension::SubjectAlternativeName(san) => {
                    facts.dns_names = san
                        .general_names
                        .iter()
                        .filter_map(|n| match n {
                            GeneralName::DNSName(d) => Some(d.to_string()),
                            _ => None,
                        })
                        .collect()
                }
                ParsedExtension::SubjectKeyIdentifier(id) => facts.subject_key_id = Some(hex::encode_upper(id.0)),
                ParsedExtension::AuthorityKeyIdentifier(aki) => facts.authority_key_id = aki.key_identifier.as_ref().map(|id| hex::encode_upper(id.0)),
                _ => {}
            }
        }
        facts
    }
}

const PRIVATE_KEY_USAGE_PERIOD: &str = "2.5.29.16";

/// `PrivateKeyUsagePeriod ::= SEQUENCE { notBefore [0] IMPLICIT GeneralizedTime OPTIONAL,
/// notAfter [1] IMPLICIT GeneralizedTime OPTIONAL }`: its notAfter, when present and
/// well formed (anything else is ignored: the certificate's own end still applies).
fn private_key_usage_end(value: &[u8]) -> Option<DateTime<Utc>> {
    let (sequence, rest) = crate::der::expect(value, 0x30).ok()?;
    if !rest.is_empty() {
        return None;
    }
    let end = crate::der::children(sequence.content).ok()?.into_iter().find(|field| field.tag == 0x81)?;
    generalized_time(end.content)
}

/// DER GeneralizedTime: exactly `YYYYMMDDHHMMSSZ` (X.690 11.7: UTC, no fraction).
pub(super) fn generalized_time(bytes: &[u8]) -> Option<DateTime<Utc>> {
    if bytes.len() != 15 || bytes[14] != b'Z' || !bytes[..14].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number = |from: usize, to: usize| bytes[from..to].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let date = chrono::NaiveDate::from_ymd_opt(number(0, 4) as i32, number(4, 6), number(6, 8))?;
    Some(date.and_hms_opt(number(8, 10), number(10, 12), number(12, 14))?.and_utc())
}

fn timestamp(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn key_description(cert: &X509Certificate<'_>) -> (String, u32) {
    use x509_parser::public_key::PublicKey;
    let spki = cert.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => ("RSA".into(), rsa.key_size() as u32),
        Ok(PublicKey::EC(point)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| match oid.to_id_string().as_str() {
                    "1.2.840.10045.3.1.7" => "P-256".to_string(),
                    "1.3.132.0.34" => "P-384".to_string(),
                    "1.3.132.0.35" => "P-521".to_string(),
                    other => other.to_string(),
                })
                .unwrap_or_default();
            (format!("EC {curve}").trim().to_string(), point.key_size() as u32)
        }
        Ok(other) => (format!("{:?}", std::mem::discriminant(&other)), other.key_size() as u32),
        Err(_) => (spki.algorithm.algorithm.to_id_string(), 0),
    }
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "rsassaPss",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        "1.2.840.10045.4.3.3" => "ecdsa-with-SHA384",
        "1.3.101.112" => "Ed25519",
        other => other,
    }
    .to_string()
}

fn key_usage_names(ku: &KeyUsage) -> Vec<String> {
    let all = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ];
    all.iter().filter(|(set, _)| *set).map(|(_, name)| name.to_string()).collect()
}

fn extended_key_usage_names(eku: &ExtendedKeyUsage<'_>) -> Vec<String> {
    let known = [
        (eku.any, "anyExtendedKeyUsage"),
        (eku.server_auth, "serverAuth"),
        (eku.client_auth, "clientAuth"),
        (eku.code_signing, "codeSigning"),
        (eku.email_protection, "emailProtection"),
        (eku.time_stamping, "timeStamping"),
        (eku.ocsp_signing, "OCSPSigning"),
    ];
    let mut names: Vec<String> = known.iter().filter(|(set, _)| *set).map(|(_, n)| n.to_string()).collect();
    names.extend(eku.other.iter().map(|oid| oid.to_id_string()));
    names
}
