//! Smart-card readers and CPS cards over PC/SC (pcsc-lite on Linux and macOS, WinSCard on
//! Windows): which readers exist, what is in them, and a [`CardWatcher`] that reports
//! changes as they happen, without polling.
//!
//! Cards are identified by their ATR, exactly, against `assets/atr.json`.

mod atr;
mod watcher;

pub use atr::{atr_hex, card_models, identify, CardIdentity, CardInterface, CardModel};
pub use watcher::{CardEvent, CardWatcher, WatcherOptions, WatcherStats};

use std::ffi::CString;
use std::time::Duration;

use serde::Serialize;
use ts_rs::TS;

/// How to get the PC/SC service back, for the platform this was built for.
#[cfg(target_os = "windows")]
pub const SERVICE_HINT: &str = "Start the Windows « Carte à puce » service (Smart Card, SCardSvr): services.msc, or `sc start SCardSvr` as an administrator. Windows also stops it while no reader is connected: plug the reader in.";
#[cfg(target_os = "macos")]
pub const SERVICE_HINT: &str = "The macOS smart-card service (com.apple.ctkpcscd) is not answering: unplug and plug the reader back in, or restart the Mac.";
#[cfg(not(any(target_os = "windows", target_os = "macos")))]
pub const SERVICE_HINT: &str = "Start pcscd: `sudo systemctl start pcscd.socket` (or run `pcscd` as root); install it if missing (`sudo apt install pcscd`, `sudo dnf install pcsc-lite`).";

/// Why the card layer failed. Codes are stable: the UI and scripts match them, never the
/// message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    #[error("the smart-card service (PC/SC) is not available ({0}). {hint}", hint = SERVICE_HINT)]
    PcscUnavailable(String),
    #[error("no smart-card reader is connected")]
    NoReader,
    #[error("no card in the reader: insert the CPx card")]
    NoCard,
    #[error("smart-card service error: {0}")]
    Pcsc(String),
}

certisante_pki::error_codes!(CardError {
    Self::PcscUnavailable(_) => "card.pcsc_unavailable",
    Self::NoReader => "card.no_reader",
    Self::NoCard => "card.no_card",
    Self::Pcsc(_) => "card.pcsc_error",
});

impl CardError {
    /// What the user can do about it, when there is something to do.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::PcscUnavailable(_) => Some(SERVICE_HINT),
            _ => None,
        }
    }
}

impl From<pcsc::Error> for CardError {
    fn from(e: pcsc::Error) -> Self {
        let text = format!("{e} (0x{:08X})", e as u32);
        match e {
            // CommError is how libpcsclite reports that the link to pcscd broke (it exited).
            pcsc::Error::NoService | pcsc::Error::ServiceStopped | pcsc::Error::CommError => Self::PcscUnavailable(text),
            pcsc::Error::NoReadersAvailable => Self::NoReader,
            pcsc::Error::NoSmartcard | pcsc::Error::RemovedCard => Self::NoCard,
            _ => Self::Pcsc(text),
        }
    }
}

/// What a reader holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReaderStatus {
    Empty,
    CardPresent,
    /// Another application holds the card (shared or exclusive).
    CardInUse,
    /// A card is there but does not answer (no ATR): badly inserted, or broken.
    Mute,
    /// The reader cannot be used (being removed, or its driver failed).
    Unavailable,
}

impl ReaderStatus {
    pub(crate) fn from_state(state: pcsc::State) -> Self {
        use pcsc::State as S;
        if state.intersects(S::UNKNOWN | S::IGNORE | S::UNAVAILABLE) {
            Self::Unavailable
        } else if state.contains(S::PRESENT) {
            if state.contains(S::MUTE) {
                Self::Mute
            } else if state.intersects(S::INUSE | S::EXCLUSIVE) {
                Self::CardInUse
            } else {
                Self::CardPresent
            }
        } else if state.contains(S::EMPTY) {
            Self::Empty
        } else {
            Self::Unavailable
        }
    }

    pub fn has_card(self) -> bool {
        matches!(self, Self::CardPresent | Self::CardInUse | Self::Mute)
    }
}

/// One reader as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReaderView {
    pub name: String,
    pub status: ReaderStatus,
    /// The card's ATR ("3B AC 00 ..."), when a card answered.
    pub atr: Option<String>,
    pub card: Option<CardIdentity>,
}

fn establish() -> Result<pcsc::Context, CardError> {
    pcsc::Context::establish(pcsc::Scope::User).map_err(CardError::from)
}

/// Reader names; no reader is an empty list (pcsc-lite and WinSCard report it as an error).
pub(crate) fn reader_names(ctx: &pcsc::Context) -> Result<Vec<CString>, pcsc::Error> {
    match ctx.list_readers_owned() {
        Ok(names) => Ok(names),
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

/// Every reader, with what it holds. No reader is an empty list; a missing PC/SC service
/// is [`CardError::PcscUnavailable`].
pub fn list_readers() -> Result<Vec<ReaderView>, CardError> {
    let ctx = establish()?;
    // A reader can vanish between listing and reading its state: list again then.
    let mut last = None;
    for _ in 0..3 {
        let names = reader_names(&ctx)?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let mut states: Vec<pcsc::ReaderState> = names.into_iter().map(|n| pcsc::ReaderState::new(n, pcsc::State::UNAWARE)).collect();
        // UNAWARE makes the call return the current state at once.
        match ctx.get_status_change(Some(Duration::ZERO), &mut states) {
            Ok(()) | Err(pcsc::Error::Timeout) => {}
            Err(e @ pcsc::Error::UnknownReader) => {
                last = Some(e);
                continue;
            }
            Err(e) => return Err(e.into()),
        }
        if states.iter().any(|s| s.event_state().intersects(pcsc::State::UNKNOWN | pcsc::State::IGNORE)) {
            last = Some(pcsc::Error::UnknownReader);
            continue;
        }
        return Ok(states.iter().map(reader_view).collect());
    }
    Err(last.map(CardError::from).unwrap_or(CardError::NoReader))
}

fn reader_view(state: &pcsc::ReaderState) -> ReaderView {
    let status = ReaderStatus::from_state(state.event_state());
    let atr = state.atr();
    let card = (status.has_card() && !atr.is_empty()).then(|| identify(atr));
    ReaderView { name: state.name().to_string_lossy().into_owned(), status, atr: card.as_ref().map(|c| c.atr.clone()), card }
}

/// The readers holding a card: [`CardError::NoReader`] when no reader is connected,
/// [`CardError::NoCard`] when no reader holds a card.
pub fn readers_with_card() -> Result<Vec<ReaderView>, CardError> {
    let readers = list_readers()?;
    if readers.is_empty() {
        return Err(CardError::NoReader);
    }
    let with_card: Vec<ReaderView> = readers.into_iter().filter(|r| r.status.has_card()).collect();
    if with_card.is_empty() {
        return Err(CardError::NoCard);
    }
    Ok(with_card)
}

#[cfg(test)]
mod tests;
