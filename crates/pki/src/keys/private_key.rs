//! Private keys made on this computer for a certificate request: RSA 2048 (every confirmed
//! IGC-Santé software profile) or EC P-256, generated in process by aws-lc (the library
//! rustls already uses here), held as PKCS#8 DER inside a [`Sensitive`].

use std::borrow::Cow;
use std::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::der::{self, DerError, INTEGER, OCTET_STRING, OID, SEQUENCE};
use crate::igc::KeySpec;
use crate::Sensitive;

/// The kinds of key this application makes and accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    Rsa2048,
    EcP256,
}

impl KeyKind {
    /// The kind a profile asks for (`assets/profiles.json`: `{"algorithm": "RSA", "bits": 2048}`).
    pub fn from_profile(spec: &KeySpec) -> Result<KeyKind, KeyError> {
        match (spec.algorithm.trim().to_ascii_uppercase().as_str(), spec.bits) {
            ("RSA", 2048) => Ok(KeyKind::Rsa2048),
            ("EC" | "ECDSA", 256) => Ok(KeyKind::EcP256),
            (algorithm, bits) => Err(KeyError::Unsupported(format!("{algorithm} {bits} bits"))),
        }
    }

    /// How the key is named to a user.
    pub fn label(self) -> &'static str {
        match self {
            KeyKind::Rsa2048 => "RSA 2048",
            KeyKind::EcP256 => "EC P-256",
        }
    }

    /// The signature algorithm a CSR made with this key uses (SHA-256 in both cases).
    pub fn rcgen_algorithm(self) -> &'static rcgen::SignatureAlgorithm {
        match self {
            KeyKind::Rsa2048 => &rcgen::PKCS_RSA_SHA256,
            KeyKind::EcP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
        }
    }
}

