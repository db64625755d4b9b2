//! Card identification by ATR, from the table in `assets/atr.json`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardInterface {
    Contact,
    Contactless,
}

/// One card model of `assets/atr.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct CardModel {
    pub id: String,
    pub family: String,
    pub label_fr: String,
    pub label_en: String,
    pub interface: CardInterface,
    pub can_sign: bool,
    /// As written in the table; compared as bytes.
    pub atr: String,
    #[serde(skip)]
    atr_bytes: Vec<u8>,
}

#[derive(Debug, Clone, Deserialize)]
struct Labels {
    label_fr: String,
    label_en: String,
}

#[derive(Debug, Clone, Deserialize)]
struct AtrTable {
    cards: Vec<CardModel>,
    unrecognized: Labels,
}

fn table() -> &'static AtrTable {
    static TABLE: OnceLock<AtrTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: AtrTable = serde_json::from_str(include_str!("../../assets/atr.json")).expect("atr.json is valid");
        for card in &mut table.cards {
            card.atr_bytes = parse_atr(&card.atr).unwrap_or_else(|| panic!("atr.json: bad ATR for {}", card.id));
        }
        table
    })
}

fn parse_atr(text: &str) -> Option<Vec<u8>> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != ':').collect();
    hex::decode(digits).ok().filter(|b| !b.is_empty())
}

/// The known card models.
pub fn card_models() -> &'static [CardModel] {
    &table().cards
}

/// An ATR as shown to users: uppercase hex, one space between bytes ("3B AC 00 ...").
pub fn atr_hex(atr: &[u8]) -> String {
    atr.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(" ")
}

/// What a card is, from its ATR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CardIdentity {
    /// Uppercase hex, spaced ("3B AC 00 ..."): shown for unrecognized cards.
    pub atr: String,
    pub recognized: bool,
    /// The model's id in atr.json ("cps3_contact"); none when unrecognized.
    pub model: Option<String>,
    /// "CPS3", "CPS4"; none when unrecognized.
    pub family: Option<String>,
    /// "CPS3 (contact)", or "Carte non reconnue".
    pub label_fr: String,
    pub label_en: String,
    pub interface: Option<CardInterface>,
    /// False for the contactless CPS3 and for unrecognized cards (nothing is promised).
    pub can_sign: bool,
}

impl CardIdentity {
    /// The French line for the UI: the label, and the ATR when the card is not recognized.
    pub fn summary_fr(&self) -> String {
        if self.recognized {
            self.label_fr.clone()
        } else {
            format!("{} (ATR : {})", self.label_fr, self.atr)
        }
    }
}

/// Identifies a card by exact ATR match; anything else is "Carte non reconnue".
pub fn identify(atr: &[u8]) -> CardIdentity {
    let table = table();
    match table.cards.iter().find(|c| c.atr_bytes == atr) {
        Some(model) => CardIdentity {
            atr: atr_hex(atr),
            recognized: true,
            model: Some(model.id.clone()),
            family: Some(model.family.clone()),
            label_fr: model.label_fr.clone(),
            label_en: model.label_en.clone(),
            interface: Some(model.interface),
            can_sign: model.can_sign,
        },
        None => CardIdentity {
            atr: atr_hex(atr),
            recognized: false,
            model: None,
            family: None,
            label_fr: table.unrecognized.label_fr.clone(),
            label_en: table.unrecognized.label_en.clone(),
            interface: None,
            can_sign: false,
        },
    }
}
