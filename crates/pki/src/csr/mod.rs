//! PKCS#10 requests from an order: the order's fields checked against IGC-Santé's rules
//! (all refusals at once, before any key exists), the subject laid out as the real
//! certificates have it, the request signed with the caller's key, and requests read back.
//!
//! The subject is C, ST, O, OU, CN in that order, C as a PrintableString and the others
//! as UTF8Strings: exactly the real TEST certificate's encoding (`samples/`), so that the
//! platform sees the same bytes whether it copies the name or rebuilds it.

mod rules;
#[cfg(test)]
mod tests;

use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair, PublicKeyData, SanType};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::SubjectPublicKeyInfo;

use crate::igc::{Environment, KeySpec, Offer, Profile, Structure, Usage};

pub use rules::{department_name, departments, name_suggestions, rule_codes, structure_ou, suggested_common_names, validate, NameSuggestion};

/// What the order wizard and `certisante order new` collect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OrderRequest {
    /// TEST or PROD: it decides where the order goes, never what the subject says.
    pub environment: Environment,
    pub offer: Offer,
    pub usage: Usage,
    /// Raison sociale → O.
    pub organization: String,
    /// "1" + FINESS or "3" + SIRET as in the OU, or a bare FINESS (9 characters) or SIRET
    /// (14 digits), which gets its prefix.
    pub structure_id: String,
    /// "75", "2A", "971", "Paris (75)" or "Paris" → ST = "Paris (75)".
    pub department: String,
    pub common_name: String,
}

/// One broken rule: which field, a stable code, and a French message saying why and how
/// to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RuleViolation {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// The subject of a request, in certificate order (C, ST, O, OU, CN).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SubjectFields {
    pub country: String,
    pub state: String,
    pub organization: String,
    pub organizational_unit: String,
    pub common_name: String,
}

impl SubjectFields {
    /// RFC 2253 text, most specific first ("CN=DMP,OU=11B0073160,O=...,ST=Paris (75),C=FR"),
    /// as `openssl -nameopt RFC2253` prints it.
    pub fn rfc2253(&self) -> String {
        [("CN", &self.common_name), ("OU", &self.organizational_unit), ("O", &self.organization), ("ST", &self.state), ("C", &self.country)]
            .iter()
            .map(|(k, v)| format!("{k}={}", rfc2253_escape(v)))
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn rfc2253_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let edge_space = c == ' ' && (i == 0 || i == last);
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';') || edge_space || (i == 0 && c == '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An order that passed every rule: its subject and its profile.
#[derive(Debug, Clone)]
pub struct ValidatedRequest {
    /// The order as it was typed.
    pub request: OrderRequest,
    /// The normalised subject the request will carry.
    pub subject: SubjectFields,
    pub profile: &'static Profile,
    /// The structure identifier decoded from the OU (kind, check-digit verdict).
    pub structure: Structure,
}

/// A signed PKCS#10 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csr {
    pub der: Vec<u8>,
    pub pem: String,
}

/// One subject attribute of a request, as encoded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubjectAttribute {
    /// "C", "ST", "O", "OU", "CN", or the dotted OID of another type.
    pub kind: String,
    pub value: String,
    /// "PrintableString", "UTF8String", "IA5String", "BMPString", ...
    pub string_type: String,
}

/// What a request says about itself.
#[derive(Debug, Clone, Serialize)]
pub struct CsrFacts {
    /// First value of each attribute; empty when absent.
    pub subject: SubjectFields,
    /// Every attribute in encoding order.
    pub attributes: Vec<SubjectAttribute>,
    /// The SubjectPublicKeyInfo, DER.
    pub public_key_der: Vec<u8>,
    pub signature_valid: bool,
    /// "sha256WithRSAEncryption", "ecdsa-with-SHA256", or the dotted OID.
    pub signature_algorithm: String,
    /// dNSNames of a requested subjectAltName.
    pub dns_names: Vec<String>,
}