/// Why a key could not be made or read. Codes are stable: the UI and scripts match them,
/// never the message. No message ever contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("unsupported key type: {0} (CertiSanté makes and accepts RSA 2048-bit and EC P-256 keys)")]
    Unsupported(String),
    #[error("this is not a readable PKCS#8 (DER) private key: {0}")]
    Invalid(String),
    #[error("generating the {kind} key failed (aws-lc cryptographic library)")]
    Generation { kind: &'static str },
    #[error("the {kind} key could not be made ready to sign the certificate request: {reason}")]
    Signer { kind: &'static str, reason: String },
}

crate::error_codes!(KeyError {
    Self::Unsupported(_) => "keys.unsupported",
    Self::Invalid(_) => "keys.invalid",
    Self::Generation { .. } => "keys.generation_failed",
    Self::Signer { .. } => "keys.signer_failed",
});

/// A private key in memory only while it is made or moved; PKCS#8 DER inside a Sensitive.
///
/// No `Serialize`, no `Display`, and a `Debug` that shows only the kind and the SHA-256
/// of the public key: a key cannot reach a log or a JSON answer by accident.
pub struct PrivateKey {
    kind: KeyKind,
    pkcs8: Sensitive<Vec<u8>>,
    /// SubjectPublicKeyInfo DER, computed once: public, and what matches a certificate.
    spki: Vec<u8>,
}

impl PrivateKey {
    /// A new key, generated in this process: RSA 2048 with e = 65537, or EC P-256.
    pub fn generate(kind: KeyKind) -> Result<PrivateKey, KeyError> {
        let failed = || KeyError::Generation { kind: kind.label() };
        // aws-lc's DER buffers zeroize themselves on drop; the copy goes into a Sensitive.
        let (pkcs8, spki) = match kind {
            KeyKind::Rsa2048 => {
                let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| failed())?;
                let pkcs8 = pair.as_der().map_err(|_| failed())?;
                let spki = pair.public_key().as_der().map_err(|_| failed())?;
                (pkcs8.as_ref().to_vec(), spki.as_ref().to_vec())
            }
            KeyKind::EcP256 => {
                let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).map_err(|_| failed())?;
                let pkcs8 = pair.to_pkcs8v1().map_err(|_| failed())?;
                let spki = pair.public_key().as_der().map_err(|_| failed())?;
                (pkcs8.as_ref().to_vec(), spki.as_ref().to_vec())
            }
        };
        Ok(PrivateKey { kind, pkcs8: Sensitive::new(pkcs8), spki })
    }

    /// Reads a PKCS#8 private key (as [`PrivateKey::pkcs8`] gives it, or from a keystore or a
    /// file) and tells its kind. The bytes are kept as given. Keys of another algorithm or
    /// size are refused with `keys.unsupported`; anything else unreadable with `keys.invalid`.
    pub fn from_pkcs8(der: Sensitive<Vec<u8>>) -> Result<PrivateKey, KeyError> {
        let bytes = der.expose().as_slice();
        let rejected = |e: aws_lc_rs::error::KeyRejected| KeyError::Invalid(e.to_string());
        let (kind, spki) = match pkcs8_algorithm(bytes)? {
            Algorithm::Rsa => {
                if let Some(bits) = rsa_modulus_bits(bytes).filter(|&bits| bits > MAX_RSA_MODULUS_BITS) {
                    return Err(KeyError::Unsupported(format!("RSA {bits} bits")));
                }
                let pair = RsaKeyPair::from_pkcs8(bytes).map_err(rejected)?;
                let bits = pair.public_modulus_len() * 8;
                if bits != 2048 {
                    return Err(KeyError::Unsupported(format!("RSA {bits} bits")));
                }
                let spki = pair.public_key().as_der().map_err(|_| KeyError::Invalid("unreadable RSA public key".into()))?;
                (KeyKind::Rsa2048, spki.as_ref().to_vec())
            }
            Algorithm::EcP256 => {
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, bytes).map_err(rejected)?;
                let spki = pair.public_key().as_der().map_err(|_| KeyError::Invalid("unreadable EC public key".into()))?;
                (KeyKind::EcP256, spki.as_ref().to_vec())
            }
            Algorithm::Other(name) => return Err(KeyError::Unsupported(name)),
        };
        Ok(PrivateKey { kind, pkcs8: der, spki })
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// The PKCS#8 DER, for the keystore and for a .p12 export: keep the borrow short.
    pub fn pkcs8(&self) -> &Sensitive<Vec<u8>> {
        &self.pkcs8
    }

    /// SubjectPublicKeyInfo DER: byte for byte what x509-parser reports as a certificate's
    /// `subject_pki.raw` (and OpenSSL's `pkey -pubout -outform DER`) for this key, so a
    /// certificate is matched to its key by comparing these bytes.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    /// SHA-256 of [`PrivateKey::public_key_der`], lowercase hex: a public name for the key.
    pub fn public_key_sha256(&self) -> String {
        hex::encode(Sha256::digest(&self.spki))
    }

    /// The key as rcgen 0.14 wants it to sign a CSR (`CertificateParams::serialize_request`).
    /// rcgen keeps its own copy of the PKCS#8 bytes, which it does not zeroize: drop the
    /// `KeyPair` as soon as the CSR is made.
    pub fn rcgen_key_pair(&self) -> Result<rcgen::KeyPair, KeyError> {
        let der = rustls_pki_types::PrivatePkcs8KeyDer::from(self.pkcs8.expose().as_slice());
        rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, self.kind.rcgen_algorithm())
            .map_err(|e| KeyError::Signer { kind: self.kind.label(), reason: e.to_string() })
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey").field("kind", &self.kind).field("public_key_sha256", &self.public_key_sha256()).finish_non_exhaustive()
    }
}

enum Algorithm {
    Rsa,
    EcP256,
    /// Readable PKCS#8 of an algorithm (or curve) this application does not use: its name.
    Other(String),
}

/// Largest RSA key handed to aws-lc: only 2048-bit keys are accepted anyway, and checking
/// a key costs modular arithmetic that grows with the cube of its size (aws-lc reads keys
/// up to 16,384 bits, seconds each).
const MAX_RSA_MODULUS_BITS: usize = 4096;

