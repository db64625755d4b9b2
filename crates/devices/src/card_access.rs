//! What the desktop app shows and does with the card: the readers and the token read
//! without a PIN (for the header), and the one action that asks the PIN in this version:
//! "check the card" (log in once, sign a challenge with the authentication key, log out).

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::card::{self, ReaderView};
use crate::token::{self, KeyAlgorithm, SignMechanism, TokenError, TokensView};
use crate::Sensitive;
use certisante_pki::ApiError;

/// The card as the header shows it. Each half may fail on its own: readers without a
/// middleware are still shown, and the other way round.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardStatus {
    pub readers: Vec<ReaderView>,
    pub readers_error: Option<ApiError>,
    pub tokens: Option<TokensView>,
    pub tokens_error: Option<ApiError>,
}

/// Reads readers and tokens; never asks the PIN.
pub fn card_status(module_setting: Option<&Path>) -> CardStatus {
    let (readers, readers_error) = match card::list_readers() {
        Ok(readers) => (readers, None),
        Err(e) => (vec![], Some(e.into())),
    };
    let any_card = readers.iter().any(|r| r.status.has_card());
    // Without a card in a PC/SC reader, Cryptolib CPS is not loaded (it is slow to load and
    // has nothing to say); a module chosen explicitly (setting or environment) is always
    // asked, since it may be a token that needs no reader.
    let explicit_module = module_setting.is_some() || std::env::var_os(token::MODULE_ENV).is_some();
    let (tokens, tokens_error) = if any_card || readers_error.is_some() || explicit_module {
        match token::read_tokens(module_setting) {
            Ok(view) => (Some(view), None),
            Err(e) => (None, Some(e.into())),
        }
    } else {
        (None, None)
    };
    CardStatus { readers, readers_error, tokens, tokens_error }
}

/// Result of a successful card check.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardCheck {
    pub token_label: Option<String>,
    pub holder_name: Option<String>,
    /// CKA_ID of the authentication key that signed.
    pub key_id: String,
    pub mechanism: SignMechanism,
}

/// Logs in once with `pin` (None only for a protected authentication path), signs a
/// random challenge with the authentication key, and logs out (the session is dropped).
pub fn check_card(module_setting: Option<&Path>, slot_id: Option<u64>, pin: Option<&Sensitive<String>>) -> Result<CardCheck, TokenError> {
    let module = token::Module::open(module_setting)?;
    let token = match slot_id {
        Some(id) => module.token(id)?,
        None => module.tokens()?.into_iter().next().ok_or(TokenError::NoToken(0))?,
    };
    let view = token.view()?;
    let session = token.login(pin)?;
    let key = session.authentication_key()?.ok_or_else(|| TokenError::KeyNotFound { id: "…20".into() })?;
    let mechanism = match key.algorithm {
        KeyAlgorithm::Ec => SignMechanism::EcdsaSha256,
        _ => SignMechanism::RsaPkcs1Sha256,
    };
    let key_id = hex::decode(&key.id).map_err(|_| TokenError::KeyNotFound { id: key.id.clone() })?;
    let challenge: Vec<u8> = format!("CertiSanté card check {}", chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()).into_bytes();
    session.sign(&key_id, mechanism, &challenge)?;
    session.logout()?;
    Ok(CardCheck { token_label: view.details.label, holder_name: view.holder.and_then(|h| h.name), key_id: key.id, mechanism })
}
