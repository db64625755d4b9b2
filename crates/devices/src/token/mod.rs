//! The CPS card through its PKCS#11 module (Cryptolib CPS): finding the module, the
//! cards present, their certificates and holder (read without the PIN), the PIN state, one
//! login per call, and signing with the authentication key.
//!
//! The PIN only ever travels in a [`crate::Sensitive`]: it is never logged, never part of an
//! error, and never sent again by this code. A login makes exactly one `C_Login`; a card
//! known to be locked gets no PIN at all.

mod holder;
mod module;
mod pin;
mod session;

use std::path::Path;
use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, Utc};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::object::{Attribute, AttributeType, CertificateType, ObjectClass};
use cryptoki::session::UserType;
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use serde::Serialize;
use ts_rs::TS;

use crate::certs::CertificateFacts;
use crate::view::{self, Severity, Status, Thresholds, Warning};
use crate::Sensitive;

pub use holder::{CardType, Holder};
pub use module::{default_module_paths, module_choice, ModuleChoice, ModuleSource, MODULE_ENV};
pub use pin::PinStatus;
pub use session::{KeyAlgorithm, PrivateKeyInfo, SignMechanism, TokenSession};

/// Why a card operation failed. Codes are stable: the UI and scripts match them, never the
/// message. No message ever contains a PIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the CPS card middleware (Cryptolib CPS) was not found; tried: {}. Install Cryptolib CPS, or give the path of its PKCS#11 module in the settings or in CERTISANTE_PKCS11_MODULE", .tried.join(", "))]
    ModuleNotFound { tried: Vec<String>, chosen_by: ModuleSource },
    #[error("the PKCS#11 module {path} could not be loaded: {reason}")]
    ModuleNotLoadable { path: String, reason: String },
    #[error("no card in slot {0}")]
    NoToken(u64),
    #[error("the card was removed")]
    CardRemoved,
    #[error("the card's PIN is needed")]
    PinRequired,
    #[error("{}", .status.wrong_pin_message())]
    PinIncorrect { status: PinStatus },
    #[error("the card's PIN is locked: unblock it with the card's unblock code using ANS's card tools (Cryptolib CPS); this application never tries a PIN on a locked card")]
    PinLocked { status: PinStatus },
    #[error("the PIN does not have a length this card accepts{}", length_range(*.min, *.max))]
    PinLength { min: Option<u32>, max: Option<u32> },
    #[error("the card's PIN has expired or must be changed first, with ANS's card tools")]
    PinExpired,
    #[error("the PIN entry was cancelled")]
    LoginCancelled,
    #[error("this application is already logged in to this card; close that session first")]
    AlreadyLoggedIn,
    #[error("the card is no longer logged in (was it removed and reinserted?)")]
    NotLoggedIn,
    #[error("no private key with id {id} on the card")]
    KeyNotFound { id: String },
    #[error("the key {id} asks for the PIN before each use; this application does not use such keys")]
    KeyAlwaysAuthenticate { id: String },
    #[error("the key {id} is not allowed to sign")]
    KeyCannotSign { id: String },
    #[error("the mechanism {mechanism:?} does not fit a {algorithm:?} key")]
    MechanismMismatch { mechanism: SignMechanism, algorithm: KeyAlgorithm },
    #[error("the card does not offer this signature mechanism")]
    MechanismUnsupported,
    #[error("the card middleware answered {rv} to {function}")]
    Pkcs11 { function: String, rv: String },
}

fn length_range(min: Option<u32>, max: Option<u32>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!(" ({min} to {max} characters)"),
        (Some(min), None) => format!(" (at least {min} characters)"),
        (None, Some(max)) => format!(" (at most {max} characters)"),
        (None, None) => String::new(),
    }
}

