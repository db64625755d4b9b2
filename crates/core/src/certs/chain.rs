//! Chain building and signature verification against trust anchors. The environment
//! of a certificate (PROD, TEST) comes only from the anchor its signatures lead to.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;
use x509_parser::prelude::*;

use crate::igc::Environment;

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

struct PoolEntry {
    der: Vec<u8>,
    sha256: [u8; 32],
}

/// Verifies chains; intermediate results are remembered, so the thousand leaves of one
/// CA cost one verification of that CA.
pub struct ChainVerifier {
    anchors: Vec<(PoolEntry, Environment)>,
    pool: Vec<PoolEntry>,
    by_subject: HashMap<String, Vec<usize>>,
    memo: Mutex<HashMap<[u8; 32], Option<(Environment, Vec<String>)>>>,
}

const MAX_DEPTH: usize = 8;

impl ChainVerifier {
    pub fn new(anchors: Vec<Anchor>, intermediates: Vec<Vec<u8>>) -> Self {
        let mut verifier = Self { anchors: vec![], pool: vec![], by_subject: HashMap::new(), memo: Mutex::new(HashMap::new()) };
        for anchor in anchors {
            let entry = PoolEntry { sha256: Sha256::digest(&anchor.der).into(), der: anchor.der };
            verifier.add_to_pool(&entry.der);
            verifier.anchors.push((entry, anchor.environment));
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
        if self.pool.iter().any(|p| p.sha256 == sha256) {
            return;
        }
        let subject = name_key(cert.subject());
        self.pool.push(PoolEntry { der: der.to_vec(), sha256 });
        self.by_subject.entry(subject).or_default().push(self.pool.len() - 1);
    }

    fn anchor_environment(&self, sha256: &[u8; 32]) -> Option<Environment> {
        self.anchors.iter().find(|(a, _)| &a.sha256 == sha256).map(|(_, env)| *env)
    }

    pub fn verify(&self, der: &[u8]) -> ChainVerdict {
        let Ok((_, cert)) = parse_x509_certificate(der) else {
            return ChainVerdict { status: ChainStatus::IssuerUnknown, environment: Environment::Other, path: vec![] };
        };
        let sha256: [u8; 32] = Sha256::digest(der).into();
        if let Some(environment) = self.anchor_environment(&sha256) {
            return ChainVerdict { status: ChainStatus::Trusted, environment, path: vec![] };
        }
        match self.issuer_path(&cert, 0) {
            Ok((environment, path)) => ChainVerdict { status: ChainStatus::Trusted, environment, path },
            Err(status) => ChainVerdict { status, environment: Environment::Other, path: vec![] },
        }
    }

    /// Finds an issuer whose key verifies `cert`'s signature and that leads to an anchor.
    fn issuer_path(&self, cert: &X509Certificate<'_>, depth: usize) -> Result<(Environment, Vec<String>), ChainStatus> {
        let candidates = self.by_subject.get(&name_key(cert.issuer())).map(Vec::as_slice).unwrap_or(&[]);
        let self_issued = name_key(cert.subject()) == name_key(cert.issuer());
        if candidates.is_empty() {
            return Err(if self_issued { ChainStatus::UntrustedRoot } else { ChainStatus::IssuerUnknown });
        }
        let mut worst = ChainStatus::SignatureInvalid;
        for &index in candidates {
            let issuer = &self.pool[index];
            let Ok((_, issuer_cert)) = parse_x509_certificate(&issuer.der) else { continue };
            if cert.verify_signature(Some(issuer_cert.public_key())).is_err() {
                continue;
            }
            match self.anchor_environment(&issuer.sha256) {
                Some(environment) => return Ok((environment, vec![common_name(&issuer_cert)])),
                None if depth >= MAX_DEPTH || self_issued => worst = ChainStatus::UntrustedRoot,
                None => match self.verified_pool_entry(issuer, &issuer_cert, depth) {
                    Some((environment, mut path)) => {
                        path.insert(0, common_name(&issuer_cert));
                        return Ok((environment, path));
                    }
                    None => worst = ChainStatus::IssuerUnknown,
                },
            }
        }
        Err(worst)
    }

    fn verified_pool_entry(&self, entry: &PoolEntry, cert: &X509Certificate<'_>, depth: usize) -> Option<(Environment, Vec<String>)> {
        if let Some(known) = self.memo.lock().unwrap_or_else(|e| e.into_inner()).get(&entry.sha256) {
            return known.clone();
        }
        let result = self.issuer_path(cert, depth + 1).ok();
        self.memo.lock().unwrap_or_else(|e| e.into_inner()).insert(entry.sha256, result.clone());
        result
    }
}

/// Names compare as RFC 5280 asks, loosely: string types, case and spacing do not
/// matter. A forgery with the same name still fails on the signature.
fn name_key(name: &X509Name<'_>) -> String {
    name.to_string().to_uppercase().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn common_name(cert: &X509Certificate<'_>) -> String {
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| cert.subject().to_string())
}
