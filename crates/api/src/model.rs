//! The types front ends see: requests they build and answers they show. Only types: every
//! action is a function of [`crate::Api`], so that no front end bypasses its policy.

pub use certisante_pki::certs::{ChainStatus, ChainVerdict, ContainerFormat, Environment, Integrity};
pub use certisante_pki::csr::{NameSuggestion, OrderRequest, RuleViolation, SubjectFields};
pub use certisante_pki::igc::{IdentifierCheck, Offer, StructureKind, Usage};
pub use certisante_pki::keys::KeyKind;
pub use certisante_pki::revocation::{CrlReason, RevocationFailure, RevocationSource, RevocationState, RevocationStatus};
pub use certisante_pki::view::{CertificateView, Place, PlaceKind, Severity, Status, Thresholds, Warning};
pub use certisante_pki::{ApiError, CodedError, Sensitive};

pub use certisante_devices::card::{CardEvent, CardWatcher, ReaderStatus, ReaderView};
pub use certisante_devices::card_access::{CardCheck, CardStatus};
pub use certisante_devices::doctor::{CheckOutcome, DoctorCheck, DoctorReport};
pub use certisante_devices::install::{P12Encryption, WindowsStore};
pub use certisante_devices::keys::SecretKind;
pub use certisante_devices::token::TokensView;

pub use certisante_pki::order::{OrderLink, OrderStep, Replacement};
pub use certisante_pki::procedure::{KeyRoute, PlatformAddress, Procedure, Role, Teleservice, TeleserviceUse};
pub use certisante_store::alerts::Alert;
pub use certisante_store::audit::{Actor, ActorKind, AuditAction, AuditEntry, AuditProblem, AuditVerdict};
pub use certisante_store::export::ExportFormat;
pub use certisante_store::inventory::{ScanError, ScanProgress, ScanReport};
pub use certisante_store::lifecycle::{
    CsrDestination, ImportOutcome, InstallAdvice, InstallChoices, InstallPlace, InstallRequest, InstallTarget, KeyOrigin, Order, OrderOptions, OrderState,
    PendingOrder, Portal, RevocationReason, StateChange,
};
pub use certisante_store::machine_policy::{MachinePolicy, PolicyError};
pub use certisante_store::places::{LostPlace, ScanSummary};
pub use certisante_store::registry::{WatchKind, WatchedPath};
pub use certisante_store::revocation::{RefreshSummary, RefreshedCertificate, RevocationProgress};
pub use certisante_store::settings::Settings;
pub use certisante_store::teleservices::{Habilitation, HabilitationCheck};

pub use crate::dashboard::{Dashboard, Pkcs12Check};
pub use crate::policy::{MachinePolicyView, ReadOnly};
pub use crate::P12Store;

pub use certisante_group::publish::{PublishOutcome, PublishSummary};
pub use certisante_group::read::{
    GroupCertificate, GroupCertificateDetails, GroupHolder, GroupListing, GroupRow, GroupRows, GroupScanError, GroupStatus, WorkstationInfo,
};
pub use certisante_group::schema::InitReport;
pub use certisante_store::group_outbox::{GroupBacklog, GroupFailure};

pub use crate::group::{GroupSettings, GroupView};
pub use crate::supervision::{DesktopReport, NagiosStatus, RevocationFigures, ShownAlert, WatchReport};
pub use certisante_store::alerts::Channel;
pub use certisante_store::notify::{Delivery, DeliveryFailure, DeliveryReport, FailedDelivery, MailSecurity, MailSettings, WebhookSettings};
