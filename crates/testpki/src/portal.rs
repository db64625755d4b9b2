//! A stand-in for the IGC-Santé platform: a TEST-like CA kept in a folder, which signs
//! requests in the real profiles and delivers platform-generated keys as portal-style
//! .p12 files. Profiles (usages, validity) come from the product's own data
//! (`crates/pki/assets/profiles.json`); what a TEST certificate carries besides (policy
//! with its CPS URI, AIA, CRL and delta-CRL locations, the private extension) follows the
//! real public TEST certificate.
//!
//! Layout of a portal folder:
//! - `ca/ACR-EL-TEST.pem|.key`, `ca/ACI-EL-ORG-TEST.pem|.key`: the CA certificates and keys;
//! - `chain.pem`: the intermediate then the root (for `openssl verify -CAfile`);
//! - `anchors/test/`: both CA certificates, for `CERTISANTE_EXTRA_ANCHORS=DIR/anchors`.

use std::fmt;
use std::path::{Path, PathBuf};

use rcgen::{
    CertificateParams, CrlDistributionPoint, CustomExtension, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose, PublicKeyData, SanType, SerialNumber, SignatureAlgorithm,
};
use serde_json::Value;
use time::{Duration, OffsetDateTime};
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::der_parser::asn1_rs::Tag;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::x509::X509Name;

use crate::{aia_extension, der_tlv, encode_oid, rsa_key, uri_name, write_portal_p12, Hierarchy, PRIVATE_EXTENSION};

const ROOT: &str = "ACR-EL-TEST";
const INTERMEDIATE: &str = "ACI-EL-ORG-TEST";
const OCSP_URL: &str = "http://ocsp.esante.gouv.fr";
const CA_ISSUERS_URL: &str = "http://igc-sante.esante.gouv.fr/AC%20TEST/ACI-EL-ORG-TEST.cer";
const CRL_URL: &str = "http://igc-sante.esante.gouv.fr/CRL/ACI-EL-ORG-TEST.crl";
const LDAP_CA: &str = "ldap://annuaire-igc.esante.gouv.fr/cn=TEST%20AC%20IGC-SANTE%20ELEMENTAIRE%20ORGANISATIONS,ou=TEST%20AC%20RACINE%20IGC-SANTE%20ELEMENTAIRE,ou=IGC-SANTE%20TEST,ou=0002%20187512751,o=ASIP-SANTE,c=FR";
const PROFILES: &str = include_str!("../../pki/assets/profiles.json");

/// Why the portal refused: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalError {
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for PortalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for PortalError {}

fn err(code: &'static str, message: impl Into<String>) -> PortalError {
    PortalError { code, message: message.into() }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PortalError + '_ {
    move |e| err("portal.io", format!("{}: {e}", path.display()))
}

/// One profile of the product's data, as the portal issues it.
#[derive(Debug, Clone)]
pub struct IssueProfile {
    pub offer: String,
    pub usage: String,
    key_usage: Vec<String>,
    extended_key_usage: Vec<String>,
    pub validity_days: i64,
    private_key_usage_days: Option<i64>,
    policies: Vec<String>,
    cps_uri: Option<String>,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

impl IssueProfile {
    /// The TEST profile of `offer` and `usage` ("S/MIME" is read as "SMIME").
    pub fn test(offer: &str, usage: &str) -> Result<Self, PortalError> {
        let book: Value = serde_json::from_str(PROFILES).expect("profiles.json is valid JSON");
        let usage = if usage == "S/MIME" { "SMIME" } else { usage };
        let profile = book["profiles"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p["offer"] == offer && p["usage"] == usage)
            .ok_or_else(|| err("portal.unknown_profile", format!("no {offer} {usage} profile in profiles.json")))?;
        let issued = |set: &Value| if set["typical"].is_array() { strings(&set["typical"]) } else { strings(&set["required"]) };
        Ok(Self {
            offer: offer.to_string(),
            usage: usage.to_string(),
            key_usage: issued(&profile["key_usage"]),
            extended_key_usage: issued(&profile["extended_key_usage"]),
            validity_days: profile["validity_days"].as_i64().unwrap_or(1095),
            private_key_usage_days: profile["private_key_usage_days"].as_i64(),
            policies: strings(&book["policies"]["TEST"][offer]),
            cps_uri: book["cps_uri"]["TEST"].as_str().map(str::to_owned),
        })
    }
}

/// The subject of a platform-generated key's certificate.
#[derive(Debug, Clone)]
pub struct Subject {
    pub state: String,
    pub organization: String,
    pub organizational_unit: String,
    pub common_name: String,
}

/// What `sign` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Pem,
    Der,
    P7b,
}