certisante_pki::error_codes!(TokenError {
    Self::ModuleNotFound { .. } => "token.module_not_found",
    Self::ModuleNotLoadable { .. } => "token.module_not_loadable",
    Self::NoToken(_) => "token.no_token",
    Self::CardRemoved => "token.card_removed",
    Self::PinRequired => "token.pin_required",
    Self::PinIncorrect { .. } => "token.pin_incorrect",
    Self::PinLocked { .. } => "token.pin_locked",
    Self::PinLength { .. } => "token.pin_length",
    Self::PinExpired => "token.pin_expired",
    Self::LoginCancelled => "token.login_cancelled",
    Self::AlreadyLoggedIn => "token.already_logged_in",
    Self::NotLoggedIn => "token.not_logged_in",
    Self::KeyNotFound { .. } => "token.key_not_found",
    Self::KeyAlwaysAuthenticate { .. } => "token.key_always_authenticate",
    Self::KeyCannotSign { .. } => "token.key_cannot_sign",
    Self::MechanismMismatch { .. } => "token.mechanism_mismatch",
    Self::MechanismUnsupported => "token.mechanism_unsupported",
    Self::Pkcs11 { .. } => "token.pkcs11_error",
});

impl TokenError {
    /// The PIN state read right after a refused PIN, for tries-left warnings.
    pub fn pin_status(&self) -> Option<&PinStatus> {
        match self {
            Self::PinIncorrect { status } | Self::PinLocked { status } => Some(status),
            _ => None,
        }
    }
}

/// A PKCS#11 return value from a function, in this module's terms.
pub(crate) fn rv_error(rv: RvError, function: &str) -> TokenError {
    match rv {
        RvError::DeviceRemoved | RvError::TokenNotPresent | RvError::SessionClosed | RvError::SessionHandleInvalid => TokenError::CardRemoved,
        other => TokenError::Pkcs11 { function: function.to_string(), rv: other.to_string() },
    }
}

pub(crate) fn ck_error(e: CkError) -> TokenError {
    match e {
        CkError::Pkcs11(rv, function) => rv_error(rv, &function.to_string()),
        other => TokenError::Pkcs11 { function: "cryptoki".into(), rv: other.to_string() },
    }
}

/// What a key or certificate is for, from its CKA_ID's last byte (Cryptolib CPS's
/// convention, medium confidence): 0x20 authentication, 0x10 signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyRole {
    Authentication,
    Signature,
    Other,
}

pub fn key_role(id: &[u8]) -> KeyRole {
    match id.last() {
        Some(0x20) => KeyRole::Authentication,
        Some(0x10) => KeyRole::Signature,
        _ => KeyRole::Other,
    }
}

/// A loaded PKCS#11 module. Cheap to clone; loaded once per process.
#[derive(Clone)]
pub struct Module {
    inner: Arc<module::Loaded>,
    source: ModuleSource,
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module").field("path", &self.inner.path).field("source", &self.source).finish()
    }
}

/// The module as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ModuleView {
    pub path: String,
    pub source: ModuleSource,
    pub manufacturer: Option<String>,
    pub description: Option<String>,
    pub version: Option<String>,
}

impl Module {
    /// Finds and loads the module: `setting` if given, else `CERTISANTE_PKCS11_MODULE`,
    /// else Cryptolib CPS's usual locations.
    pub fn open(setting: Option<&Path>) -> Result<Self, TokenError> {
        let choice = module_choice(setting);
        let inner = module::open(&choice)?;
        Ok(Self { inner, source: choice.source })
    }

    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub fn source(&self) -> ModuleSource {
        self.source
    }

    pub fn view(&self) -> ModuleView {
        let info = self.inner.ctx.get_library_info().ok();
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        ModuleView {
            path: self.inner.path.display().to_string(),
            source: self.source,
            manufacturer: info.as_ref().and_then(|i| text(i.manufacturer_id())),
            description: info.as_ref().and_then(|i| text(i.library_description())),
            version: info.map(|i| i.library_version().to_string()),
        }
    }

    /// The slots holding a card, in the module's order.
    pub fn tokens(&self) -> Result<Vec<Token>, TokenError> {
        let slots = self.inner.ctx.get_slots_with_token().map_err(ck_error)?;
        Ok(slots.into_iter().map(|slot| Token { module: self.clone(), slot }).collect())
    }

    /// The card in slot `slot_id`.
    pub fn token(&self, slot_id: u64) -> Result<Token, TokenError> {
        self.tokens()?.into_iter().find(|t| t.slot_id() == slot_id).ok_or(TokenError::NoToken(slot_id))
    }
}

