//! [`ClientKey`] over the card's authentication key (CKA_ID ending in 0x20), through a
//! logged-in PKCS#11 session of the token module.

use std::sync::Mutex;

use crate::token::{KeyAlgorithm, KeyRole, SignMechanism, Token, TokenError, TokenSession};

use super::{ClientKey, KeyError, SignScheme};

/// Signed once to learn whether the card does RSA-PSS; a constant that no TLS handshake
/// can contain (handshake messages start with fresh randoms).
const PSS_PROBE: &[u8] = b"CertiSante: does this card sign with RSA-PSS?";

const PSS: [SignScheme; 3] = [SignScheme::RsaPssSha256, SignScheme::RsaPssSha384, SignScheme::RsaPssSha512];
const PKCS1: [SignScheme; 3] = [SignScheme::RsaPkcs1Sha256, SignScheme::RsaPkcs1Sha384, SignScheme::RsaPkcs1Sha512];

/// The card's authentication key. Owns the session: dropping the key logs out.
pub struct TokenClientKey {
    // A PKCS#11 session must not be used by two threads at once.
    session: Mutex<TokenSession>,
    key_id: Vec<u8>,
    chain: Vec<Vec<u8>>,
    schemes: Vec<SignScheme>,
}

impl std::fmt::Debug for TokenClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenClientKey").field("key_id", &hex::encode(&self.key_id)).field("schemes", &self.schemes).finish()
    }
}

impl TokenClientKey {
    /// The authentication key of `token` and its certificate, signing through `session`
    /// (logged in on that token). For an RSA key, signs a constant once to find out
    /// whether the card does RSA-PSS (the token module does not list its mechanisms).
    pub fn authentication(token: &Token, session: TokenSession) -> Result<Self, TokenError> {
        let key = session.authentication_key()?.ok_or(TokenError::KeyNotFound { id: "..20".into() })?;
        let key_id = hex::decode(&key.id).map_err(|_| TokenError::KeyNotFound { id: key.id.clone() })?;
        let certificate = token
            .certificates()?
            .into_iter()
            .find(|c| c.role == KeyRole::Authentication && c.id == key_id)
            .ok_or_else(|| TokenError::KeyNotFound { id: format!("certificate {}", key.id) })?;
        let schemes = match key.algorithm {
            KeyAlgorithm::Rsa => {
                if probe_pss(&session, &key_id)? {
                    [PSS, PKCS1].concat()
                } else {
                    PKCS1.to_vec()
                }
            }
            KeyAlgorithm::Ec => {
                let curve = certificate.facts.as_ref().map(|f| f.key_algorithm.as_str());
                match curve {
                    Some("EC P-256") => vec![SignScheme::EcdsaSha256],
                    Some("EC P-384") => vec![SignScheme::EcdsaSha384],
                    _ => Vec::new(),
                }
            }
            KeyAlgorithm::Other => Vec::new(),
        };
        Ok(Self::new(session, key_id, vec![certificate.der], schemes))
    }

    /// A key whose certificate chain and schemes the caller already knows.
    pub fn new(session: TokenSession, key_id: Vec<u8>, chain: Vec<Vec<u8>>, schemes: Vec<SignScheme>) -> Self {
        Self { session: Mutex::new(session), key_id, chain, schemes }
    }

    pub fn key_id(&self) -> &[u8] {
        &self.key_id
    }

    /// Gives the session back (to log out explicitly, or to reuse it).
    pub fn into_session(self) -> TokenSession {
        self.session.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

fn probe_pss(session: &TokenSession, key_id: &[u8]) -> Result<bool, TokenError> {
    match session.sign(key_id, SignMechanism::RsaPssSha256, PSS_PROBE) {
        Ok(_) => Ok(true),
        // Middlewares without PSS answer "mechanism invalid", some a generic failure.
        Err(TokenError::MechanismUnsupported | TokenError::Pkcs11 { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

pub(super) fn key_error(e: TokenError) -> KeyError {
    match e {
        TokenError::CardRemoved | TokenError::NoToken(_) => KeyError::CardRemoved,
        TokenError::NotLoggedIn => KeyError::NotLoggedIn,
        other => KeyError::Failed { code: other.code(), message: other.to_string() },
    }
}

impl ClientKey for TokenClientKey {
    fn certificate_chain(&self) -> Vec<Vec<u8>> {
        self.chain.clone()
    }

    fn schemes(&self) -> Vec<SignScheme> {
        self.schemes.clone()
    }

    fn sign(&self, scheme: SignScheme, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let session = self.session.lock().unwrap_or_else(|e| e.into_inner());
        session.sign(&self.key_id, scheme, message).map_err(key_error)
    }
}
