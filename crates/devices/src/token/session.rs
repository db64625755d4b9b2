//! A logged-in session on the card and signing with its keys (used for TLS client
//! authentication). The session logs out when dropped.

use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use cryptoki::slot::Slot;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use ts_rs::TS;

use super::{ck_error, key_role, KeyRole, Module, TokenError};

/// Signature mechanisms. The message is hashed here, then the card signs the hash with a
/// raw mechanism (CKM_RSA_PKCS, CKM_RSA_PKCS_PSS, CKM_ECDSA): cards' middlewares do not all
/// offer the hash-and-sign mechanisms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignMechanism {
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,
    /// RSASSA-PSS with MGF1 on the same hash and a salt as long as the hash (what TLS 1.3 uses).
    RsaPssSha256,
    RsaPssSha384,
    RsaPssSha512,
    /// ECDSA; the signature is returned DER-encoded (as TLS and X.509 carry it).
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,
}

#[derive(Clone, Copy)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }

    /// DER DigestInfo header preceding the hash in a PKCS#1 v1.5 signature (RFC 8017, 9.2).
    fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            Hash::Sha256 => &[0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20],
            Hash::Sha384 => &[0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30],
            Hash::Sha512 => &[0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40],
        }
    }

    fn mechanism(self) -> MechanismType {
        match self {
            Hash::Sha256 => MechanismType::SHA256,
            Hash::Sha384 => MechanismType::SHA384,
            Hash::Sha512 => MechanismType::SHA512,
        }
    }

    fn mgf(self) -> PkcsMgfType {
        match self {
            Hash::Sha256 => PkcsMgfType::MGF1_SHA256,
            Hash::Sha384 => PkcsMgfType::MGF1_SHA384,
            Hash::Sha512 => PkcsMgfType::MGF1_SHA512,
        }
    }

    fn len(self) -> cryptoki_sys::CK_ULONG {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Pkcs1,
    Pss,
    Ecdsa,
}

impl SignMechanism {
    fn parts(self) -> (Family, Hash) {
        use SignMechanism::*;
        match self {
            RsaPkcs1Sha256 => (Family::Pkcs1, Hash::Sha256),
            RsaPkcs1Sha384 => (Family::Pkcs1, Hash::Sha384),
            RsaPkcs1Sha512 => (Family::Pkcs1, Hash::Sha512),
            RsaPssSha256 => (Family::Pss, Hash::Sha256),
            RsaPssSha384 => (Family::Pss, Hash::Sha384),
            RsaPssSha512 => (Family::Pss, Hash::Sha512),
            EcdsaSha256 => (Family::Ecdsa, Hash::Sha256),
            EcdsaSha384 => (Family::Ecdsa, Hash::Sha384),
            EcdsaSha512 => (Family::Ecdsa, Hash::Sha512),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyAlgorithm {
    Rsa,
    Ec,
    Other,
}

/// A private key of the card, as its public attributes describe it (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrivateKeyInfo {
    /// CKA_ID in lowercase hex.
    pub id: String,
    pub label: Option<String>,
    pub role: KeyRole,
    pub algorithm: KeyAlgorithm,
    /// RSA modulus size, when the token gives it.
    pub bits: Option<u32>,
    pub can_sign: Option<bool>,
    pub sensitive: Option<bool>,
    pub extractable: Option<bool>,
    pub never_extractable: Option<bool>,
    /// The key wants the PIN again before each use (CKA_ALWAYS_AUTHENTICATE).
    pub always_authenticate: Option<bool>,
}

/// A session logged in with the user PIN. Dropping it logs out.
pub struct TokenSession {
    session: Session,
    module: Module,
    slot: Slot,
    /// False once logged out explicitly, so that drop does not log out again.
    logged_in: bool,
}

impl std::fmt::Debug for TokenSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSession").field("module", &self.module.path()).field("slot", &self.slot.id()).finish()
    }
}

impl TokenSession {
    pub(crate) fn new(session: Session, module: Module, slot: Slot) -> Self {
        Self { session, module, slot, logged_in: true }
    }

    pub fn slot_id(&self) -> u64 {
        self.slot.id()
    }

