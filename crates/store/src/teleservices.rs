//! Which téléservices each certificate serves, and what the establishment's technical
//! administrators are habilitated for (form n°413). ANS's good practice is one certificate
//! per téléservice: the listing shows the ties and warns when it is not kept
//! (`view::warn_about_teleservices`); the order wizard warns before ordering outside a
//! recorded habilitation. Both are the user's records: audited, never guessed over.

use std::collections::HashMap;

use chrono::Utc;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{Actor, AuditAction};
use crate::csr::OrderRequest;
use crate::igc::{Offer, Usage};
use crate::procedure;
use crate::registry::{Migration, Registry, RegistryError};
use crate::view::CertificateView;

/// The ties' and habilitations' tables (migration 7).
pub(crate) const SCHEMA: Migration = Migration { owner: "teleservices", sql: include_str!("teleservices.sql") };

#[derive(Debug, thiserror::Error)]
pub enum TeleserviceError {
    #[error("unknown téléservice: {0}")]
    Unknown(String),
    #[error("no certificate with this fingerprint in the registry: {0}")]
    UnknownCertificate(String),
    #[error("not a structure identifier (FINESS or SIRET, with or without the OU's prefix 1 or 3): {0}")]
    StructureInvalid(String),
    #[error(transparent)]
    Registry(#[from] RegistryError),
}

certisante_pki::error_codes!(TeleserviceError {
    Self::Unknown(_) => "teleservice.unknown",
    Self::UnknownCertificate(_) => "teleservice.unknown_certificate",
    Self::StructureInvalid(_) => "habilitation.structure_invalid",
} wraps { Registry(RegistryError) });

impl From<rusqlite::Error> for TeleserviceError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Registry(e.into())
    }
}

type Result<T> = std::result::Result<T, TeleserviceError>;

/// The codes of the wizard's habilitation warning.
pub const CHECK_CODES: &[&str] = &["habilitation.not_recorded"];

/// Habilitation for an offer and usage, for one establishment; `teleservice` None: any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Habilitation {
    /// As in the OU: "1" + FINESS or "3" + SIRET.
    pub structure_id: String,
    pub offer: Offer,
    pub usage: Usage,
    pub teleservice: Option<String>,
    /// Free text: who holds it, when form n°413 was sent...
    #[serde(default)]
    pub note: String,
}

/// What the order wizard says before an order outside the recorded habilitations: a
/// warning, never a refusal (the records may be incomplete; ANS decides).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct HabilitationCheck {
    /// True when a recorded habilitation covers the order.
    pub covered: bool,
    /// Whether anything at all is recorded for the establishment.
    pub establishment_recorded: bool,
    /// The code of the warning when not covered: `habilitation.not_recorded`.
    pub warning: Option<String>,
}

fn check_known(ids: &[String]) -> Result<()> {
    match ids.iter().find(|id| procedure::teleservice(id).is_none()) {
        Some(unknown) => Err(TeleserviceError::Unknown(unknown.clone())),
        None => Ok(()),
    }
}

/// The recorded ties, by certificate (a recorded empty list: "serves none").
pub(crate) fn recorded_ties(conn: &Connection) -> rusqlite::Result<HashMap<String, Vec<String>>> {
    let mut ties: HashMap<String, Vec<String>> = HashMap::new();
    let mut statement = conn.prepare("SELECT c.sha256, t.teleservice FROM teleservice_choices c LEFT JOIN teleservice_ties t ON t.sha256 = c.sha256")?;
    for row in statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))? {
        let (sha256, service) = row?;
        ties.entry(sha256).or_default().extend(service);
    }
    Ok(ties)
}

/// Applies the recorded ties over those read from the CN, in the data's order.
pub(crate) fn apply_ties(views: &mut [CertificateView], recorded: &HashMap<String, Vec<String>>) {
    for view in views {
        if let Some(ties) = recorded.get(&view.sha256) {
            let order = |id: &String| procedure::teleservices().iter().position(|t| &t.id == id).unwrap_or(usize::MAX);
            let mut ties = ties.clone();
            ties.sort_by_key(order);
            view.teleservices = ties;
            view.teleservices_recorded = true;
        }
    }
}

fn normalize_structure(structure_id: &str) -> Result<String> {
    crate::csr::structure_ou(structure_id).ok_or_else(|| TeleserviceError::StructureInvalid(structure_id.trim().to_owned()))
}