/// Where a token's description came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InfoSource {
    /// C_GetTokenInfo.
    Token,
    /// C_GetTokenInfo failed: only the slot's description is known.
    Slot,
}

/// What the token says about itself. `label` is `None` when unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TokenDetails {
    #[ts(type = "number")]
    pub slot_id: u64,
    pub label: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub slot_description: Option<String>,
    pub source: InfoSource,
    /// CKF_TOKEN_INITIALIZED; `None` when unknown.
    pub initialized: Option<bool>,
    pub pin: PinStatus,
}

/// One certificate of the card, read without the PIN.
#[derive(Debug, Clone)]
pub struct TokenCertificate {
    /// CKA_ID, raw.
    pub id: Vec<u8>,
    pub label: Option<String>,
    pub der: Vec<u8>,
    pub role: KeyRole,
    /// `None` when the DER is not a certificate this application can parse.
    pub facts: Option<CertificateFacts>,
}

impl TokenCertificate {
    pub fn id_hex(&self) -> String {
        hex::encode(&self.id)
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct TokenCertificateView {
    /// CKA_ID in lowercase hex.
    pub id: String,
    pub label: Option<String>,
    pub role: KeyRole,
    pub der_base64: String,
    pub sha256: Option<String>,
    pub subject: Option<String>,
    pub issuer: Option<String>,
    #[ts(type = "string | null")]
    pub not_before: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub not_after: Option<DateTime<Utc>>,
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    pub status: Option<Status>,
    pub severity: Option<Severity>,
}

/// Everything the UI shows of one card, read without the PIN.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TokenView {
    pub details: TokenDetails,
    pub holder: Option<Holder>,
    pub certificates: Vec<TokenCertificateView>,
    pub warnings: Vec<Warning>,
}

/// The module and every card present.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TokensView {
    pub module: ModuleView,
    pub tokens: Vec<TokenView>,
}