/// A certificate the portal issued.
pub struct Issued {
    pub der: Vec<u8>,
    pub pem: String,
}

/// An opened portal folder.
pub struct Portal {
    dir: PathBuf,
    intermediate: Issuer<'static, KeyPair>,
    chain_pem: String,
}

/// The public key of a request, in rcgen's terms.
struct RequestKey {
    raw: Vec<u8>,
    algorithm: &'static SignatureAlgorithm,
}

impl PublicKeyData for RequestKey {
    fn der_bytes(&self) -> &[u8] {
        &self.raw
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.algorithm
    }
}

impl Portal {
    /// Makes a new TEST-like hierarchy in `dir` (refused if one is there already).
    pub fn init(dir: &Path) -> Result<Self, PortalError> {
        let ca = dir.join("ca");
        if ca.join(format!("{ROOT}.key")).exists() {
            return Err(err("portal.exists", format!("{} already holds a portal CA", dir.display())));
        }
        std::fs::create_dir_all(&ca).map_err(io(&ca))?;
        let hierarchy = Hierarchy::new();
        let write = |path: PathBuf, text: &str| std::fs::write(&path, text).map_err(io(&path));
        write(ca.join(format!("{ROOT}.pem")), &hierarchy.root_pem())?;
        write(ca.join(format!("{ROOT}.key")), &hierarchy.root.key().serialize_pem())?;
        write(ca.join(format!("{INTERMEDIATE}.pem")), &hierarchy.intermediate_pem())?;
        write(ca.join(format!("{INTERMEDIATE}.key")), &hierarchy.intermediate.key().serialize_pem())?;
        write(dir.join("chain.pem"), &hierarchy.chain_pem())?;
        let anchors = dir.join("anchors/test");
        std::fs::create_dir_all(&anchors).map_err(io(&anchors))?;
        write(anchors.join(format!("{ROOT}.pem")), &hierarchy.root_pem())?;
        write(anchors.join(format!("{INTERMEDIATE}.pem")), &hierarchy.intermediate_pem())?;
        Self::open(dir)
    }

