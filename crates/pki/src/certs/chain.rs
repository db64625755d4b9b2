//! Chain building and RFC 5280 path validation against trust anchors. The environment of
//! a certificate (PROD, TEST) comes only from the anchor a valid path leads to.
//!
//! What a path must satisfy (RFC 5280 6.1, checked in `rules` and here):
//! - each certificate's signature verifies with the key of the next one up, whose subject
//!   matches its issuer name (7.1 comparison, `names`);
//! - every CA above the certificate may issue certificates: a v3 certificate with
//!   basicConstraints cA and, if it has a keyUsage, keyCertSign (6.1.4(k)(n)); the anchor's
//!   own certificate is held to the same profile (see `Rules::as_anchor`);
//! - pathLenConstraint of every CA, the anchor's included, counting the non-self-issued
//!   intermediates below it (6.1.4(l)(m));
//! - no certificate of the path, the one verified included, has an extension twice or a
//!   critical extension that is not processed (4.2);
//! - every CA of the path, the anchor included, is within its validity period at the time
//!   of checking; if that is the only failure, the path still says where it leads
//!   (`CaExpired`, `CaNotYetValid`). The verified certificate's own dates are its status's
//!   business (expired, not yet valid), not the chain's.
//!
//! Path building tries every known certificate named like the issuer (binary name first,
//! then 7.1 matches), so that key rollover link certificates, cross-certificates and
//! several certificates of one CA (an expired one and its renewal) are all followed, in
//! whatever order they were found. It is bounded: `MAX_DEPTH` CAs per path,
//! `MAX_CANDIDATES` issuers tried per certificate, and each CA's way up is computed once per
//! position (the memo, which also remembers dead ends), so a pool of many CAs sharing a
//! name and a key costs at most pool × positions × candidates steps, and the signature of
//! each (CA, issuer) pair is verified once.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use x509_parser::prelude::*;
use x509_parser::x509::AlgorithmIdentifier;

use super::names::{name_key, raw_name_key, NameKey};
use super::rules::{Dates, Rules};

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
    /// A valid path up to a trust anchor: every signature and every constraint verified,
    /// every CA of it within its validity period.
    Trusted,
    /// A path up to a trust anchor verified, but one of its CAs (or the anchor) has
    /// expired: not valid now. The environment says where the path leads.
    CaExpired,
    /// As `CaExpired`, with a CA whose validity has not started yet.
    CaNotYetValid,
    /// An issuer with the right name is known, but the signature does not verify with its key.
    SignatureInvalid,
    /// No known certificate carries the issuer's name (or no path from it leads to an anchor).
    IssuerUnknown,
    /// A self-signed certificate that is not one of the anchors (or a path that ends at one).
    UntrustedRoot,
    /// The key that signed it belongs to a certificate that may not issue certificates (no
    /// basicConstraints cA, a v1 certificate, a keyUsage without keyCertSign).
    IssuerNotCa,
    /// A CA of the path allows fewer CAs below it than the path has (pathLenConstraint).
    PathLenExceeded,
    /// A certificate of the path (or the certificate itself) has a critical extension that
    /// is not processed here.
    UnknownCriticalExtension,
    /// A certificate of the path (or the certificate itself) has an extension twice, an
    /// unreadable basicConstraints or keyUsage, or keyCertSign without cA.
    InvalidExtensions,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChainVerdict {
    pub status: ChainStatus,
    pub environment: Environment,
    /// Common names from the certificate's issuer up to the anchor, as verified.
    pub path: Vec<String>,
}

impl ChainVerdict {
    fn failed(status: ChainStatus) -> Self {
        Self { status, environment: Environment::Other, path: vec![] }
    }
}