/// Why a request could not be made or read. Codes are stable; messages are French.
#[derive(Debug, thiserror::Error)]
pub enum CsrError {
    #[error("the key given ({found}) does not suit the profile {profile}: it needs a {accepted} key. Generate a new key of that kind")]
    KeyNotAccepted { found: String, accepted: String, profile: String },
    #[error("the certificate request could not be built: {0}")]
    Build(String),
    #[error("this file is not a readable certificate request (PKCS#10): {0}")]
    Unreadable(String),
    #[error("this PEM file holds '{0}', not a certificate request (CERTIFICATE REQUEST)")]
    NotACsr(String),
}

crate::error_codes!(CsrError {
    Self::KeyNotAccepted { .. } => "csr.key_not_accepted",
    Self::Build(_) => "csr.build_failed",
    Self::Unreadable(_) => "csr.unreadable",
    Self::NotACsr(_) => "csr.not_a_csr",
});

/// The key as the profile data names keys: ("RSA", 2048) or ("EC", 256).
fn key_shape(key: &KeyPair) -> Result<(&'static str, u32), CsrError> {
    let spki = key.subject_public_key_info();
    let (_, info) = SubjectPublicKeyInfo::from_der(&spki).map_err(|e| CsrError::Build(e.to_string()))?;
    let parsed = info.parsed().map_err(|e| CsrError::Build(e.to_string()))?;
    Ok(match parsed {
        PublicKey::RSA(rsa) => ("RSA", rsa.key_size() as u32),
        PublicKey::EC(ec) => ("EC", ec.key_size() as u32),
        _ => ("other", 0),
    })
}

fn key_spec_text(spec: &KeySpec) -> String {
    match &spec.curve {
        Some(curve) => format!("{} {curve}", spec.algorithm),
        None => format!("{} {}", spec.algorithm, spec.bits),
    }
}

/// Whether `key` is one the profile accepts, signing as the real requests do
/// (sha256WithRSAEncryption, or ecdsa-with-SHA256 on P-256).
fn check_key(profile: &Profile, key: &KeyPair) -> Result<(), CsrError> {
    let (algorithm, bits) = key_shape(key)?;
    let signs_as_expected = key.algorithm() == &rcgen::PKCS_RSA_SHA256 || key.algorithm() == &rcgen::PKCS_ECDSA_P256_SHA256;
    let accepted = signs_as_expected && profile.accepted_keys().any(|spec| spec.algorithm.eq_ignore_ascii_case(algorithm) && spec.bits == bits);
    if accepted {
        return Ok(());
    }
    Err(CsrError::KeyNotAccepted {
        found: if signs_as_expected { format!("{algorithm} {bits}") } else { format!("{algorithm} {bits}, {:?}", key.algorithm()) },
        accepted: profile.accepted_keys().map(key_spec_text).collect::<Vec<_>>().join(" ou "),
        profile: format!("{} {}", profile.offer.as_str(), profile.usage.as_str()),
    })
}

/// The subject as rcgen writes it: C PrintableString, the rest UTF8String, in order.
fn distinguished_name(subject: &SubjectFields) -> Result<DistinguishedName, CsrError> {
    let country = rcgen::string::PrintableString::try_from(subject.country.as_str()).map_err(|e| CsrError::Build(e.to_string()))?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, DnValue::PrintableString(country));
    dn.push(DnType::StateOrProvinceName, DnValue::Utf8String(subject.state.clone()));
    dn.push(DnType::OrganizationName, DnValue::Utf8String(subject.organization.clone()));
    dn.push(DnType::OrganizationalUnitName, DnValue::Utf8String(subject.organizational_unit.clone()));
    dn.push(DnType::CommonName, DnValue::Utf8String(subject.common_name.clone()));
    Ok(dn)
}

/// Signs the validated order's request with `key`. No extension is requested unless the
/// profile's data asks for one (`csr_san_dns`).
pub fn build_csr(v: &ValidatedRequest, key: &KeyPair) -> Result<Csr, CsrError> {
    check_key(v.profile, key)?;
    let mut params = CertificateParams::default();
    params.distinguished_name = distinguished_name(&v.subject)?;
    if v.profile.csr_san_dns {
        let name = v.subject.common_name.clone().try_into().map_err(|e: rcgen::Error| CsrError::Build(e.to_string()))?;
        params.subject_alt_names = vec![SanType::DnsName(name)];
    }
    let csr = params.serialize_request(key).map_err(|e| CsrError::Build(e.to_string()))?;
    let pem = csr.pem().map_err(|e| CsrError::Build(e.to_string()))?;
    Ok(Csr { der: csr.der().to_vec(), pem })
}

