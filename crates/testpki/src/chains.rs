//! CA hierarchies for path validation tests: well-formed ones (renewals, key rollovers,
//! cross-certificates) and every way a path can break a rule (path length, expired or
//! not-yet-valid CA, CA without keyCertSign, v1 CA, unknown critical extension, duplicate
//! extension, issuer name mismatch). Keys are EC P-256: fast to generate.

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue, IsCa, Issuer, KeyPair, KeyUsagePurpose, SerialNumber, SigningKey,
};
use time::{Duration, OffsetDateTime};

use crate::{der_tlv, Leaf, LeafSpec};

/// An extension no implementation knows (x509-limbo's).
pub const UNKNOWN_EXTENSION: &[u64] = &[1, 3, 6, 1, 4, 1, 55738, 666, 1];

/// One CA certificate to make.
#[derive(Debug, Clone)]
pub struct CaSpec {
    /// Subject: C=FR, O=ASIP-SANTE, OU=IGC-SANTE <ou>, CN=<cn>.
    pub cn: String,
    pub ou: String,
    /// basicConstraints cA (false: an end entity that signs certificates anyway).
    pub ca: bool,
    pub path_len: Option<u8>,
    /// keyUsage keyCertSign (with cRLSign); without it, digitalSignature and cRLSign.
    pub key_cert_sign: bool,
    /// Validity, in days from now (negative: in the past).
    pub starts_in_days: i64,
    pub ends_in_days: i64,
    pub unknown_critical_extension: bool,
    pub duplicate_extension: bool,
    pub serial: u64,
}

impl CaSpec {
    pub fn new(cn: &str) -> Self {
        Self {
            cn: cn.into(),
            ou: "IGC-SANTE".into(),
            ca: true,
            path_len: None,
            key_cert_sign: true,
            starts_in_days: -365,
            ends_in_days: 3650,
            unknown_critical_extension: false,
            duplicate_extension: false,
            serial: 1,
        }
    }

    pub fn path_len(mut self, n: u8) -> Self {
        self.path_len = Some(n);
        self
    }

    /// Expired `days_ago` days ago (after a year of validity).
    pub fn expired(mut self, days_ago: i64) -> Self {
        (self.starts_in_days, self.ends_in_days) = (-days_ago - 365, -days_ago);
        self
    }

    /// Valid from `in_days` days from now.
    pub fn not_yet_valid(mut self, in_days: i64) -> Self {
        (self.starts_in_days, self.ends_in_days) = (in_days, in_days + 3650);
        self
    }

    pub fn without_key_cert_sign(mut self) -> Self {
        self.key_cert_sign = false;
        self
    }

    /// basicConstraints cA=FALSE and a keyUsage of an end entity: a leaf's key.
    pub fn end_entity(mut self) -> Self {
        (self.ca, self.key_cert_sign) = (false, false);
        self
    }

    pub fn with_unknown_critical_extension(mut self) -> Self {
        self.unknown_critical_extension = true;
        self
    }

    pub fn with_duplicate_extension(mut self) -> Self {
        self.duplicate_extension = true;
        self
    }

    pub fn serial(mut self, serial: u64) -> Self {
        self.serial = serial;
        self
    }

    pub fn name(&self) -> DistinguishedName {
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, DnValue::PrintableString("FR".try_into().unwrap()));
        dn.push(DnType::OrganizationName, DnValue::PrintableString("ASIP-SANTE".try_into().unwrap()));
        dn.push(DnType::OrganizationalUnitName, DnValue::PrintableString(self.ou.as_str().try_into().unwrap()));
        dn.push(DnType::CommonName, DnValue::PrintableString(self.cn.as_str().try_into().unwrap()));
        dn
    }

    fn params(&self) -> CertificateParams {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = self.name();
        params.is_ca = match (self.ca, self.path_len) {
            (false, _) => IsCa::ExplicitNoCa,
            (true, None) => IsCa::Ca(BasicConstraints::Unconstrained),
            (true, Some(n)) => IsCa::Ca(BasicConstraints::Constrained(n)),
        };
        params.key_usages = if self.key_cert_sign {
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]
        } else if self.ca {
            vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::CrlSign]
        } else {
            vec![KeyUsagePurpose::DigitalSignature]
        };
        let now = OffsetDateTime::now_utc();
        params.not_before = now + Duration::days(self.starts_in_days);
        params.not_after = now + Duration::days(self.ends_in_days);
        params.serial_number = Some(SerialNumber::from(self.serial.to_be_bytes().to_vec()));
        params.use_authority_key_identifier_extension = true;
        extra_extensions(&mut params, self.unknown_critical_extension, self.duplicate_extension);
        params
    }
}

/// An unknown extension marked critical, and an extension written twice (two identical
/// certificatePolicies), as asked.
pub(crate) fn extra_extensions(params: &mut CertificateParams, unknown_critical: bool, duplicate: bool) {
    if unknown_critical {
        let mut extension = CustomExtension::from_oid_content(UNKNOWN_EXTENSION, vec![0x05, 0x00]);
        extension.set_criticality(true);
        params.custom_extensions.push(extension);
    }
    if duplicate {
        for _ in 0..2 {
            params.custom_extensions.push(crate::policies_extension(&[2, 5, 29, 32, 0]));
        }
    }
}

/// A CA: its certificate, and what it signs with (its name and key).
pub struct Ca {
    pub der: Vec<u8>,
    pub spec: CaSpec,
    key: KeyPair,
}

