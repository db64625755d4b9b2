//! Chain building and signature verification against trust anchors. The environment
//! of a certificate (PROD, TEST) comes only from the anchor its signatures lead to.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use x509_parser::prelude::*;
use x509_parser::x509::AlgorithmIdentifier;

/// Which IGC-Santé world a trust anchor stands for: a TEST certificate must never be
/// presented as a production one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "UPPERCASE")]
pub enum Environment {
    Prod,
    Test,
    Other,
}

/// A trusted root with the environment it stands for.
#[derive(Debug, Clone)]
pub struct Anchor {
    pub der: Vec<u8>,
    pub environment: Environment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChainStatus {
    /// Every signature up to a trust anchor verified.
    Trusted,
    /// An issuer with the right name is known, but the signature does not verify with its key.
    SignatureInvalid,
    /// No known certificate carries the issuer's name.
    IssuerUnknown,
    /// A self-signed certificate that is not one of the anchors.
    UntrustedRoot,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChainVerdict {
    pub status: ChainStatus,
    pub environment: Environment,
    /// Common names from the certificate's issuer up to the anchor, as verified.
    pub path: Vec<String>,
}

/// What chain verification needs of one certificate, borrowed from its DER: the parts
/// its signature covers and is made of, and its names. Taken from a certificate parsed
/// once (for its facts), so that verifying does not parse it again.
pub struct ChainInput<'a> {
    sha256: [u8; 32],
    tbs: &'a [u8],
    signature_algorithm: AlgorithmIdentifier<'a>,
    signature_value: x509_parser::der_parser::asn1_rs::BitString<'a>,
    /// DER of the subject and issuer names.
    subject: &'a [u8],
    issuer: &'a [u8],
}

impl<'a> ChainInput<'a> {
    pub fn new(cert: &X509Certificate<'a>, sha256: [u8; 32]) -> Self {
        Self {
            sha256,
            // The first element of the Certificate SEQUENCE (an empty slice, which no
            // signature verifies, cannot happen for a certificate that parsed).
            tbs: tbs_of(cert.as_raw()).unwrap_or_default(),
            signature_algorithm: cert.signature_algorithm.clone(),
            signature_value: cert.signature_value.clone(),
            subject: cert.tbs_certificate.subject.as_raw(),
            issuer: cert.tbs_certificate.issuer.as_raw(),
        }
    }

    fn verify_signature(&self, issuer_spki: &[u8]) -> bool {
        let Ok((_, spki)) = SubjectPublicKeyInfo::from_der(issuer_spki) else { return false };
        x509_parser::verify::verify_signature(&spki, &self.signature_algorithm, &self.signature_value, self.tbs).is_ok()
    }
}

fn tbs_of(certificate: &[u8]) -> Option<&[u8]> {
    let (outer, _) = crate::der::read(certificate).ok()?;
    let (tbs, _) = crate::der::read(outer.content).ok()?;
    Some(tbs.raw)
}

/// The loose name keys of one certificate, each computed at most once, and only when
/// raw name bytes did not settle the question.
struct NameKeys<'t> {
    input: &'t ChainInput<'t>,
    /// The subject and issuer as `X509Name`'s `Display` writes them, when already known.
    texts: Option<(&'t str, &'t str)>,
    subject: OnceCell<String>,
    issuer: OnceCell<String>,
}

impl<'t> NameKeys<'t> {
    fn new(input: &'t ChainInput<'t>, texts: Option<(&'t str, &'t str)>) -> Self {
        Self { input, texts, subject: OnceCell::new(), issuer: OnceCell::new() }
    }

    fn subject(&self) -> &str {
        self.subject.get_or_init(|| match self.texts {
            Some((subject, _)) => normalize(subject),
            None => raw_name_key(self.input.subject),
        })
    }

    fn issuer(&self) -> &str {
        self.issuer.get_or_init(|| match self.texts {
            Some((_, issuer)) => normalize(issuer),
            None => raw_name_key(self.input.issuer),
        })
    }

    /// Subject and issuer name the same entity (compared loosely).
    fn self_issued(&self) -> bool {
        self.input.subject == self.input.issuer || self.subject() == self.issuer()
    }

    /// `self_issued`, knowing a loose key equal to the issuer's: that of the subject of a
    /// candidate issuer, found by the issuer's name.
    fn self_issued_given(&self, issuer_key: &str) -> bool {
        self.input.subject == self.input.issuer || self.subject() == issuer_key
    }
}