    /// The private keys of the card (their public attributes).
    pub fn private_keys(&self) -> Result<Vec<PrivateKeyInfo>, TokenError> {
        let handles = self.session.find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY)]).map_err(ck_error)?;
        let mut keys = Vec::new();
        for handle in handles {
            keys.push(self.key_info(handle)?);
        }
        keys.sort_by(|a, b| (a.role, &a.id).cmp(&(b.role, &b.id)));
        Ok(keys)
    }

    /// The authentication key (CKA_ID ending in 0x20), if the card has one.
    pub fn authentication_key(&self) -> Result<Option<PrivateKeyInfo>, TokenError> {
        Ok(self.private_keys()?.into_iter().find(|k| k.role == KeyRole::Authentication))
    }

    fn find_key(&self, key_id: &[u8]) -> Result<ObjectHandle, TokenError> {
        let found = self.session.find_objects(&[Attribute::Class(ObjectClass::PRIVATE_KEY), Attribute::Id(key_id.to_vec())]).map_err(ck_error)?;
        found.into_iter().next().ok_or_else(|| TokenError::KeyNotFound { id: hex::encode(key_id) })
    }

    fn key_info(&self, handle: ObjectHandle) -> Result<PrivateKeyInfo, TokenError> {
        let wanted = [
            AttributeType::Id,
            AttributeType::Label,
            AttributeType::KeyType,
            AttributeType::Modulus,
            AttributeType::Sign,
            AttributeType::Sensitive,
            AttributeType::Extractable,
            AttributeType::NeverExtractable,
            AttributeType::AlwaysAuthenticate,
        ];
        let mut info = PrivateKeyInfo {
            id: String::new(),
            label: None,
            role: KeyRole::Other,
            algorithm: KeyAlgorithm::Other,
            bits: None,
            can_sign: None,
            sensitive: None,
            extractable: None,
            never_extractable: None,
            always_authenticate: None,
        };
        for attribute in self.session.get_attributes(handle, &wanted).map_err(ck_error)? {
            match attribute {
                Attribute::Id(id) => {
                    info.role = key_role(&id);
                    info.id = hex::encode(id);
                }
                Attribute::Label(label) => info.label = super::module::padded_text(&label),
                Attribute::KeyType(t) if t == KeyType::RSA => info.algorithm = KeyAlgorithm::Rsa,
                Attribute::KeyType(t) if t == KeyType::EC => info.algorithm = KeyAlgorithm::Ec,
                Attribute::Modulus(m) => {
                    let significant = m.iter().skip_while(|b| **b == 0).count();
                    info.bits = u32::try_from(significant * 8).ok().filter(|b| *b > 0);
                }
                Attribute::Sign(v) => info.can_sign = Some(v),
                Attribute::Sensitive(v) => info.sensitive = Some(v),
                Attribute::Extractable(v) => info.extractable = Some(v),
                Attribute::NeverExtractable(v) => info.never_extractable = Some(v),
                Attribute::AlwaysAuthenticate(v) => info.always_authenticate = Some(v),
                _ => {}
            }
        }
        Ok(info)
    }

    /// The public description of the key `key_id` (raw CKA_ID bytes).
    pub fn private_key(&self, key_id: &[u8]) -> Result<PrivateKeyInfo, TokenError> {
        let handle = self.find_key(key_id)?;
        self.key_info(handle)
    }

    /// Signs `data` with the key `key_id`. RSA keys take the PKCS#1 v1.5 and PSS
    /// mechanisms, EC keys ECDSA (DER signature). A key that wants the PIN at each use is
    /// refused: this session never asks for the PIN again by itself.
    pub fn sign(&self, key_id: &[u8], mechanism: SignMechanism, data: &[u8]) -> Result<Vec<u8>, TokenError> {
        let handle = self.find_key(key_id)?;
        let key = self.key_info(handle)?;
        let (family, hash) = mechanism.parts();
        let fits = match family {
            Family::Pkcs1 | Family::Pss => key.algorithm == KeyAlgorithm::Rsa,
            Family::Ecdsa => key.algorithm == KeyAlgorithm::Ec,
        };
        if !fits {
            return Err(TokenError::MechanismMismatch { mechanism, algorithm: key.algorithm });
        }
        if key.always_authenticate == Some(true) {
            return Err(TokenError::KeyAlwaysAuthenticate { id: key.id });
        }
        if key.can_sign == Some(false) {
            return Err(TokenError::KeyCannotSign { id: key.id });
        }
        let digest = hash.digest(data);
        let (ck_mechanism, input) = match family {
            Family::Pkcs1 => (Mechanism::RsaPkcs, [hash.digest_info_prefix(), &digest].concat()),
            Family::Pss => (Mechanism::RsaPkcsPss(PkcsPssParams { hash_alg: hash.mechanism(), mgf: hash.mgf(), s_len: hash.len().into() }), digest),
            Family::Ecdsa => (Mechanism::Ecdsa, digest),
        };
        let signature = self.session.sign(&ck_mechanism, handle, &input).map_err(sign_error)?;
        match family {
            Family::Ecdsa => ecdsa_raw_to_der(&signature).ok_or(TokenError::Pkcs11 { function: "C_Sign".into(), rv: "malformed ECDSA signature".into() }),
            _ => Ok(signature),
        }
    }

    /// Logs out now, reporting an error (dropping logs out too, silently).
    pub fn logout(mut self) -> Result<(), TokenError> {
        self.logged_in = false;
        let result = self.session.logout().map_err(ck_error);
        self.module.inner.release_login(self.slot.id());
        result
    }
}