/// Reads every card present through the module chosen as [`Module::open`] does. Tokens
/// known to be uninitialised (a blank slot of a software token) are left out.
pub fn read_tokens(setting: Option<&Path>) -> Result<TokensView, TokenError> {
    let module = Module::open(setting)?;
    let mut tokens = Vec::new();
    for token in module.tokens()? {
        match token.view() {
            Ok(view) if view.details.initialized == Some(false) => {}
            Ok(view) => tokens.push(view),
            // Pulled out while being read: it is simply not there any more.
            Err(TokenError::CardRemoved) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(TokensView { module: module.view(), tokens })
}

/// One slot with a card.
#[derive(Debug, Clone)]
pub struct Token {
    module: Module,
    slot: Slot,
}

fn details_from_slot(slot_id: u64, slot_description: Option<String>) -> TokenDetails {
    TokenDetails {
        slot_id,
        label: None,
        manufacturer: None,
        model: None,
        serial_number: None,
        slot_description,
        source: InfoSource::Slot,
        initialized: None,
        pin: PinStatus::unknown(),
    }
}

impl Token {
    pub fn slot_id(&self) -> u64 {
        self.slot.id()
    }

    pub fn module(&self) -> &Module {
        &self.module
    }

    /// The token's description and PIN state. When C_GetTokenInfo fails (but the card is
    /// there), falls back to the slot's description with the label and PIN state unknown.
    pub fn details(&self) -> Result<TokenDetails, TokenError> {
        let slot_description = self.module.inner.ctx.get_slot_info(self.slot).ok().map(|s| s.slot_description().trim().to_string()).filter(|s| !s.is_empty());
        match self.module.inner.token_info(self.slot) {
            Ok(info) => Ok(TokenDetails {
                slot_id: self.slot_id(),
                pin: PinStatus::from_flags(info.flags, info.min_pin_len, info.max_pin_len),
                label: info.label,
                manufacturer: info.manufacturer,
                model: info.model,
                serial_number: info.serial_number,
                slot_description,
                source: InfoSource::Token,
                initialized: Some(info.token_initialized),
            }),
            Err(rv @ (RvError::TokenNotPresent | RvError::DeviceRemoved)) => Err(rv_error(rv, "C_GetTokenInfo")),
            Err(_) => Ok(details_from_slot(self.slot_id(), slot_description)),
        }
    }

    pub fn pin_status(&self) -> Result<PinStatus, TokenError> {
        Ok(self.details()?.pin)
    }

    /// The card's certificates (public objects: no PIN), authentication first.
    pub fn certificates(&self) -> Result<Vec<TokenCertificate>, TokenError> {
        let session = self.module.inner.ctx.open_ro_session(self.slot).map_err(ck_error)?;
        let handles = session.find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)]).map_err(ck_error)?;
        let wanted = [AttributeType::Id, AttributeType::Label, AttributeType::Value, AttributeType::CertificateType];
        let mut certificates = Vec::new();
        for handle in handles {
            let (mut id, mut label, mut der, mut x509) = (Vec::new(), None, Vec::new(), true);
            for attribute in session.get_attributes(handle, &wanted).map_err(ck_error)? {
                match attribute {
                    Attribute::Id(v) => id = v,
                    Attribute::Label(v) => label = module::padded_text(&v),
                    Attribute::Value(v) => der = v,
                    Attribute::CertificateType(t) => x509 = t == CertificateType::X_509,
                    _ => {}
                }
            }
            if !x509 || der.is_empty() {
                continue;
            }
            let facts = CertificateFacts::from_der(&der).ok();
            certificates.push(TokenCertificate { role: key_role(&id), id, label, der, facts });
        }
        certificates.sort_by(|a, b| (a.role, &a.id).cmp(&(b.role, &b.id)));
        Ok(certificates)
    }

    /// Details, holder and certificates, as the UI shows them.
    pub fn view(&self) -> Result<TokenView, TokenError> {
        self.view_at(Utc::now(), Thresholds::default())
    }

    pub fn view_at(&self, now: DateTime<Utc>, thresholds: Thresholds) -> Result<TokenView, TokenError> {
        let details = self.details()?;
        let mut warnings = Vec::new();
        let certificates = match self.certificates() {
            Ok(certificates) => certificates,
            Err(TokenError::CardRemoved) => return Err(TokenError::CardRemoved),
            Err(e) => {
                warnings.push(Warning { code: "token.certificates_unreadable".into(), message: e.to_string() });
                Vec::new()
            }
        };
        if details.source == InfoSource::Slot {
            warnings.push(Warning {
                code: "token.info_unreadable".into(),
                message: "the card's description could not be read: its label and PIN state are unknown".into(),
            });
        }
        let views = certificates
            .iter()
            .map(|c| {
                if c.facts.is_none() {
                    warnings.push(Warning {
                        code: "token.certificate_unreadable".into(),
                        message: format!("the certificate {} of the card could not be parsed", c.id_hex()),
                    });
                }
                certificate_view(c, now, thresholds)
            })
            .collect();
        Ok(TokenView { details, holder: holder_from(&certificates), certificates: views, warnings })
    }

    /// Logs in with the user PIN: exactly one C_Login, never retried. `pin` may be `None`
    /// only when the token has a protected authentication path (its pad asks the PIN).
    /// A refused PIN comes back with the PIN state re-read after the refusal.
    pub fn login(&self, pin: Option<&Sensitive<String>>) -> Result<TokenSession, TokenError> {
        let status = self.pin_status()?;
        pin::check_before_login(&status, pin.map(|p| p.expose().len()))?;
        let session = self.module.inner.ctx.open_ro_session(self.slot).map_err(ck_error)?;
        if !self.module.inner.claim_login(self.slot_id()) {
            return Err(TokenError::AlreadyLoggedIn);
        }
        // Copied into cryptoki's own zeroizing secret, allocated at its exact size.
        let secret = pin.map(|p| AuthPin::new(Box::<str>::from(p.expose().as_str())));
        let result = session.login(UserType::User, secret.as_ref());
        drop(secret);
        match result {
            Ok(()) => Ok(TokenSession::new(session, self.module.clone(), self.slot)),
            Err(e) => {
                self.module.inner.release_login(self.slot_id());
                drop(session);
                Err(match e {
                    CkError::Pkcs11(rv, _) => {
                        let fresh = self.pin_status().unwrap_or_else(|_| PinStatus::unknown());
                        pin::login_error(rv, fresh)
                    }
                    other => ck_error(other),
                })
            }
        }
    }
}