impl Ca {
    /// A self-signed root.
    pub fn root(spec: CaSpec) -> Self {
        let key = KeyPair::generate().unwrap();
        let der = spec.params().self_signed(&key).unwrap().der().to_vec();
        Self { der, spec, key }
    }

    /// A CA certificate for `spec`, with a new key, signed by this CA.
    pub fn issue_ca(&self, spec: CaSpec) -> Ca {
        let key = KeyPair::generate().unwrap();
        let der = spec.params().signed_by(&key, &self.issuer()).unwrap().der().to_vec();
        Ca { der, spec, key }
    }

    /// A version 1 certificate for a CA named `cn` (no extensions, so no basicConstraints:
    /// RFC 5280 says it is not a CA), signed by this CA.
    pub fn issue_v1_ca(&self, cn: &str) -> Ca {
        let spec = CaSpec::new(cn);
        let key = KeyPair::generate().unwrap();
        let mut params = spec.params();
        params.is_ca = IsCa::NoCa;
        params.key_usages.clear();
        params.custom_extensions.clear();
        params.use_authority_key_identifier_extension = false;
        let v3 = params.signed_by(&key, &self.issuer()).unwrap().der().to_vec();
        Ca { der: as_version_1(&v3, &self.key), spec, key }
    }

    /// A self-signed version 1 root named `cn`.
    pub fn v1_root(cn: &str) -> Self {
        let spec = CaSpec::new(cn);
        let key = KeyPair::generate().unwrap();
        let mut params = spec.params();
        params.is_ca = IsCa::NoCa;
        params.key_usages.clear();
        params.use_authority_key_identifier_extension = false;
        let v3 = params.self_signed(&key).unwrap().der().to_vec();
        Self { der: as_version_1(&v3, &key), spec, key }
    }

    /// The same CA with a new key and a new self-signed certificate: the new root of a key
    /// rollover (see `certify` for the link certificates).
    pub fn rekeyed(&self) -> Ca {
        Ca::root(self.spec.clone().serial(self.spec.serial + 1))
    }

    /// A certificate of `subject`'s name and key signed by this CA: a cross-certificate, or,
    /// between the old and the new key of one CA, a self-issued link certificate
    /// (old-with-new, new-with-old).
    pub fn certify(&self, subject: &Ca) -> Vec<u8> {
        self.certify_as(subject, subject.spec.clone().serial(subject.spec.serial + 100))
    }

    /// A certificate of `subject`'s key made from `spec` (another validity, another
    /// constraint) signed by this CA: a renewal of `subject` that keeps its key.
    pub fn certify_as(&self, subject: &Ca, spec: CaSpec) -> Vec<u8> {
        spec.params().signed_by(&subject.key, &self.issuer()).unwrap().der().to_vec()
    }

    /// A leaf of the IGC-Santé profiles signed by this CA (a P-256 key unless the spec
    /// gives one).
    pub fn issue(&self, spec: &LeafSpec) -> Leaf {
        self.issue_naming(spec, self.spec.name())
    }

    /// A leaf signed by this CA's key whose issuer field says `issuer` (not necessarily
    /// this CA's name).
    pub fn issue_naming(&self, spec: &LeafSpec, issuer: DistinguishedName) -> Leaf {
        let key = spec.key.as_ref().map(|pem| KeyPair::from_pem(pem).unwrap()).unwrap_or_else(|| KeyPair::generate().unwrap());
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = issuer;
        let signer = Issuer::new(params, &self.key);
        let cert = spec.params().signed_by(&key, &signer).unwrap();
        Leaf { cert_pem: cert.pem(), cert_der: cert.der().to_vec(), key_pem: key.serialize_pem() }
    }

    pub fn pem(&self) -> String {
        pem_of(&self.der)
    }

    fn issuer(&self) -> Issuer<'_, &KeyPair> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name = self.spec.name();
        Issuer::new(params, &self.key)
    }
}

pub fn pem_of(der: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = text.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", lines.join("\n"))
}

/// The certificate re-encoded as version 1 (no version field, no extensions) and signed
/// again with `signer`.
fn as_version_1(der: &[u8], signer: &KeyPair) -> Vec<u8> {
    let certificate = elements(content(der));
    let tbs: Vec<u8> = elements(content(certificate[0]))
        .into_iter()
        // [0] version, [1] and [2] unique identifiers, [3] extensions.
        .filter(|element| !matches!(element[0], 0xA0..=0xA3 | 0x81 | 0x82))
        .flatten()
        .copied()
        .collect();
    let tbs = der_tlv(0x30, &tbs);
    let signature = signer.sign(&tbs).unwrap();
    let bits = [&[0u8][..], &signature].concat();
    der_tlv(0x30, &[tbs.as_slice(), certificate[1], &der_tlv(0x03, &bits)].concat())
}

/// The content of the DER element at the start of `der`.
fn content(der: &[u8]) -> &[u8] {
    let (header, len) = header(der);
    &der[header..header + len]
}

/// The DER elements one after the other in `der`, each with its header.
fn elements(mut der: &[u8]) -> Vec<&[u8]> {
    let mut found = Vec::new();
    while !der.is_empty() {
        let (header, len) = header(der);
        found.push(&der[..header + len]);
        der = &der[header + len..];
    }
    found
}

/// Header length and content length of the element at the start of `der`.
fn header(der: &[u8]) -> (usize, usize) {
    match der[1] {
        short if short < 0x80 => (2, short as usize),
        long => {
            let n = (long & 0x7F) as usize;
            (2 + n, der[2..2 + n].iter().fold(0usize, |len, &b| len << 8 | b as usize))
        }
    }
}