impl Drop for TokenSession {
    fn drop(&mut self) {
        if self.logged_in {
            // Errors are moot here: a removed card has already forgotten the login.
            let _ = self.session.logout();
            self.module.inner.release_login(self.slot.id());
        }
        // The session itself closes when its field drops.
    }
}

fn sign_error(e: cryptoki::error::Error) -> TokenError {
    use cryptoki::error::{Error, RvError};
    match e {
        Error::Pkcs11(RvError::UserNotLoggedIn, _) => TokenError::NotLoggedIn,
        Error::Pkcs11(RvError::MechanismInvalid | RvError::MechanismParamInvalid | RvError::FunctionNotSupported, _) => TokenError::MechanismUnsupported,
        other => ck_error(other),
    }
}

/// PKCS#11 ECDSA signatures are r || s; TLS and X.509 want DER `SEQUENCE { r, s }`.
pub(crate) fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return None;
    }
    let integer = |bytes: &[u8]| {
        let bytes = &bytes[bytes.iter().take_while(|b| **b == 0).count().min(bytes.len() - 1)..];
        let mut out = vec![0x02];
        let pad = bytes[0] & 0x80 != 0;
        der_length(&mut out, bytes.len() + usize::from(pad));
        if pad {
            out.push(0);
        }
        out.extend_from_slice(bytes);
        out
    };
    let (r, s) = raw.split_at(raw.len() / 2);
    let body = [integer(r), integer(s)].concat();
    let mut out = vec![0x30];
    der_length(&mut out, body.len());
    out.extend_from_slice(&body);
    Some(out)
}

fn der_length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_signatures_become_der() {
        // r has its high bit set (gets a 0 pad), s has leading zeros (trimmed).
        let mut raw = vec![0x80; 32];
        raw.extend_from_slice(&[0, 0, 0x12]);
        raw.extend_from_slice(&[0x34; 29]);
        let der = ecdsa_raw_to_der(&raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 2 + 33 + 2 + 30, 0x02, 33, 0x00]);
        assert_eq!(&der[37..40], &[0x02, 30, 0x12]);
        // P-521: 132 bytes, the sequence needs a long-form length.
        let der = ecdsa_raw_to_der(&[0x7f; 132]).unwrap();
        assert_eq!(&der[..3], &[0x30, 0x81, 2 * (2 + 66)]);
        assert_eq!(ecdsa_raw_to_der(&[1, 2, 3]), None);
        assert_eq!(ecdsa_raw_to_der(&[0, 0]).unwrap(), vec![0x30, 6, 2, 1, 0, 2, 1, 0]);
    }

    #[test]
    fn digest_info_prefixes_announce_the_hash_length() {
        for hash in [Hash::Sha256, Hash::Sha384, Hash::Sha512] {
            let prefix = hash.digest_info_prefix();
            let hash_len = hash.len() as usize;
            assert_eq!(prefix[prefix.len() - 1] as usize, hash_len);
            assert_eq!(prefix[1] as usize, prefix.len() - 2 + hash_len);
        }
    }
}
