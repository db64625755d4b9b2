//! A test PKI shaped like IGC-Santé's: a root and an "ORGANISATIONS" intermediate with
//! the real names (but keys of its own), leaves with the real profiles' subjects and
//! extensions, and every container the application reads. Containers the application
//! must accept from other tools are written by OpenSSL itself (`openssl` on PATH).

use std::path::{Path, PathBuf};
use std::process::Command;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, CustomExtension, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose,
    SanType, SerialNumber, PKCS_RSA_SHA256,
};
use time::{Duration, OffsetDateTime};

pub mod chains;
pub mod portal;
pub mod revocation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    AuthCli,
    Sign,
    Conf,
    SslServ,
}

/// TEST ORG policy and the private extension seen on every real TEST ORG certificate.
const TEST_ORG_POLICY: &[u64] = &[1, 2, 250, 1, 213, 1, 7, 2, 1, 1, 1, 1];
const PRIVATE_EXTENSION: &[u64] = &[1, 2, 250, 1, 71, 1, 2, 5];

pub struct Hierarchy {
    pub root: CertifiedIssuer<'static, KeyPair>,
    pub intermediate: CertifiedIssuer<'static, KeyPair>,
}

/// The real TEST CAs' names: C, O, OU, OU, CN, in that order.
fn igc_name(params: &mut CertificateParams, cn: &str) {
    params.distinguished_name = DistinguishedName::new();
    let dn = &mut params.distinguished_name;
    dn.push(DnType::CountryName, "FR");
    dn.push(DnType::OrganizationName, "ASIP-SANTE");
    dn.push(DnType::OrganizationalUnitName, "0002 187512751");
    // rcgen keeps one value per type: a custom type with OU's OID adds the second OU.
    dn.push(DnType::CustomDnType(vec![2, 5, 4, 11]), "IGC-SANTE TEST");
    dn.push(DnType::CommonName, cn);
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    igc_name(&mut params, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(365);
    params.not_after = now + Duration::days(3650);
    params
}

pub fn rsa_key() -> KeyPair {
    KeyPair::generate_for(&PKCS_RSA_SHA256).expect("RSA key generation")
}

impl Hierarchy {
    /// A TEST-like hierarchy: "TEST AC RACINE IGC-SANTE ELEMENTAIRE" →
    /// "TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS".
    pub fn new() -> Self {
        let root = CertifiedIssuer::self_signed(ca_params("TEST AC RACINE IGC-SANTE ELEMENTAIRE"), rsa_key()).unwrap();
        let intermediate = CertifiedIssuer::signed_by(ca_params("TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS"), rsa_key(), &root).unwrap();
        Self { root, intermediate }
    }

    pub fn root_pem(&self) -> String {
        self.root.pem()
    }

    pub fn intermediate_pem(&self) -> String {
        self.intermediate.pem()
    }

    /// Writes the root (a TEST anchor) and the intermediate (as the product ships the real
    /// ones) where `CERTISANTE_EXTRA_ANCHORS` or `ScanOptions::extra_anchors` finds them.
    pub fn write_anchor_dir(&self, dir: &Path) -> PathBuf {
        std::fs::create_dir_all(dir.join("test")).unwrap();
        std::fs::write(dir.join("test/root.pem"), self.root_pem()).unwrap();
        std::fs::write(dir.join("test/intermediate.pem"), self.intermediate_pem()).unwrap();
        dir.to_path_buf()
    }

    pub fn issue(&self, spec: &LeafSpec) -> Leaf {
        let key = spec.key.as_ref().map(|pem| KeyPair::from_pem(pem).unwrap()).unwrap_or_else(rsa_key);
        let cert = spec.params().signed_by(&key, &self.intermediate).unwrap();
        Leaf { cert_pem: cert.pem(), cert_der: cert.der().to_vec(), key_pem: key.serialize_pem() }
    }

    /// A certificate that names the IGC-Santé intermediate as its issuer but is signed by
    /// an unrelated key: it must never be taken for an IGC-Santé certificate.
    pub fn forged(&self, spec: &LeafSpec) -> Leaf {
        let impostor = CertifiedIssuer::self_signed(ca_params("TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS"), rsa_key()).unwrap();
        let key = rsa_key();
        let cert = spec.params().signed_by(&key, &impostor).unwrap();
        Leaf { cert_pem: cert.pem(), cert_der: cert.der().to_vec(), key_pem: key.serialize_pem() }
    }

    pub fn chain_pem(&self) -> String {
        format!("{}{}", self.intermediate_pem(), self.root_pem())
    }
}

impl Default for Hierarchy {
    fn default() -> Self {
        Self::new()
    }
}

/// One leaf to issue: the real profile's subject and extensions.
#[derive(Clone)]
pub struct LeafSpec {
    pub usage: Usage,
    pub cn: String,
    pub organization: String,
    pub structure_id: String,
    pub state: String,
    /// Validity start and end, in days from now (negative: in the past).
    pub starts_in_days: i64,
    pub ends_in_days: i64,
    /// The privateKeyUsagePeriod's end, in days from now (none: no such extension). ANS's
    /// ORG SIGN certificates carry one ending about 30 days before notAfter.
    pub key_usage_ends_in_days: Option<i64>,
    pub serial: u64,
    /// Reuse this PKCS#8 PEM key instead of generating one (fast corpora).
    pub key: Option<String>,
    /// The OCSP responder named in the AIA extension (none: no AIA).
    pub ocsp_url: Option<String>,
    /// CRL distribution points (none: no CDP extension).
    pub crl_urls: Vec<String>,
    /// An extension no one knows, marked critical (path validation must refuse it).
    pub unknown_critical_extension: bool,
    /// An extension written twice (path validation must refuse it).
    pub duplicate_extension: bool,
}

impl LeafSpec {
    pub fn new(usage: Usage, cn: &str, ends_in_days: i64) -> Self {
        Self {
            usage,
            cn: cn.into(),
            organization: "CENTRE HOSPITALIER DE TEST".into(),
            structure_id: "11B0073160".into(),
            state: "Paris (75)".into(),
            starts_in_days: (ends_in_days - 1095).min(-1),
            ends_in_days,
            key_usage_ends_in_days: None,
            serial: 1,
            key: None,
            ocsp_url: None,
            crl_urls: vec![],
            unknown_critical_extension: false,
            duplicate_extension: false,
        }
    }

    fn params(&self) -> CertificateParams {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        // Start from an empty name: rcgen's default holds a CN that would come first.
        params.distinguished_name = DistinguishedName::new();
        let dn = &mut params.distinguished_name;
        dn.push(DnType::CountryName, "FR");
        dn.push(DnType::StateOrProvinceName, self.state.as_str());
        dn.push(DnType::OrganizationName, self.organization.as_str());
        dn.push(DnType::OrganizationalUnitName, self.structure_id.as_str());
        dn.push(DnType::CommonName, self.cn.as_str());
        let now = OffsetDateTime::now_utc();
        params.not_before = now + Duration::days(self.starts_in_days);
        params.not_after = now + Duration::days(self.ends_in_days);
        params.serial_number = Some(SerialNumber::from(self.serial.to_be_bytes().to_vec()));
        params.use_authority_key_identifier_extension = true;
        let (ku, eku) = match self.usage {
            Usage::AuthCli => (vec![KeyUsagePurpose::DigitalSignature], vec![ExtendedKeyUsagePurpose::ClientAuth]),
            Usage::Sign => (vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment], vec![ExtendedKeyUsagePurpose::EmailProtection]),
            Usage::Conf => (vec![KeyUsagePurpose::KeyEncipherment], vec![ExtendedKeyUsagePurpose::EmailProtection, ExtendedKeyUsagePurpose::Any]),
            Usage::SslServ => (vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment], vec![ExtendedKeyUsagePurpose::ServerAuth]),
        };
        params.key_usages = ku;
        params.extended_key_usages = eku;
        if self.usage == Usage::SslServ {
            params.subject_alt_names = vec![SanType::DnsName(self.cn.clone().try_into().unwrap())];
        } else {
            params.custom_extensions.push(policies_extension(TEST_ORG_POLICY));
        }
        params.custom_extensions.push(CustomExtension::from_oid_content(PRIVATE_EXTENSION, vec![0x04, 0x01, 0x83]));
        if let Some(days) = self.key_usage_ends_in_days {
            params.custom_extensions.push(private_key_usage_period(params.not_before, now + Duration::days(days)));
        }
        if let Some(url) = &self.ocsp_url {
            params.custom_extensions.push(aia_extension(url, None));
        }
        params.crl_distribution_points = self.crl_urls.iter().map(|url| rcgen::CrlDistributionPoint { uris: vec![url.clone()] }).collect();
        chains::extra_extensions(&mut params, self.unknown_critical_extension, self.duplicate_extension);
        params
    }
}