/// What chain verification needs of one certificate, borrowed from its DER: the parts
/// its signature covers and is made of, its names and its path-validation facts. Taken
/// from a certificate parsed once (for its facts), so that verifying does not parse it again.
pub struct ChainInput<'a> {
    sha256: [u8; 32],
    tbs: &'a [u8],
    signature_algorithm: AlgorithmIdentifier<'a>,
    signature_value: x509_parser::der_parser::asn1_rs::BitString<'a>,
    /// DER of the subject and issuer names.
    subject: &'a [u8],
    issuer: &'a [u8],
    rules: Rules,
    /// 7.1 keys of the names, computed when binary names did not settle the question.
    subject_key: OnceCell<Option<NameKey>>,
    issuer_key: OnceCell<Option<NameKey>>,
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
            rules: Rules::of(cert),
            subject_key: OnceCell::new(),
            issuer_key: OnceCell::new(),
        }
    }

    fn verify_signature(&self, issuer_spki: &[u8]) -> bool {
        let Ok((_, spki)) = SubjectPublicKeyInfo::from_der(issuer_spki) else { return false };
        x509_parser::verify::verify_signature(&spki, &self.signature_algorithm, &self.signature_value, self.tbs).is_ok()
    }

    fn issuer_key(&self) -> Option<&NameKey> {
        self.issuer_key.get_or_init(|| raw_name_key(self.issuer)).as_ref()
    }

    /// Subject and issuer are the same name (7.1).
    fn self_issued(&self) -> bool {
        self.subject == self.issuer || {
            let subject = self.subject_key.get_or_init(|| raw_name_key(self.subject));
            subject.is_some() && subject.as_ref() == self.issuer_key()
        }
    }
}

fn tbs_of(certificate: &[u8]) -> Option<&[u8]> {
    let (outer, _) = crate::der::read(certificate).ok()?;
    let (tbs, _) = crate::der::read(outer.content).ok()?;
    Some(tbs.raw)
}

/// Subject and issuer name the same entity and the certificate's own key verifies its
/// signature: a root (as opposed to a self-issued link certificate of a key rollover,
/// signed by the CA's other key).
pub fn is_self_signed(der: &[u8]) -> bool {
    let Ok((_, cert)) = parse_x509_certificate(der) else { return false };
    let input = ChainInput::new(&cert, [0; 32]);
    input.self_issued() && input.verify_signature(cert.public_key().raw)
}

struct PoolEntry {
    der: Vec<u8>,
    sha256: [u8; 32],
    /// DER of the SubjectPublicKeyInfo: what a signature it made is checked with.
    spki: Vec<u8>,
    /// 7.1 key of the subject name (equal to the key of the issuer name of any certificate
    /// it is a candidate for).
    subject_key: NameKey,
    self_issued: bool,
    /// Self-issued with no sign of another key having signed it: a root. Unless it is an
    /// anchor, only a link certificate can lead on from it, so it is tried last.
    looks_like_root: bool,
    common_name: String,
    rules: Rules,
    /// The environment it stands for when it is a trust anchor.
    anchor: Option<Environment>,
}

/// Where the way up from a certificate leads: a path (pool indices from its issuer up to
/// the anchor), or why none does.
#[derive(Debug, Clone)]
enum Outcome {
    Valid { environment: Environment, path: Vec<usize>, dates: Dates },
    Invalid(ChainStatus),
}

impl Outcome {
    /// Which of two outcomes to report: a valid path first (the one whose CAs are all
    /// within their dates above all), then the failure that got furthest.
    fn rank(&self) -> u8 {
        match self {
            Outcome::Valid { dates: Dates::Valid, .. } => 9,
            Outcome::Valid { dates: Dates::NotYetValid, .. } => 8,
            Outcome::Valid { dates: Dates::Expired, .. } => 7,
            // A signed path reached a CA that broke a rule.
            Outcome::Invalid(
                ChainStatus::PathLenExceeded | ChainStatus::IssuerNotCa | ChainStatus::UnknownCriticalExtension | ChainStatus::InvalidExtensions,
            ) => 4,
            Outcome::Invalid(ChainStatus::UntrustedRoot) => 3,
            Outcome::Invalid(ChainStatus::IssuerUnknown) => 2,
            Outcome::Invalid(_) => 1,
        }
    }

    fn fully_valid(&self) -> bool {
        matches!(self, Outcome::Valid { dates: Dates::Valid, .. })
    }
}