/// The card holder, from the authentication certificate (else the signature one, else any
/// that parses), by the rules of `assets/cps-cards.json`.
pub fn holder_from(certificates: &[TokenCertificate]) -> Option<Holder> {
    let mut ordered: Vec<&TokenCertificate> = certificates.iter().collect();
    ordered.sort_by_key(|c| c.role);
    ordered.into_iter().find_map(|c| {
        let (_, cert) = x509_parser::parse_x509_certificate(&c.der).ok()?;
        Some(holder::holder_of(&holder::CertFields::from_parsed(&cert)))
    })
}

fn certificate_view(c: &TokenCertificate, now: DateTime<Utc>, thresholds: Thresholds) -> TokenCertificateView {
    let f = c.facts.as_ref();
    let status = f.map(|f| view::status_of(f, now, thresholds));
    TokenCertificateView {
        id: c.id_hex(),
        label: c.label.clone(),
        role: c.role,
        der_base64: base64::engine::general_purpose::STANDARD.encode(&c.der),
        sha256: f.map(|f| f.sha256.clone()),
        subject: f.map(|f| f.subject.clone()),
        issuer: f.map(|f| f.issuer.clone()),
        not_before: f.map(|f| f.not_before),
        not_after: f.map(|f| f.not_after),
        days_left: status.map(|s| s.2),
        status: status.map(|s| s.0),
        severity: status.map(|s| s.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_cross_threads() {
        // The desktop shell keeps the module in shared state and signs from TLS threads.
        fn send_sync<T: Send + Sync>() {}
        fn send<T: Send>() {}
        send_sync::<Module>();
        send_sync::<Token>();
        send::<TokenSession>();
    }

    #[test]
    fn roles_come_from_the_last_id_byte() {
        assert_eq!(key_role(&[0xcc, 0x20]), KeyRole::Authentication);
        assert_eq!(key_role(&[0x20]), KeyRole::Authentication);
        assert_eq!(key_role(&[0x20, 0x10]), KeyRole::Signature);
        assert_eq!(key_role(&[0x21]), KeyRole::Other);
        assert_eq!(key_role(&[]), KeyRole::Other);
    }

    #[test]
    fn unreadable_token_info_falls_back_to_the_slot() {
        let d = details_from_slot(3, Some("Linux".into()));
        assert_eq!((d.label, d.source, d.pin.known), (None, InfoSource::Slot, false));
        assert_eq!(d.slot_description.as_deref(), Some("Linux"));
        let json = serde_json::to_value(details_from_slot(3, None)).unwrap();
        assert_eq!(json["label"], serde_json::Value::Null);
        assert_eq!(json["source"], "slot");
    }

    #[test]
    fn views_export_to_typescript() {
        use ts_rs::TS;
        let dir = tempfile::tempdir().unwrap();
        TokensView::export_all_to(dir.path()).unwrap();
        PrivateKeyInfo::export_all_to(dir.path()).unwrap();
        SignMechanism::export_all_to(dir.path()).unwrap();
        let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(read("TokenDetails.ts").contains("slot_id: number"));
        assert!(read("CardType.ts").contains(r#""CPS" | "CPE" | "CDE" | "CPA" | "CDA" | "CPF" | "unknown""#), "{}", read("CardType.ts"));
        assert!(read("PinStatus.ts").contains("min_length: number | null"));
        assert!(read("TokenCertificateView.ts").contains("not_after: string | null"));
    }

    #[test]
    fn messages_never_carry_more_than_the_state() {
        let status = PinStatus { known: true, count_low: true, ..PinStatus::default() };
        let e = TokenError::PinIncorrect { status };
        assert_eq!(e.to_string(), "wrong PIN: few tries are left before the card locks");
        let e = TokenError::PinLength { min: Some(4), max: Some(8) };
        assert_eq!(e.to_string(), "the PIN does not have a length this card accepts (4 to 8 characters)");
        let e = TokenError::ModuleNotFound { tried: vec!["/a.so (absent)".into(), "/b.so (absent)".into()], chosen_by: ModuleSource::Default };
        assert!(e.to_string().contains("tried: /a.so (absent), /b.so (absent)"));
    }
}