struct PoolEntry {
    der: Vec<u8>,
    sha256: [u8; 32],
    /// DER of the SubjectPublicKeyInfo: what a signature it made is checked with.
    spki: Vec<u8>,
    /// Loose key of the subject name (equal to the loose key of the issuer name of any
    /// certificate it is a candidate for).
    subject_key: String,
    common_name: String,
}

/// Verifies chains; intermediate results are remembered, so the thousand leaves of one
/// CA cost one verification of that CA.
pub struct ChainVerifier {
    anchors: HashMap<[u8; 32], Environment>,
    pool: Vec<PoolEntry>,
    pool_index: HashMap<[u8; 32], usize>,
    /// Pool entries by the DER of their subject name: the usual, exact match.
    by_raw_subject: HashMap<Vec<u8>, Vec<usize>>,
    /// Pool entries by loose subject key: the fallback when raw bytes differ.
    by_subject: HashMap<String, Vec<usize>>,
    memo: Mutex<HashMap<[u8; 32], Option<VerifiedPath>>>,
}

const MAX_DEPTH: usize = 8;

/// Where a verified chain leads, and the common names on the way.
type VerifiedPath = (Environment, Vec<String>);

impl ChainVerifier {
    pub fn new(anchors: Vec<Anchor>, intermediates: Vec<Vec<u8>>) -> Self {
        let mut verifier = Self {
            anchors: HashMap::new(),
            pool: vec![],
            pool_index: HashMap::new(),
            by_raw_subject: HashMap::new(),
            by_subject: HashMap::new(),
            memo: Mutex::new(HashMap::new()),
        };
        for anchor in anchors {
            let sha256: [u8; 32] = Sha256::digest(&anchor.der).into();
            verifier.add_to_pool(&anchor.der);
            verifier.anchors.entry(sha256).or_insert(anchor.environment);
        }
        for der in intermediates {
            verifier.add_to_pool(&der);
        }
        verifier
    }

    /// Makes a CA certificate found during a scan available as an issuer.
    pub fn add_to_pool(&mut self, der: &[u8]) {
        let Ok((_, cert)) = parse_x509_certificate(der) else { return };
        let sha256: [u8; 32] = Sha256::digest(der).into();
        if self.pool_index.contains_key(&sha256) {
            return;
        }
        let entry = PoolEntry {
            der: der.to_vec(),
            sha256,
            spki: cert.public_key().raw.to_vec(),
            subject_key: name_key(cert.subject()),
            common_name: common_name(&cert),
        };
        let index = self.pool.len();
        self.by_raw_subject.entry(cert.subject().as_raw().to_vec()).or_default().push(index);
        self.by_subject.entry(entry.subject_key.clone()).or_default().push(index);
        self.pool_index.insert(sha256, index);
        self.pool.push(entry);
    }

    /// The certificate of the CA that issued `der`: a known certificate named by its
    /// issuer (exact DER first, then loosely) whose key verifies its signature. Whether
    /// that CA leads to an anchor is `verify`'s business.
    pub fn issuer_of(&self, der: &[u8]) -> Option<Vec<u8>> {
        let (_, cert) = parse_x509_certificate(der).ok()?;
        let input = ChainInput::new(&cert, Sha256::digest(der).into());
        let signed = |index: &usize| {
            let entry = &self.pool[*index];
            entry.sha256 != input.sha256 && input.verify_signature(&entry.spki)
        };
        let exact = self.by_raw_subject.get(input.issuer).map(Vec::as_slice).unwrap_or(&[]);
        let found = exact.iter().find(|i| signed(i)).or_else(|| {
            let keys = NameKeys::new(&input, None);
            self.by_subject.get(keys.issuer()).and_then(|loose| loose.iter().find(|i| !exact.contains(i) && signed(i)))
        });
        found.map(|&index| self.pool[index].der.clone())
    }

    pub fn verify(&self, der: &[u8]) -> ChainVerdict {
        let Ok((_, cert)) = parse_x509_certificate(der) else {
            return ChainVerdict { status: ChainStatus::IssuerUnknown, environment: Environment::Other, path: vec![] };
        };
        self.verify_input(&ChainInput::new(&cert, Sha256::digest(der).into()), None)
    }