impl Registry {
    /// Records the téléservices a certificate serves (replacing what was recorded; an
    /// empty list records "none"), audited in the same transaction.
    pub fn set_teleservices(&self, actor: &Actor, sha256: &str, teleservices: &[String]) -> Result<Vec<String>> {
        check_known(teleservices)?;
        let mut ties: Vec<String> = teleservices.to_vec();
        ties.dedup();
        self.write(|tx| {
            let known: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM certificates WHERE sha256 = ?1)", [sha256], |r| r.get(0))?;
            if !known {
                return Err(TeleserviceError::UnknownCertificate(sha256.to_owned()));
            }
            tx.execute("DELETE FROM teleservice_choices WHERE sha256 = ?1", [sha256])?;
            tx.execute("INSERT INTO teleservice_choices (sha256, recorded_at) VALUES (?1, ?2)", params![sha256, Utc::now().to_rfc3339()])?;
            for service in &ties {
                tx.execute("INSERT OR IGNORE INTO teleservice_ties (sha256, teleservice) VALUES (?1, ?2)", params![sha256, service])?;
            }
            Registry::audit_append_in(tx, actor, AuditAction::TeleservicesRecorded, sha256, serde_json::json!({ "teleservices": ties }))?;
            Ok(())
        })?;
        Ok(ties)
    }

    /// Every recorded habilitation, by establishment, offer and usage.
    pub fn habilitations(&self) -> Result<Vec<Habilitation>> {
        let conn = self.read();
        let mut statement =
            conn.prepare("SELECT structure_id, offer, usage, teleservice, note FROM habilitations ORDER BY structure_id, offer, usage, teleservice")?;
        let rows = statement
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (structure_id, offer, usage, teleservice, note) = row?;
            // A row whose offer or usage this version does not know is skipped, not fatal.
            let (Ok(offer), Ok(usage)) = (serde_json::from_value(offer.into()), serde_json::from_value(usage.into())) else { continue };
            out.push(Habilitation { structure_id, offer, usage, teleservice: (!teleservice.is_empty()).then_some(teleservice), note });
        }
        Ok(out)
    }

    /// Records a habilitation (or updates its note), audited.
    pub fn record_habilitation(&self, actor: &Actor, habilitation: &Habilitation) -> Result<Habilitation> {
        let mut h = habilitation.clone();
        h.structure_id = normalize_structure(&h.structure_id)?;
        check_known(h.teleservice.as_slice())?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO habilitations (structure_id, offer, usage, teleservice, note, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (structure_id, offer, usage, teleservice) DO UPDATE SET note = excluded.note",
                params![h.structure_id, h.offer.as_str(), h.usage.as_str(), h.teleservice.clone().unwrap_or_default(), h.note, Utc::now().to_rfc3339()],
            )?;
            Registry::audit_append_in(tx, actor, AuditAction::HabilitationRecorded, &h.structure_id, serde_json::to_value(&h).unwrap_or_default())?;
            Ok::<_, TeleserviceError>(())
        })?;
        Ok(h)
    }

    /// Removes a recorded habilitation; false when there was none.
    pub fn remove_habilitation(&self, actor: &Actor, habilitation: &Habilitation) -> Result<bool> {
        let structure_id = normalize_structure(&habilitation.structure_id)?;
        self.write(|tx| {
            let removed = tx.execute(
                "DELETE FROM habilitations WHERE structure_id = ?1 AND offer = ?2 AND usage = ?3 AND teleservice = ?4",
                params![structure_id, habilitation.offer.as_str(), habilitation.usage.as_str(), habilitation.teleservice.clone().unwrap_or_default()],
            )? > 0;
            if removed {
                Registry::audit_append_in(tx, actor, AuditAction::HabilitationRemoved, &structure_id, serde_json::to_value(habilitation).unwrap_or_default())?;
            }
            Ok::<_, TeleserviceError>(removed)
        })
    }

    /// Whether a recorded habilitation covers an order for `request`, for `teleservice`
    /// (else the one its CN names, if any).
    pub fn check_habilitation(&self, request: &OrderRequest, teleservice: Option<&str>) -> Result<HabilitationCheck> {
        let teleservice = teleservice.or_else(|| procedure::teleservice_named_by(&request.common_name));
        let wanted = crate::csr::structure_ou(&request.structure_id);
        let all = self.habilitations()?;
        let of_establishment: Vec<&Habilitation> = all.iter().filter(|h| Some(&h.structure_id) == wanted.as_ref()).collect();
        let covered = of_establishment
            .iter()
            .any(|h| h.offer == request.offer && h.usage == request.usage && (h.teleservice.is_none() || h.teleservice.as_deref() == teleservice));
        Ok(HabilitationCheck {
            covered,
            establishment_recorded: !of_establishment.is_empty(),
            warning: (!covered).then(|| "habilitation.not_recorded".to_string()),
        })
    }
}