/// Verifies chains; the way up from each CA is remembered, so the thousand leaves of one
/// CA cost one verification of that CA.
pub struct ChainVerifier {
    pool: Vec<PoolEntry>,
    pool_index: HashMap<[u8; 32], usize>,
    /// Pool entries by the DER of their subject name: the usual, exact match.
    by_raw_subject: HashMap<Vec<u8>, Vec<usize>>,
    /// Pool entries by 7.1 subject key: for names encoded differently.
    by_subject: HashMap<NameKey, Vec<usize>>,
    /// The time of checking, in seconds since the epoch.
    time: i64,
    /// The way up from a pool CA, by (index, intermediates below it, of which not
    /// self-issued): what its ancestors' path length constraints see.
    memo: Mutex<HashMap<(usize, u8, u8), Outcome>>,
    /// Whether the key of a pool entry verifies the signature of another: (signed, signer).
    signatures: Mutex<HashMap<(usize, usize), bool>>,
    /// Ways up computed (memo misses): what the memo saves is measured by it.
    ways_up_computed: AtomicUsize,
}

/// CA certificates above the verified one, the anchor included.
const MAX_DEPTH: usize = 8;
/// Issuers tried for one certificate (same-named CAs beyond that are pathological).
const MAX_CANDIDATES: usize = 16;

impl ChainVerifier {
    /// A verifier checking validity periods now (see `at`).
    pub fn new(anchors: Vec<Anchor>, intermediates: Vec<Vec<u8>>) -> Self {
        let mut verifier = Self {
            pool: vec![],
            pool_index: HashMap::new(),
            by_raw_subject: HashMap::new(),
            by_subject: HashMap::new(),
            time: Utc::now().timestamp(),
            memo: Mutex::new(HashMap::new()),
            signatures: Mutex::new(HashMap::new()),
            ways_up_computed: AtomicUsize::new(0),
        };
        for anchor in anchors {
            if let Some(index) = verifier.add(&anchor.der) {
                verifier.pool[index].anchor.get_or_insert(anchor.environment);
            }
        }
        for der in intermediates {
            verifier.add(&der);
        }
        verifier
    }

    /// Checks the validity periods of CAs at `time` instead of now.
    pub fn at(mut self, time: DateTime<Utc>) -> Self {
        self.time = time.timestamp();
        self.memo.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        self
    }

    /// How many times the way up from a CA was computed rather than remembered.
    pub fn ways_up_computed(&self) -> usize {
        self.ways_up_computed.load(Ordering::Relaxed)
    }

    /// Makes a CA certificate found during a scan available as an issuer.
    pub fn add_to_pool(&mut self, der: &[u8]) {
        self.add(der);
    }

    fn add(&mut self, der: &[u8]) -> Option<usize> {
        let (_, cert) = parse_x509_certificate(der).ok()?;
        let sha256: [u8; 32] = Sha256::digest(der).into();
        if let Some(&index) = self.pool_index.get(&sha256) {
            return Some(index);
        }
        let input = ChainInput::new(&cert, sha256);
        let self_issued = input.self_issued();
        let rules = input.rules.clone();
        let looks_like_root = self_issued && rules.authority_key_id.as_ref().is_none_or(|aki| Some(aki) == rules.subject_key_id.as_ref());
        let entry = PoolEntry {
            der: der.to_vec(),
            sha256,
            spki: cert.public_key().raw.to_vec(),
            subject_key: name_key(cert.subject()),
            self_issued,
            looks_like_root,
            common_name: common_name(&cert),
            rules,
            anchor: None,
        };
        let index = self.pool.len();
        self.by_raw_subject.entry(cert.subject().as_raw().to_vec()).or_default().push(index);
        self.by_subject.entry(entry.subject_key.clone()).or_default().push(index);
        self.pool_index.insert(sha256, index);
        self.pool.push(entry);
        // A new issuer may open ways up that were dead ends.
        self.memo.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
        Some(index)
    }

    /// The certificate of the CA that issued `der`: the first CA of its best path, or else
    /// a known certificate named by its issuer whose key verifies its signature. Whether
    /// that CA leads to an anchor is `verify`'s business.
    pub fn issuer_of(&self, der: &[u8]) -> Option<Vec<u8>> {
        let (_, cert) = parse_x509_certificate(der).ok()?;
        let input = ChainInput::new(&cert, Sha256::digest(der).into());
        let own_index = self.pool_index.get(&input.sha256).copied();
        if let Outcome::Valid { path, .. } = self.search(&input, own_index, 0, 0) {
            return Some(self.pool[path[0]].der.clone());
        }
        let found = self.candidates(&input).into_iter().find(|&index| self.pool[index].sha256 != input.sha256 && self.signed(&input, own_index, index));
        found.map(|index| self.pool[index].der.clone())
    }

