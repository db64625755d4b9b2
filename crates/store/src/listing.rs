//! The one certificate model: every certificate CertiSanté knows, with all its places (the
//! files and OS stores a scan read, the files, stores and keystore entries CertiSanté wrote)
//! and its order. The dashboard, `list`, `status`, alerts, revocation and exports all read
//! this list, so a certificate ordered, imported and installed through CertiSanté is watched
//! without anyone watching a folder.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::certs::{ContainerFormat, Integrity};
use crate::inventory::{self, ScanError, ScanOptions, ScanReport};
use crate::lifecycle::{self, Order};
use crate::order::{OrderLink, OrderState, OrderStep, Replacement};
use crate::places;
use crate::registry::{Registry, RegistryError};
use crate::view::{CertificateView, Place, PlaceKind, Status, Warning};

/// One certificate as the registry holds it: DER, first and last sighting.
struct Known {
    der: Vec<u8>,
    first_seen: String,
    last_seen: String,
}

impl Registry {
    /// Every certificate CertiSanté knows, as the dashboard shows it (from the cache only:
    /// listing never waits for the network).
    pub fn list(&self, options: &ScanOptions) -> Result<ScanReport, RegistryError> {
        let (observations, seen) = self.observations()?;
        let mut certificates = inventory::assemble(observations, options);
        let orders = lifecycle::all_orders(&self.read())?;
        attach_orders(&mut certificates, &orders);
        let mut revocations = crate::revocation::cached_statuses(&self.read(), options.now)?;
        for view in &mut certificates {
            if let Some((first, last)) = seen.get(&view.sha256) {
                view.first_seen = parse_time(first);
                view.last_seen = parse_time(last);
            }
            if let Some(revocation) = revocations.remove(&view.sha256) {
                view.set_revocation(revocation);
            }
            warn_about_copies(view);
        }
        crate::teleservices::apply_ties(&mut certificates, &crate::teleservices::recorded_ties(&self.read())?);
        crate::view::warn_about_teleservices(&mut certificates);
        Ok(ScanReport { certificates, errors: self.source_errors()? })
    }

    /// The DER of every certificate `list` shows: what revocation checks ask about.
    pub fn listed_certificates(&self) -> Result<Vec<(String, Vec<u8>)>, RegistryError> {
        let (observations, _) = self.observations()?;
        let mut by_hash: HashMap<String, Vec<u8>> = HashMap::new();
        for (der, _) in observations {
            by_hash.entry(crate::certs::fingerprint(&der)).or_insert(der);
        }
        let mut listed: Vec<(String, Vec<u8>)> = by_hash.into_iter().collect();
        listed.sort();
        Ok(listed)
    }