    /// Opens a folder made by [`Portal::init`].
    pub fn open(dir: &Path) -> Result<Self, PortalError> {
        let read = |name: String| {
            let path = dir.join("ca").join(name);
            std::fs::read_to_string(&path).map_err(io(&path))
        };
        let unreadable = |e: String| err("portal.ca_unreadable", e);
        let key = KeyPair::from_pem(&read(format!("{INTERMEDIATE}.key"))?).map_err(|e| unreadable(e.to_string()))?;
        let intermediate_pem = read(format!("{INTERMEDIATE}.pem"))?;
        let (_, block) = x509_parser::pem::parse_x509_pem(intermediate_pem.as_bytes()).map_err(|e| unreadable(e.to_string()))?;
        let ca = block.parse_x509().map_err(|e| unreadable(e.to_string()))?;
        // Not rcgen's from_ca_cert_pem: it keeps one OU of the CA's two, and the issued
        // certificates would name another issuer.
        let mut params = CertificateParams::default();
        params.distinguished_name = copy_name(ca.subject())?;
        let ski = ca.extensions().iter().find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
            _ => None,
        });
        params.key_identifier_method = KeyIdMethod::PreSpecified(ski.ok_or_else(|| unreadable("the CA has no subject key identifier".into()))?);
        let intermediate = Issuer::new(params, key);
        let chain_pem = format!("{intermediate_pem}{}", read(format!("{ROOT}.pem"))?);
        Ok(Self { dir: dir.to_path_buf(), intermediate, chain_pem })
    }

    /// The intermediate then the root, PEM.
    pub fn chain_pem(&self) -> &str {
        &self.chain_pem
    }

    /// The folder to give `CERTISANTE_EXTRA_ANCHORS`.
    pub fn anchors_dir(&self) -> PathBuf {
        self.dir.join("anchors")
    }

    /// Issues a certificate for a request (DER or PEM) whose signature verifies, with the
    /// request's subject copied byte for byte. `days` overrides the profile's validity.
    pub fn sign(&self, request: &[u8], profile: &IssueProfile, days: Option<i64>) -> Result<Issued, PortalError> {
        let der = request_der(request)?;
        let (_, csr) = X509CertificationRequest::from_der(&der).map_err(|e| err("portal.csr_unreadable", e.to_string()))?;
        csr.verify_signature().map_err(|e| err("portal.csr_bad_signature", format!("the request's signature does not verify: {e}")))?;
        let info = &csr.certification_request_info;
        let spki = &info.subject_pki;
        let algorithm = match (spki.algorithm.algorithm.to_id_string().as_str(), spki.algorithm.parameters.as_ref().and_then(|p| p.as_oid().ok())) {
            ("1.2.840.113549.1.1.1", _) => &rcgen::PKCS_RSA_SHA256,
            ("1.2.840.10045.2.1", Some(curve)) if curve.to_id_string() == "1.2.840.10045.3.1.7" => &rcgen::PKCS_ECDSA_P256_SHA256,
            ("1.2.840.10045.2.1", Some(curve)) if curve.to_id_string() == "1.3.132.0.34" => &rcgen::PKCS_ECDSA_P384_SHA384,
            (other, _) => return Err(err("portal.key_unsupported", format!("keys of type {other} are not certified"))),
        };
        let key = RequestKey { raw: spki.subject_public_key.data.to_vec(), algorithm };
        let mut dns_names = Vec::new();
        for ext in csr.requested_extensions().into_iter().flatten() {
            if let ParsedExtension::SubjectAlternativeName(san) = ext {
                dns_names.extend(san.general_names.iter().filter_map(|n| match n {
                    GeneralName::DNSName(d) => Some(d.to_string()),
                    _ => None,
                }));
            }
        }
        let issued = self.issue(&key, copy_name(&info.subject)?, dns_names, profile, days)?;
        // "As is": the bytes of the request's subject, not a re-encoding of its text.
        let (_, cert) = x509_parser::parse_x509_certificate(&issued.der).map_err(|e| err("portal.internal", e.to_string()))?;
        if cert.subject().as_raw() != info.subject.as_raw() {
            return Err(err("portal.subject_unsupported", "the request's subject could not be copied byte for byte"));
        }
        Ok(issued)
    }

    /// The platform-generated-key path: a new RSA-2048 key and its certificate, as a
    /// portal-style .p12 protected by the first line of `password_file`. `out` may be a
    /// folder: the file is then named like the platform's.
    pub fn p12(&self, profile: &IssueProfile, subject: &Subject, password_file: &Path, out: &Path) -> Result<PathBuf, PortalError> {
        let key = rsa_key();
        let mut dn = DistinguishedName::new();
        let country = rcgen::string::PrintableString::try_from("FR").expect("FR is printable");
        dn.push(DnType::CountryName, DnValue::PrintableString(country));
        dn.push(DnType::StateOrProvinceName, subject.state.as_str());
        dn.push(DnType::OrganizationName, subject.organization.as_str());
        dn.push(DnType::OrganizationalUnitName, subject.organizational_unit.as_str());
        dn.push(DnType::CommonName, subject.common_name.as_str());
        let issued = self.issue(&key, dn, Vec::new(), profile, None)?;
        let path = if out.is_dir() {
            let now = OffsetDateTime::now_utc();
            out.join(format!(
                "asip-p12-EL-TEST-{}-{}-{:04}{:02}{:02}-{:02}{:02}{:02}.p12",
                profile.offer,
                profile.usage,
                now.year(),
                now.month() as u8,
                now.day(),
                now.hour(),
                now.minute(),
                now.second()
            ))
        } else {
            out.to_path_buf()
        };
        if !password_file.is_file() {
            return Err(err("portal.io", format!("{}: no such password file", password_file.display())));
        }
        let passout = format!("file:{}", password_file.display());
        write_portal_p12(&issued.pem, &key.serialize_pem(), &self.chain_pem, &passout, &path).map_err(|e| err("portal.p12_failed", e))?;
        Ok(path)
    }

    fn issue(
        &self,
        key: &impl PublicKeyData,
        subject: DistinguishedName,
        mut dns_names: Vec<String>,
        profile: &IssueProfile,
        days: Option<i64>,
    ) -> Result<Issued, PortalError> {
        let mut params = CertificateParams::default();
        params.distinguished_name = subject;
        // Like the real platform: minutes, no seconds.
        let now = OffsetDateTime::now_utc().replace_second(0).and_then(|t| t.replace_nanosecond(0)).expect("valid time");
        params.not_before = now;
        params.not_after = now + Duration::days(days.unwrap_or(profile.validity_days));
        params.serial_number = Some(random_serial());
        params.use_authority_key_identifier_extension = true;
        // Basic constraints and the SKI are added below: rcgen would mark the former critical.
        params.is_ca = IsCa::NoCa;
        params.key_usages = profile.key_usage.iter().map(|k| key_usage(k)).collect::<Result<_, _>>()?;
        params.extended_key_usages = profile.extended_key_usage.iter().map(|e| extended_key_usage(e)).collect();
        // A server certificate names its host in a SAN too, as the crate's other SERV leaves.
        if dns_names.is_empty() && profile.usage == "SSL_SERV" {
            match params.distinguished_name.get(&DnType::CommonName) {
                Some(DnValue::Utf8String(cn)) => dns_names.push(cn.clone()),
                Some(DnValue::PrintableString(cn)) => dns_names.push(cn.as_str().to_owned()),
                _ => {}
            }
        }
        params.subject_alt_names = dns_names
            .into_iter()
            .map(|d| d.clone().try_into().map(SanType::DnsName).map_err(|_| err("portal.bad_name", format!("{d} is not a DNS name"))))
            .collect::<Result<_, _>>()?;
        params.crl_distribution_points = vec![CrlDistributionPoint { uris: vec![CRL_URL.into()] }, CrlDistributionPoint { uris: vec![ldap(false)] }];
        let key_id = params.key_identifier(key);
        let ext = &mut params.custom_extensions;
        ext.push(aia_extension(OCSP_URL, Some(CA_ISSUERS_URL)));
        if !profile.policies.is_empty() {
            ext.push(policies_extension(&profile.policies, profile.cps_uri.as_deref()));
        }
        ext.push(CustomExtension::from_oid_content(&[2, 5, 29, 14], der_tlv(0x04, &key_id)));
        ext.push(CustomExtension::from_oid_content(&[2, 5, 29, 46], distribution_points(&ldap(true))));
        ext.push(CustomExtension::from_oid_content(PRIVATE_EXTENSION, vec![0x04, 0x01, 0x83]));
        ext.push(CustomExtension::from_oid_content(&[2, 5, 29, 19], vec![0x30, 0x00]));
        if let Some(pku_days) = profile.private_key_usage_days {
            ext.push(crate::private_key_usage_period(now, now + Duration::days(pku_days)));
        }
        let cert = params.signed_by(key, &self.intermediate).map_err(|e| err("portal.internal", e.to_string()))?;
        Ok(Issued { der: cert.der().to_vec(), pem: cert.pem() })
    }
}