    pub fn verify(&self, der: &[u8]) -> ChainVerdict {
        let Ok((_, cert)) = parse_x509_certificate(der) else {
            return ChainVerdict::failed(ChainStatus::IssuerUnknown);
        };
        self.verify_input(&ChainInput::new(&cert, Sha256::digest(der).into()))
    }

    /// `verify` for a certificate already parsed.
    pub fn verify_input(&self, input: &ChainInput<'_>) -> ChainVerdict {
        if let Some(problem) = input.rules.own {
            return ChainVerdict::failed(problem);
        }
        let own_index = self.pool_index.get(&input.sha256).copied();
        if let Some(environment) = own_index.and_then(|index| self.pool[index].anchor) {
            return ChainVerdict { status: ChainStatus::Trusted, environment, path: vec![] };
        }
        match self.search(input, own_index, 0, 0) {
            Outcome::Valid { environment, path, dates } => {
                let status = match dates {
                    Dates::Valid => ChainStatus::Trusted,
                    Dates::NotYetValid => ChainStatus::CaNotYetValid,
                    Dates::Expired => ChainStatus::CaExpired,
                };
                ChainVerdict { status, environment, path: path.iter().map(|&index| self.pool[index].common_name.clone()).collect() }
            }
            Outcome::Invalid(status) => ChainVerdict::failed(status),
        }
    }

    /// Known certificates named like `child`'s issuer: binary matches, then 7.1 ones.
    fn candidates(&self, child: &ChainInput<'_>) -> Vec<usize> {
        let mut found: Vec<usize> = self.by_raw_subject.get(child.issuer).cloned().unwrap_or_default();
        found.extend(self.loose_candidates(child, &found));
        found
    }

    fn loose_candidates(&self, child: &ChainInput<'_>, exact: &[usize]) -> Vec<usize> {
        let loose = child.issuer_key().and_then(|key| self.by_subject.get(key)).map(Vec::as_slice).unwrap_or(&[]);
        loose.iter().filter(|index| !exact.contains(index)).copied().collect()
    }

    /// The best way up from `child` (the certificate verified, or the pool CA `child_index`),
    /// its issuer standing above `below` intermediates, `counted` of them not self-issued.
    /// Candidates whose subject has the issuer's exact DER come first; those whose name
    /// only matches per 7.1 are tried when none of them gave a valid path.
    fn search(&self, child: &ChainInput<'_>, child_index: Option<usize>, below: usize, counted: usize) -> Outcome {
        // RFC 5280 4.1.2.4: the issuer name is never empty (and no CA may be named so).
        if child.issuer.len() <= 2 {
            return Outcome::Invalid(ChainStatus::IssuerUnknown);
        }
        let exact = self.by_raw_subject.get(child.issuer).map(Vec::as_slice).unwrap_or(&[]);
        let mut best: Option<Outcome> = None;
        let mut tried = 0;
        for loose in [false, true] {
            let candidates = if loose { self.loose_candidates(child, exact) } else { exact.to_vec() };
            for index in self.ordered(candidates, child) {
                if tried == MAX_CANDIDATES {
                    break;
                }
                tried += 1;
                let outcome = self.through(child, child_index, index, below, counted);
                if outcome.fully_valid() {
                    return outcome;
                }
                if best.as_ref().is_none_or(|best| outcome.rank() > best.rank()) {
                    best = Some(outcome);
                }
            }
        }
        best.unwrap_or_else(|| Outcome::Invalid(if child.self_issued() { ChainStatus::UntrustedRoot } else { ChainStatus::IssuerUnknown }))
    }