    /// (certificate, place) pairs from the three sources, and when each certificate was seen.
    #[allow(clippy::type_complexity)]
    fn observations(&self) -> Result<(Vec<(Vec<u8>, Option<Place>)>, HashMap<String, (String, String)>), RegistryError> {
        let conn = self.read();
        let mut known: HashMap<String, Known> = HashMap::new();
        let mut observations: Vec<(String, Option<Place>)> = Vec::new();
        fn remember(known: &mut HashMap<String, Known>, sha256: String, der: Vec<u8>, first: String, last: String) {
            known.entry(sha256).or_insert(Known { der, first_seen: first, last_seen: last });
        }

        // What scans read: files in watched folders, OS stores.
        let mut statement = conn.prepare(
            "SELECT c.sha256, c.der, c.first_seen, c.last_seen, p.source_path, s.kind, s.format, s.integrity, p.position, p.has_private_key
             FROM places p JOIN certificates c ON c.sha256 = p.sha256 JOIN sources s ON s.path = p.source_path",
        )?;
        let rows = statement.query_map([], |r| {
            let kind: String = r.get(5)?;
            let format: Option<String> = r.get(6)?;
            let integrity: Option<String> = r.get(7)?;
            let place = Place {
                path: r.get(4)?,
                kind: parse_text(&kind).unwrap_or(PlaceKind::File),
                format: format.as_deref().and_then(parse_text).unwrap_or(ContainerFormat::Der),
                position: r.get(8)?,
                has_private_key: r.get(9)?,
                integrity: integrity.as_deref().and_then(parse_text).unwrap_or(Integrity::NotApplicable),
                managed: false,
            };
            Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, place))
        })?;
        for row in rows {
            let (sha256, der, first, last, place) = row?;
            remember(&mut known, sha256.clone(), der, first, last);
            observations.push((sha256, Some(place)));
        }

        // What CertiSanté wrote itself (not the writes still under way).
        let recorded = places::all(&conn)?;
        let mut statement = conn.prepare("SELECT der, first_seen, last_seen FROM certificates WHERE sha256 = ?1")?;
        for place in recorded.into_iter().filter(|r| !r.pending).map(|r| r.place) {
            if !known.contains_key(&place.sha256) {
                let Some((der, first, last)) = statement.query_row([&place.sha256], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).ok() else { continue };
                remember(&mut known, place.sha256.clone(), der, first, last);
            }
            observations.push((place.sha256.clone(), Some(place.to_place())));
        }

        // Every certificate an order holds, even when no copy is left anywhere.
        let mut statement =
            conn.prepare("SELECT c.sha256, c.der, c.first_seen, c.last_seen FROM orders o JOIN certificates c ON c.sha256 = o.certificate_sha256")?;
        let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)))?;
        for row in rows {
            let (sha256, der, first, last) = row?;
            remember(&mut known, sha256.clone(), der, first, last);
            observations.push((sha256, None));
        }

        let seen = known.iter().map(|(sha256, k)| (sha256.clone(), (k.first_seen.clone(), k.last_seen.clone()))).collect();
        let observations = observations.into_iter().filter_map(|(sha256, place)| known.get(&sha256).map(|k| (k.der.clone(), place))).collect();
        Ok((observations, seen))
    }

    fn source_errors(&self) -> Result<Vec<ScanError>, RegistryError> {
        let conn = self.read();
        let mut statement = conn.prepare("SELECT path, error_code, error_message FROM sources WHERE error_code IS NOT NULL ORDER BY path")?;
        let rows = statement.query_map([], |r| Ok(ScanError { path: r.get(0)?, code: r.get(1)?, message: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// Ties each certificate to its order, with the renewal under way or the successor that
/// replaced it (a successor replaces only once it is installed).
fn attach_orders(certificates: &mut [CertificateView], orders: &[Order]) {
    let by_certificate: HashMap<&str, &Order> = orders.iter().filter_map(|o| o.certificate_sha256.as_deref().map(|sha| (sha, o))).collect();
    for view in certificates.iter_mut() {
        let Some(order) = by_certificate.get(view.sha256.as_str()) else { continue };
        let mut link = OrderLink::new(order.id.clone(), order.state, order.history.clone());
        // The newest renewal that was not abandoned.
        let renewal = orders.iter().filter(|o| o.renews.as_deref() == Some(order.id.as_str()) && o.state != OrderState::Cancelled).max_by_key(|o| o.created_at);
        if let Some(next) = renewal {
            let installed = matches!(next.state, OrderState::Installed | OrderState::Renewed | OrderState::Expired | OrderState::Revoked);
            match (&next.certificate_sha256, next.not_after) {
                (Some(sha256), Some(not_after)) if installed => {
                    link.replaced_by = Some(Replacement { order_id: next.id.clone(), sha256: sha256.clone(), not_after });
                }
                _ => link.renewal = Some(OrderStep { id: next.id.clone(), state: next.state }),
            }
        }
        view.set_order(link);
    }
}

/// A certificate CertiSanté manages and still needs: say when no file or store holds it any
/// more, or when its private key is nowhere.
fn warn_about_copies(view: &mut CertificateView) {
    let Some(order) = &view.order else { return };
    let live = matches!(order.state, OrderState::CertificateImported | OrderState::Installed)
        && !matches!(view.status, Status::Expired | Status::Revoked | Status::Replaced);
    if !live {
        return;
    }
    if order.state == OrderState::Installed && !view.places.iter().any(|p| p.kind != PlaceKind::Keystore) {
        view.warnings.push(Warning {
            code: "places.no_copy".into(),
            message: "this certificate is installed nowhere any more: no file or store holds it (install or export it again)".into(),
        });
    }
    if !view.has_private_key {
        view.warnings.push(Warning {
            code: "places.no_key".into(),
            message: "the private key of this certificate is nowhere: neither in the OS keystore nor in a file or store".into(),
        });
    }
}

fn parse_text<T: for<'de> serde::Deserialize<'de>>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|d| d.with_timezone(&Utc))
}
