//! Where an order of CertiSanté stands, as data: its states and their history, and how a
//! certificate is tied to its order (the link the dashboard and the order view share).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where an order is. The order of the variants is the usual path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Draft,
    KeyGenerated,
    CsrExported,
    CertificateImported,
    Installed,
    Renewed,
    Revoked,
    Expired,
    Cancelled,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::KeyGenerated => "key_generated",
            Self::CsrExported => "csr_exported",
            Self::CertificateImported => "certificate_imported",
            Self::Installed => "installed",
            Self::Renewed => "renewed",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        ALL_STATES.into_iter().find(|s| s.as_str() == text)
    }

    /// Waiting for the portal's certificate: its key exists, no certificate yet.
    pub fn awaits_certificate(self) -> bool {
        matches!(self, Self::KeyGenerated | Self::CsrExported)
    }

    /// Has a certificate that may be installed, exported, renewed or revoked.
    pub fn has_certificate(self) -> bool {
        matches!(self, Self::CertificateImported | Self::Installed | Self::Renewed | Self::Expired)
    }
}

const ALL_STATES: [OrderState; 9] = [
    OrderState::Draft,
    OrderState::KeyGenerated,
    OrderState::CsrExported,
    OrderState::CertificateImported,
    OrderState::Installed,
    OrderState::Renewed,
    OrderState::Revoked,
    OrderState::Expired,
    OrderState::Cancelled,
];

/// One state an order went through, with its time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StateChange {
    pub state: OrderState,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
}

/// A certificate's order, as the certificate's details show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OrderLink {
    pub id: String,
    pub state: OrderState,
    pub history: Vec<StateChange>,
    /// What can still be done with the certificate through its order.
    pub can_install: bool,
    pub can_renew: bool,
    pub can_revoke: bool,
    /// A renewal ordered and not installed yet ("renouvellement en cours"): that order.
    pub renewal: Option<OrderStep>,
    /// The certificate that replaced this one, once its renewal was installed.
    pub replaced_by: Option<Replacement>,
}

/// Another order, by id and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OrderStep {
    pub id: String,
    pub state: OrderState,
}

/// The successor of a renewed certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Replacement {
    pub order_id: String,
    pub sha256: String,
    #[ts(type = "string")]
    pub not_after: DateTime<Utc>,
}

impl OrderLink {
    /// The actions a certificate's order allows in its state.
    pub fn new(id: String, state: OrderState, history: Vec<StateChange>) -> Self {
        let live = matches!(state, OrderState::CertificateImported | OrderState::Installed);
        Self {
            id,
            state,
            history,
            can_install: matches!(state, OrderState::CertificateImported | OrderState::Installed | OrderState::Renewed | OrderState::Expired),
            can_renew: live,
            can_revoke: live || state == OrderState::Renewed,
            renewal: None,
            replaced_by: None,
        }
    }
}