/// `cert` in `format`, with the chain after it when `chain` (not for DER: one certificate).
pub fn encode(issued: &Issued, chain_pem: &str, format: OutputFormat, chain: bool) -> Result<Vec<u8>, PortalError> {
    let bundle = if chain { format!("{}{chain_pem}", issued.pem) } else { issued.pem.clone() };
    match format {
        OutputFormat::Pem => Ok(bundle.into_bytes()),
        OutputFormat::Der if chain => Err(err("portal.der_chain", "DER holds one certificate: use --format pem or p7b for the chain")),
        OutputFormat::Der => Ok(issued.der.clone()),
        OutputFormat::P7b => crate::pkcs7_der(&bundle).map_err(|e| err("portal.p7b_failed", e)),
    }
}

fn request_der(request: &[u8]) -> Result<Vec<u8>, PortalError> {
    let start = request.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    if !request[start..].starts_with(b"-----BEGIN") {
        return Ok(request.to_vec());
    }
    let (_, pem) = x509_parser::pem::parse_x509_pem(&request[start..]).map_err(|e| err("portal.csr_unreadable", e.to_string()))?;
    if !pem.label.ends_with("CERTIFICATE REQUEST") {
        return Err(err("portal.csr_unreadable", format!("PEM block {} is not a CERTIFICATE REQUEST", pem.label)));
    }
    Ok(pem.contents)
}