/// The size of a PKCS#8 RSA key's modulus, read from its DER (`None` if unreadable: aws-lc
/// then says why).
fn rsa_modulus_bits(pkcs8: &[u8]) -> Option<usize> {
    let (info, _) = der::expect(pkcs8, SEQUENCE).ok()?;
    let fields = der::children(info.content).ok()?;
    let key = fields.get(2).filter(|f| f.tag == OCTET_STRING)?;
    let (rsa, _) = der::expect(key.content, SEQUENCE).ok()?;
    let (_version, rest) = der::expect(rsa.content, INTEGER).ok()?;
    let (modulus, _) = der::expect(rest, INTEGER).ok()?;
    let digits = modulus.content.iter().skip_while(|&&b| b == 0).count();
    Some(digits * 8)
}

const OID_RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
const OID_PRIME256V1: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];

/// The algorithm of a PKCS#8 PrivateKeyInfo (RFC 5208/5958), read from its outer structure
/// only, so that a well-formed key of another kind says what it is instead of "invalid".
fn pkcs8_algorithm(bytes: &[u8]) -> Result<Algorithm, KeyError> {
    let invalid = |e: DerError| KeyError::Invalid(format!("structure PKCS#8 attendue ({e:?})"));
    let (info, rest) = der::expect(bytes, SEQUENCE).map_err(invalid)?;
    if !rest.is_empty() {
        return Err(KeyError::Invalid("bytes left over after the PKCS#8 structure".into()));
    }
    let fields = der::children(info.content).map_err(invalid)?;
    if let Some(format) = traditional_format(&fields) {
        return Err(KeyError::Invalid(format!("a {format} key, not PKCS#8: convert it with `openssl pkcs8 -topk8 -nocrypt -outform DER`")));
    }
    let shape_ok = fields.len() >= 3 && fields[0].tag == INTEGER && fields[1].tag == SEQUENCE && fields[2].tag == OCTET_STRING;
    if !shape_ok {
        return Err(KeyError::Invalid("not a PKCS#8 PrivateKeyInfo (version, algorithm, key)".into()));
    }
    let algorithm = der::children(fields[1].content).map_err(invalid)?;
    let oid = match algorithm.first() {
        Some(t) if t.tag == OID => t.content,
        _ => return Err(KeyError::Invalid("identifiant d'algorithme absent".into())),
    };
    Ok(match oid {
        OID_RSA_ENCRYPTION => Algorithm::Rsa,
        OID_EC_PUBLIC_KEY => match algorithm.get(1) {
            Some(curve) if curve.tag == OID && curve.content == OID_PRIME256V1 => Algorithm::EcP256,
            Some(curve) if curve.tag == OID => Algorithm::Other(format!("EC, courbe {}", oid_name(curve.content))),
            _ => Algorithm::Other("EC on an unnamed curve".into()),
        },
        other => Algorithm::Other(oid_name(other).into_owned()),
    })
}

/// OpenSSL's "traditional" key files, which users meet: PKCS#1 RSAPrivateKey (nine
/// INTEGERs) and SEC1 ECPrivateKey (version 1, the private key, [0] curve, [1] point).
fn traditional_format(fields: &[der::Tlv<'_>]) -> Option<&'static str> {
    if fields.len() == 9 && fields.iter().all(|f| f.tag == INTEGER) {
        return Some("PKCS#1 (RSA)");
    }
    let sec1 = fields.len() >= 2 && fields[0].tag == INTEGER && fields[0].content == [1] && fields[1].tag == OCTET_STRING;
    sec1.then_some("SEC1 (EC)")
}

/// A readable name for the OIDs a user may meet in a key file; dotted form otherwise.
fn oid_name(oid: &[u8]) -> Cow<'static, str> {
    match oid {
        [0x2B, 0x81, 0x04, 0x00, 0x22] => "P-384".into(),
        [0x2B, 0x81, 0x04, 0x00, 0x23] => "P-521".into(),
        [0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07] => "brainpoolP256r1".into(),
        [0x2B, 0x65, 0x70] => "Ed25519".into(),
        [0x2B, 0x65, 0x71] => "Ed448".into(),
        [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A] => "RSASSA-PSS".into(),
        [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01] => "DSA".into(),
        _ => dotted(oid).into(),
    }
}

fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for &b in oid {
        value = (value << 7) | u64::from(b & 0x7F);
        if b & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    let text: Vec<String> = arcs.iter().map(u64::to_string).collect();
    format!("OID {}", text.join("."))
}
