//! `doctor`: what the help desk asks first, checked in order, each with what to fix.
//! PC/SC service → readers → card present and recognised → PKCS#11 module → token
//! readable → holder certificate valid. A check that cannot run because an earlier one
//! failed is "skipped", not failed.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::card::{self, CardError};
use crate::token::{self, KeyRole, TokenError};
use crate::view::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    Ok,
    Skipped,
    Warning,
    Failed,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DoctorCheck {
    /// Stable identifier: `pcsc_service`, `readers`, `card`, `pkcs11_module`, `token`, `holder_certificate`.
    pub id: String,
    pub outcome: CheckOutcome,
    /// What was found.
    pub message: String,
    /// What to do about it, when something is wrong.
    pub fix: Option<String>,
    /// The error code behind a warning or failure.
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct DoctorReport {
    pub checks: Vec<DoctorCheck>,
    /// The worst outcome.
    pub outcome: CheckOutcome,
}

fn check(id: &str, outcome: CheckOutcome, message: impl Into<String>, fix: Option<&str>, code: Option<&str>) -> DoctorCheck {
    DoctorCheck { id: id.into(), outcome, message: message.into(), fix: fix.map(str::to_owned), code: code.map(str::to_owned) }
}

fn skipped(id: &str) -> DoctorCheck {
    check(id, CheckOutcome::Skipped, "not checked: an earlier check failed", None, None)
}

/// Runs every check; `module_setting` is the PKCS#11 module path from the settings.
pub fn run(module_setting: Option<&Path>) -> DoctorReport {
    let mut checks = Vec::new();
    card_checks(&mut checks);
    token_checks(&mut checks, module_setting);
    let outcome = checks.iter().map(|c| c.outcome).max().unwrap_or(CheckOutcome::Ok);
    DoctorReport { checks, outcome }
}

fn card_checks(checks: &mut Vec<DoctorCheck>) {
    let readers = match card::list_readers() {
        Ok(readers) => {
            checks.push(check("pcsc_service", CheckOutcome::Ok, "the smart-card service (PC/SC) answers", None, None));
            readers
        }
        Err(e) => {
            let fix = e.hint().unwrap_or("restart the smart-card service");
            checks.push(check("pcsc_service", CheckOutcome::Failed, e.to_string(), Some(fix), Some(e.code())));
            checks.extend(["readers", "card"].map(skipped));
            return;
        }
    };
    if readers.is_empty() {
        let e = CardError::NoReader;
        checks.push(check("readers", CheckOutcome::Failed, e.to_string(), Some("plug in the smart-card reader (check its cable and driver)"), Some(e.code())));
        checks.push(skipped("card"));
        return;
    }
    let names: Vec<&str> = readers.iter().map(|r| r.name.as_str()).collect();
    checks.push(check("readers", CheckOutcome::Ok, format!("{} reader(s): {}", readers.len(), names.join(", ")), None, None));
    let with_card: Vec<_> = readers.iter().filter(|r| r.status.has_card()).collect();
    match with_card.iter().find_map(|r| r.card.as_ref().filter(|c| c.recognized).map(|c| (r, c))) {
        Some((reader, identity)) => {
            let mut message = format!("{} in {}", identity.label_en, reader.name);
            let mut outcome = CheckOutcome::Ok;
            let mut fix = None;
            if !identity.can_sign {
                outcome = CheckOutcome::Warning;
                message.push_str(" (contactless: it cannot sign)");
                fix = Some("insert the card in the contact reader");
            }
            checks.push(check("card", outcome, message, fix, None));
        }
        None => match with_card.first() {
            Some(reader) => checks.push(check(
                "card",
                CheckOutcome::Failed,
                format!("unrecognised card in {} (ATR {})", reader.name, reader.atr.as_deref().unwrap_or("unreadable")),
                Some("insert a CPS, CPE or CPA card, chip first; a card that does not answer may be dirty or broken"),
                Some("card.unrecognized"),
            )),
            None => {
                let e = CardError::NoCard;
                checks.push(check("card", CheckOutcome::Failed, e.to_string(), Some("insert the card, chip first"), Some(e.code())));
            }
        },
    }
}

fn token_checks(checks: &mut Vec<DoctorCheck>, module_setting: Option<&Path>) {
    let fail = |checks: &mut Vec<DoctorCheck>, id: &str, e: &TokenError, fix: &str| {
        checks.push(check(id, CheckOutcome::Failed, e.to_string(), Some(fix), Some(e.code())));
    };
    let module = match token::Module::open(module_setting) {
        Ok(module) => {
            checks.push(check("pkcs11_module", CheckOutcome::Ok, format!("{} loaded", module.path().display()), None, None));
            module
        }
        Err(e) => {
            fail(checks, "pkcs11_module", &e, "install Cryptolib CPS (ANS), or set its module path in the settings or CERTISANTE_PKCS11_MODULE");
            checks.extend(["token", "holder_certificate"].map(skipped));
            return;
        }
    };
    let views = module.tokens().and_then(|tokens| tokens.iter().map(|t| t.view()).collect::<Result<Vec<_>, _>>());
    let view = match views {
        Ok(views) => match views.into_iter().find(|v| v.details.initialized != Some(false)) {
            Some(view) => view,
            None => {
                checks.push(check(
                    "token",
                    CheckOutcome::Failed,
                    "the middleware sees no card",
                    Some("insert the card; if it is inserted, restart the middleware"),
                    Some("token.no_token"),
                ));
                checks.push(skipped("holder_certificate"));
                return;
            }
        },
        Err(e) => {
            fail(checks, "token", &e, "remove and insert the card again; update Cryptolib CPS if it persists");
            checks.push(skipped("holder_certificate"));
            return;
        }
    };
    let label = view.details.label.clone().unwrap_or_else(|| "unlabelled card".into());
    let mut outcome = CheckOutcome::Ok;
    let mut message = format!("{label}: {} certificate(s)", view.certificates.len());
    let mut fix = None;
    if view.details.pin.locked {
        outcome = CheckOutcome::Failed;
        message.push_str("; the PIN is LOCKED");
        fix = Some("unblock the PIN with the card's unblock code using ANS's card tools");
    } else if view.details.pin.final_try || view.details.pin.count_low {
        outcome = CheckOutcome::Warning;
        message.push_str(if view.details.pin.final_try { "; one PIN try left" } else { "; a wrong PIN was entered recently" });
    }
    checks.push(check("token", outcome, message, fix, None));

    let holder = view.holder.as_ref().and_then(|h| h.name.clone()).unwrap_or_else(|| "unknown holder".into());
    let auth = view.certificates.iter().find(|c| c.role == KeyRole::Authentication).or(view.certificates.first());
    match auth {
        None => checks.push(check(
            "holder_certificate",
            CheckOutcome::Failed,
            "the card holds no certificate",
            Some("the card may be blank or damaged: contact ANS"),
            Some("token.no_certificate"),
        )),
        Some(cert) => {
            let until = cert.not_after.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_else(|| "?".into());
            let (outcome, fix) = match cert.status {
                Some(Status::Valid | Status::Replaced) => (CheckOutcome::Ok, None),
                Some(Status::Expiring) => (CheckOutcome::Warning, Some("order a renewed card from ANS before it expires")),
                Some(Status::Expired) => (CheckOutcome::Failed, Some("the card has expired: order a new card from ANS")),
                Some(Status::NotYetValid) => (CheckOutcome::Warning, Some("the card is not valid yet: check the workstation's date")),
                Some(Status::Revoked) => (CheckOutcome::Failed, Some("the card's certificate is revoked: order a new card from ANS")),
                None => (CheckOutcome::Warning, Some("the certificate could not be read")),
            };
            checks.push(check("holder_certificate", outcome, format!("{holder}, valid until {until}"), fix, None));
        }
    }
}