/// privateKeyUsagePeriod (RFC 3280): [0] notBefore and [1] notAfter, GeneralizedTime.
pub(crate) fn private_key_usage_period(not_before: OffsetDateTime, not_after: OffsetDateTime) -> CustomExtension {
    let time =
        |t: OffsetDateTime| format!("{:04}{:02}{:02}{:02}{:02}{:02}Z", t.year(), t.month() as u8, t.day(), t.hour(), t.minute(), t.second()).into_bytes();
    let content = [der_tlv(0x80, &time(not_before)), der_tlv(0x81, &time(not_after))].concat();
    CustomExtension::from_oid_content(&[2, 5, 29, 16], der_tlv(0x30, &content))
}

fn uri_name(uri: &str) -> Vec<u8> {
    der_tlv(0x86, uri.as_bytes())
}

/// authorityInfoAccess: the OCSP responder, and where the issuer's certificate is published.
fn aia_extension(ocsp_url: &str, ca_issuers_url: Option<&str>) -> CustomExtension {
    let access = |method: &[u64], uri: &str| der_tlv(0x30, &[der_tlv(0x06, &encode_oid(method)), uri_name(uri)].concat());
    let mut content = access(&[1, 3, 6, 1, 5, 5, 7, 48, 1], ocsp_url);
    if let Some(url) = ca_issuers_url {
        content.extend(access(&[1, 3, 6, 1, 5, 5, 7, 48, 2], url));
    }
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], der_tlv(0x30, &content))
}