/// The request's subject in rcgen's terms, string types kept. rcgen keeps one value per
/// type: a repeated type goes in as a custom type with the same OID (as the CA names' two
/// OUs do); a third is refused.
fn copy_name(name: &X509Name<'_>) -> Result<DistinguishedName, PortalError> {
    let unsupported = |why: &str| err("portal.subject_unsupported", format!("the request's subject is not supported: {why}"));
    let mut dn = DistinguishedName::new();
    for rdn in name.iter() {
        let mut attrs = rdn.iter();
        let (Some(attr), None) = (attrs.next(), attrs.next()) else { return Err(unsupported("multi-valued RDN")) };
        let arcs: Vec<u64> = attr.attr_type().iter().ok_or_else(|| unsupported("attribute OID"))?.collect();
        let data = attr.attr_value().data;
        let text = || std::str::from_utf8(data).map(str::to_owned).map_err(|_| unsupported("not UTF-8"));
        let value = match attr.attr_value().header.tag() {
            Tag::PrintableString => DnValue::PrintableString(text()?.try_into().map_err(|_| unsupported("PrintableString"))?),
            Tag::Ia5String => DnValue::Ia5String(text()?.try_into().map_err(|_| unsupported("IA5String"))?),
            Tag::Utf8String => DnValue::Utf8String(text()?),
            _ => return Err(unsupported("string type")),
        };
        let standard = DnType::from_oid(&arcs);
        let ty = if dn.get(&standard).is_none() {
            standard
        } else if dn.get(&DnType::CustomDnType(arcs.clone())).is_none() {
            DnType::CustomDnType(arcs)
        } else {
            return Err(unsupported("an attribute type repeated three times"));
        };
        dn.push(ty, value);
    }
    Ok(dn)
}

fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("system random");
    // Positive and 16 bytes long, like the real certificates' serials.
    bytes[0] = (bytes[0] & 0x7F) | 0x40;
    SerialNumber::from(bytes.to_vec())
}

fn key_usage(name: &str) -> Result<KeyUsagePurpose, PortalError> {
    Ok(match name {
        "digitalSignature" => KeyUsagePurpose::DigitalSignature,
        "nonRepudiation" => KeyUsagePurpose::ContentCommitment,
        "keyEncipherment" => KeyUsagePurpose::KeyEncipherment,
        "dataEncipherment" => KeyUsagePurpose::DataEncipherment,
        "keyAgreement" => KeyUsagePurpose::KeyAgreement,
        other => return Err(err("portal.unknown_profile", format!("key usage {other} is not issued"))),
    })
}

fn extended_key_usage(name: &str) -> ExtendedKeyUsagePurpose {
    match name {
        "clientAuth" => ExtendedKeyUsagePurpose::ClientAuth,
        "serverAuth" => ExtendedKeyUsagePurpose::ServerAuth,
        "emailProtection" => ExtendedKeyUsagePurpose::EmailProtection,
        "anyExtendedKeyUsage" => ExtendedKeyUsagePurpose::Any,
        "codeSigning" => ExtendedKeyUsagePurpose::CodeSigning,
        "timeStamping" => ExtendedKeyUsagePurpose::TimeStamping,
        other => ExtendedKeyUsagePurpose::Other(other.split('.').filter_map(|a| a.parse().ok()).collect()),
    }
}

fn ldap(delta: bool) -> String {
    let list = if delta { "deltarevocationlist" } else { "certificaterevocationlist" };
    format!("{LDAP_CA}?{list};binary?base?objectClass=pkiCA")
}

/// CRLDistributionPoints syntax with one full-name URI (also the freshest CRL's).
fn distribution_points(uri: &str) -> Vec<u8> {
    der_tlv(0x30, &der_tlv(0x30, &der_tlv(0xA0, &der_tlv(0xA0, &uri_name(uri)))))
}

fn oid_arcs(dotted: &str) -> Vec<u64> {
    dotted.split('.').filter_map(|a| a.parse().ok()).collect()
}

/// certificatePolicies: each OID, with the CPS URI qualifier when known.
fn policies_extension(oids: &[String], cps_uri: Option<&str>) -> CustomExtension {
    let infos: Vec<u8> = oids
        .iter()
        .flat_map(|oid| {
            let mut info = der_tlv(0x06, &encode_oid(&oid_arcs(oid)));
            if let Some(uri) = cps_uri {
                let cps = der_tlv(0x30, &[der_tlv(0x06, &encode_oid(&[1, 3, 6, 1, 5, 5, 7, 2, 1])), der_tlv(0x16, uri.as_bytes())].concat());
                info.extend(der_tlv(0x30, &cps));
            }
            der_tlv(0x30, &info)
        })
        .collect();
    CustomExtension::from_oid_content(&[2, 5, 29, 32], der_tlv(0x30, &infos))
}