/// The DER of a request given as DER or PEM ("CERTIFICATE REQUEST" or the older
/// "NEW CERTIFICATE REQUEST").
fn request_der(der_or_pem: &[u8]) -> Result<Vec<u8>, CsrError> {
    // DER starts with a SEQUENCE tag; PEM may have text before its block.
    if der_or_pem.first() == Some(&0x30) {
        return Ok(der_or_pem.to_vec());
    }
    let Some(start) = der_or_pem.windows(10).position(|w| w == b"-----BEGIN") else {
        return Err(CsrError::Unreadable("ni DER ni PEM".into()));
    };
    let (_, pem) = x509_parser::pem::parse_x509_pem(&der_or_pem[start..]).map_err(|e| CsrError::Unreadable(e.to_string()))?;
    if !pem.label.ends_with("CERTIFICATE REQUEST") {
        return Err(CsrError::NotACsr(pem.label));
    }
    Ok(pem.contents)
}

fn attribute_kind(oid: &str) -> String {
    match oid {
        "2.5.4.6" => "C",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.3" => "CN",
        other => other,
    }
    .to_string()
}

fn string_type(tag: x509_parser::der_parser::asn1_rs::Tag) -> String {
    use x509_parser::der_parser::asn1_rs::Tag;
    match tag {
        Tag::PrintableString => "PrintableString".into(),
        Tag::Utf8String => "UTF8String".into(),
        Tag::Ia5String => "IA5String".into(),
        Tag::BmpString => "BMPString".into(),
        Tag::T61String => "TeletexString".into(),
        Tag::UniversalString => "UniversalString".into(),
        other => format!("tag {}", other.0),
    }
}

fn signature_name(oid: &str) -> String {
    match oid {
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.10045.4.3.2" => "ecdsa-with-SHA256",
        other => other,
    }
    .to_string()
}

/// Reads a request (DER or PEM) and checks its self-signature.
pub fn decode_csr(der_or_pem: &[u8]) -> Result<CsrFacts, CsrError> {
    let der = request_der(der_or_pem)?;
    let (rest, csr) = X509CertificationRequest::from_der(&der).map_err(|e| CsrError::Unreadable(e.to_string()))?;
    if !rest.is_empty() {
        return Err(CsrError::Unreadable(format!("{} bytes left over after the request", rest.len())));
    }
    let info = &csr.certification_request_info;
    let mut attributes = Vec::new();
    for rdn in info.subject.iter() {
        for attr in rdn.iter() {
            let value = attr.as_str().map(str::to_owned).unwrap_or_else(|_| hex::encode(attr.attr_value().data));
            attributes.push(SubjectAttribute {
                kind: attribute_kind(&attr.attr_type().to_id_string()),
                value,
                string_type: string_type(attr.attr_value().header.tag()),
            });
        }
    }
    let first = |kind: &str| attributes.iter().find(|a| a.kind == kind).map(|a| a.value.clone()).unwrap_or_default();
    let subject =
        SubjectFields { country: first("C"), state: first("ST"), organization: first("O"), organizational_unit: first("OU"), common_name: first("CN") };
    let mut dns_names = Vec::new();
    if let Some(extensions) = csr.requested_extensions() {
        for ext in extensions {
            if let ParsedExtension::SubjectAlternativeName(san) = ext {
                dns_names.extend(san.general_names.iter().filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some(d.to_string()),
                    _ => None,
                }));
            }
        }
    }
    Ok(CsrFacts {
        subject,
        attributes,
        public_key_der: info.subject_pki.raw.to_vec(),
        signature_valid: csr.verify_signature().is_ok(),
        signature_algorithm: signature_name(&csr.signature_algorithm.algorithm.to_id_string()),
        dns_names,
    })
}