/// certificatePolicies with one policy OID and no qualifier.
fn policies_extension(oid: &[u64]) -> CustomExtension {
    let oid_der = encode_oid(oid);
    let policy_info = der_tlv(0x30, &der_tlv(0x06, &oid_der));
    CustomExtension::from_oid_content(&[2, 5, 29, 32], der_tlv(0x30, &policy_info))
}

fn encode_oid(arcs: &[u64]) -> Vec<u8> {
    let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut bytes = vec![(arc & 0x7F) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            bytes.push(((rest & 0x7F) as u8) | 0x80);
            rest >>= 7;
        }
        bytes.reverse();
        out.extend(bytes);
    }
    out
}

fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

pub struct Leaf {
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
    pub key_pem: String,
}

/// Where each container of one leaf was written.
pub struct Containers {
    pub pem: PathBuf,
    pub der: PathBuf,
    pub p7b_der: PathBuf,
    pub p7b_pem: PathBuf,
    pub pem_with_key: PathBuf,
    pub portal_p12: PathBuf,
    pub aes_p12: PathBuf,
}

fn openssl(args: &[&str]) {
    try_openssl(args).unwrap_or_else(|e| panic!("{e}"));
}

fn try_openssl(args: &[&str]) -> Result<(), String> {
    let output = Command::new("openssl").args(args).output().map_err(|e| format!("openssl could not run: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!("openssl {args:?} failed: {}", String::from_utf8_lossy(&output.stderr).trim()))
}

/// Like the IGC-Santé portal's .p12: 3DES key bag (pbeWithSHA1And3-KeyTripleDES-CBC),
/// certificates not encrypted, SHA-1 MAC, 2048 iterations, localKeyID. `passout` is in
/// OpenSSL's syntax (`pass:...`, `file:...`).
pub fn write_portal_p12(cert_pem: &str, key_pem: &str, chain_pem: &str, passout: &str, out: &Path) -> Result<(), String> {
    let work = tempdir_in(&std::env::temp_dir());
    let result = (|| {
        let file = |name: &str, text: &str| {
            let path = work.join(name);
            std::fs::write(&path, text).map(|_| path.to_str().unwrap().to_owned()).map_err(|e| e.to_string())
        };
        let (cert, key, chain) = (file("cert.pem", cert_pem)?, file("key.pem", key_pem)?, file("chain.pem", chain_pem)?);
        try_openssl(&[
            "pkcs12",
            "-export",
            "-in",
            &cert,
            "-inkey",
            &key,
            "-certfile",
            &chain,
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "NONE",
            "-macalg",
            "sha1",
            "-iter",
            "2048",
            "-passout",
            passout,
            "-out",
            out.to_str().ok_or("the output path is not UTF-8")?,
        ])
    })();
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// A certs-only PKCS#7 (DER) of every certificate in `bundle_pem`, by OpenSSL.
pub fn pkcs7_der(bundle_pem: &str) -> Result<Vec<u8>, String> {
    let work = tempdir_in(&std::env::temp_dir());
    let (bundle, out) = (work.join("bundle.pem"), work.join("out.p7b"));
    let result = std::fs::write(&bundle, bundle_pem).map_err(|e| e.to_string()).and_then(|_| {
        try_openssl(&["crl2pkcs7", "-nocrl", "-certfile", bundle.to_str().unwrap(), "-outform", "DER", "-out", out.to_str().unwrap()])?;
        std::fs::read(&out).map_err(|e| e.to_string())
    });
    let _ = std::fs::remove_dir_all(&work);
    result
}

/// Writes `name.*` in every format into `dir`. The .p12 files are protected by `password`.
pub fn write_containers(dir: &Path, name: &str, leaf: &Leaf, hierarchy: &Hierarchy, password: &str) -> Containers {
    std::fs::create_dir_all(dir).unwrap();
    let path = |ext: &str| dir.join(format!("{name}{ext}"));
    let c = Containers {
        pem: path(".pem"),
        der: path(".cer"),
        p7b_der: path(".p7b"),
        p7b_pem: path("-pem.p7c"),
        pem_with_key: path("-with-key.pem"),
        portal_p12: path("-portal.p12"),
        aes_p12: path("-aes.p12"),
    };
    std::fs::write(&c.pem, format!("Certificat {name}\n{}", leaf.cert_pem)).unwrap();
    std::fs::write(&c.der, &leaf.cert_der).unwrap();
    std::fs::write(&c.pem_with_key, format!("{}{}", leaf.key_pem, leaf.cert_pem)).unwrap();
    let work = tempdir_in(dir);
    let cert_file = work.join("cert.pem");
    let key_file = work.join("key.pem");
    let chain_file = work.join("chain.pem");
    std::fs::write(&cert_file, &leaf.cert_pem).unwrap();
    std::fs::write(&key_file, &leaf.key_pem).unwrap();
    std::fs::write(&chain_file, hierarchy.chain_pem()).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let bundle = work.join("bundle.pem");
    std::fs::write(&bundle, format!("{}{}", leaf.cert_pem, hierarchy.chain_pem())).unwrap();
    openssl(&["crl2pkcs7", "-nocrl", "-certfile", &s(&bundle), "-outform", "DER", "-out", &s(&c.p7b_der)]);
    openssl(&["crl2pkcs7", "-nocrl", "-certfile", &s(&bundle), "-outform", "PEM", "-out", &s(&c.p7b_pem)]);
    let pass = format!("pass:{password}");
    write_portal_p12(&leaf.cert_pem, &leaf.key_pem, &hierarchy.chain_pem(), &pass, &c.portal_p12).unwrap_or_else(|e| panic!("{e}"));
    // OpenSSL 3's default: PBES2/AES-256-CBC for the key and the certificates, SHA-256 MAC.
    openssl(&["pkcs12", "-export", "-in", &s(&cert_file), "-inkey", &s(&key_file), "-certfile", &s(&chain_file), "-passout", &pass, "-out", &s(&c.aes_p12)]);
    std::fs::remove_dir_all(&work).unwrap();
    c
}

fn tempdir_in(dir: &Path) -> PathBuf {
    // The counter keeps threads of one process apart even within one clock tick.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let work = dir.join(format!(".work-{}-{}-{n}", std::process::id(), OffsetDateTime::now_utc().unix_timestamp_nanos()));
    std::fs::create_dir_all(&work).unwrap();
    work
}