    /// The likeliest issuers first: the one whose key identifier the child names, anchors,
    /// CAs valid now, and roots that are not anchors last. Only an order: each is checked.
    fn ordered(&self, mut candidates: Vec<usize>, child: &ChainInput<'_>) -> Vec<usize> {
        candidates.sort_by_key(|&index| {
            let entry = &self.pool[index];
            let other_key = matches!((&child.rules.authority_key_id, &entry.rules.subject_key_id), (Some(aki), Some(ski)) if aki != ski);
            (other_key, entry.anchor.is_none(), entry.rules.dates_at(self.time) != Dates::Valid, entry.looks_like_root && entry.anchor.is_none())
        });
        candidates
    }

    /// The way up from `child` through the pool CA `index`, standing above `below`
    /// intermediates (`counted` of them not self-issued).
    fn through(&self, child: &ChainInput<'_>, child_index: Option<usize>, index: usize, below: usize, counted: usize) -> Outcome {
        let issuer = &self.pool[index];
        if !self.signed(child, child_index, index) {
            return Outcome::Invalid(ChainStatus::SignatureInvalid);
        }
        if let Some(environment) = issuer.anchor {
            if let Some(problem) = issuer.rules.as_anchor.or(issuer.rules.own) {
                return Outcome::Invalid(problem);
            }
            if !issuer.rules.allows_below(counted) {
                return Outcome::Invalid(ChainStatus::PathLenExceeded);
            }
            return Outcome::Valid { environment, path: vec![index], dates: issuer.rules.dates_at(self.time) };
        }
        if issuer.sha256 == child.sha256 {
            // Self-signed, and not an anchor.
            return Outcome::Invalid(ChainStatus::UntrustedRoot);
        }
        if let Some(problem) = issuer.rules.as_intermediate.or(issuer.rules.own) {
            return Outcome::Invalid(problem);
        }
        if !issuer.rules.allows_below(counted) {
            return Outcome::Invalid(ChainStatus::PathLenExceeded);
        }
        if below + 2 > MAX_DEPTH {
            return Outcome::Invalid(ChainStatus::IssuerUnknown);
        }
        match self.above(index, below, counted) {
            Outcome::Valid { environment, mut path, dates } => {
                path.insert(0, index);
                Outcome::Valid { environment, path, dates: dates.max(issuer.rules.dates_at(self.time)) }
            }
            // Its own signature verified: what failed is further up.
            Outcome::Invalid(ChainStatus::SignatureInvalid) => Outcome::Invalid(ChainStatus::IssuerUnknown),
            failed => failed,
        }
    }

    /// The way up from the pool CA `index`, standing above `below` intermediates (`counted`
    /// of them not self-issued): computed once per position.
    fn above(&self, index: usize, below: usize, counted: usize) -> Outcome {
        let key = (index, below as u8, counted as u8);
        if let Some(known) = self.memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return known.clone();
        }
        self.ways_up_computed.fetch_add(1, Ordering::Relaxed);
        let entry = &self.pool[index];
        // Once per position (per thread racing for it): parse it to follow its own issuer.
        let outcome = match parse_x509_certificate(&entry.der) {
            Ok((_, cert)) => self.search(&ChainInput::new(&cert, entry.sha256), Some(index), below + 1, counted + usize::from(!entry.self_issued)),
            Err(_) => Outcome::Invalid(ChainStatus::IssuerUnknown),
        };
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).insert(key, outcome.clone());
        outcome
    }

    /// The key of pool entry `signer` verifies `child`'s signature (remembered between pool
    /// entries).
    fn signed(&self, child: &ChainInput<'_>, child_index: Option<usize>, signer: usize) -> bool {
        let Some(child_index) = child_index else { return child.verify_signature(&self.pool[signer].spki) };
        if let Some(&known) = self.signatures.lock().unwrap_or_else(|e| e.into_inner()).get(&(child_index, signer)) {
            return known;
        }
        let verified = child.verify_signature(&self.pool[signer].spki);
        self.signatures.lock().unwrap_or_else(|e| e.into_inner()).insert((child_index, signer), verified);
        verified
    }
}

fn common_name(cert: &X509Certificate<'_>) -> String {
    cert.subject().iter_common_name().next().and_then(|cn| cn.as_str().ok()).map(str::to_owned).unwrap_or_else(|| cert.subject().to_string())
}