    /// `verify` for a certificate already parsed; `names` are its subject and issuer as
    /// `X509Name`'s `Display` writes them (`CertificateFacts::subject`, `issuer`), if known.
    pub fn verify_input(&self, input: &ChainInput<'_>, names: Option<(&str, &str)>) -> ChainVerdict {
        if let Some(&environment) = self.anchors.get(&input.sha256) {
            return ChainVerdict { status: ChainStatus::Trusted, environment, path: vec![] };
        }
        match self.issuer_path(input, names, 0) {
            Ok((environment, path)) => ChainVerdict { status: ChainStatus::Trusted, environment, path },
            Err(status) => ChainVerdict { status, environment: Environment::Other, path: vec![] },
        }
    }

    /// Finds an issuer whose key verifies `input`'s signature and that leads to an anchor.
    /// Candidates whose subject has the issuer's exact DER come first; those whose name
    /// only matches loosely are tried when none of them did.
    fn issuer_path(&self, input: &ChainInput<'_>, names: Option<(&str, &str)>, depth: usize) -> Result<(Environment, Vec<String>), ChainStatus> {
        let keys = NameKeys::new(input, names);
        let exact = self.by_raw_subject.get(input.issuer).map(Vec::as_slice).unwrap_or(&[]);
        let mut worst = ChainStatus::SignatureInvalid;
        for &index in exact {
            if let Some(found) = self.try_issuer(input, &keys, index, depth, &mut worst) {
                return Ok(found);
            }
        }
        let loose = self.by_subject.get(keys.issuer()).map(Vec::as_slice).unwrap_or(&[]);
        let mut tried = exact.len();
        for &index in loose.iter().filter(|i| !exact.contains(i)) {
            tried += 1;
            if let Some(found) = self.try_issuer(input, &keys, index, depth, &mut worst) {
                return Ok(found);
            }
        }
        if tried == 0 {
            return Err(if keys.self_issued() { ChainStatus::UntrustedRoot } else { ChainStatus::IssuerUnknown });
        }
        Err(worst)
    }

    /// One candidate issuer: its key must verify the signature, and it must be an anchor
    /// or lead to one.
    fn try_issuer(
        &self,
        input: &ChainInput<'_>,
        keys: &NameKeys<'_>,
        index: usize,
        depth: usize,
        worst: &mut ChainStatus,
    ) -> Option<(Environment, Vec<String>)> {
        let issuer = &self.pool[index];
        if !input.verify_signature(&issuer.spki) {
            return None;
        }
        if let Some(&environment) = self.anchors.get(&issuer.sha256) {
            return Some((environment, vec![issuer.common_name.clone()]));
        }
        if depth >= MAX_DEPTH || keys.self_issued_given(&issuer.subject_key) {
            *worst = ChainStatus::UntrustedRoot;
            return None;
        }
        match self.verified_pool_entry(issuer, depth) {
            Some((environment, mut path)) => {
                path.insert(0, issuer.common_name.clone());
                Some((environment, path))
            }
            None => {
                *worst = ChainStatus::IssuerUnknown;
                None
            }
        }
    }

    fn verified_pool_entry(&self, entry: &PoolEntry, depth: usize) -> Option<(Environment, Vec<String>)> {
        if let Some(known) = self.memo.lock().unwrap_or_else(|e| e.into_inner()).get(&entry.sha256) {
            return known.clone();
        }
        // Once per pool entry (per thread racing for it): parse it to follow its own issuer.
        let result =
            parse_x509_certificate(&entry.der).ok().and_then(|(_, cert)| self.issuer_path(&ChainInput::new(&cert, entry.sha256), None, depth + 1).ok());
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).insert(entry.sha256, result.clone());
        result
    }
}

/// Names compare as RFC 5280 asks, loosely: string types, case and spacing do not
/// matter. A forgery with the same name still fails on the signature.
fn name_key(name: &X509Name<'_>) -> String {
    normalize(&name.to_string())
}

/// The loose key of a name given as `X509Name`'s `Display` writes it.
fn normalize(text: &str) -> String {
    text.to_uppercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The loose key of a name given as DER (taken from a certificate that parsed).
fn raw_name_key(raw: &[u8]) -> String {
    match X509Name::from_der(raw) {
        Ok((_, name)) => name_key(&name),
        // Cannot happen for a name taken from a parsed certificate; never equal to a real key.
        Err(_) => format!("\u{0}{}", hex::encode(raw)),
    }
}

fn common_name(cert: &X509Certificate<'_>) -> String {
    cert.subject().iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(str::to_owned).unwrap_or_else(|| cert.subject().to_string())
}
