//! Metrics in Prometheus's text exposition format (0.0.4), from the one certificate model:
//! what `certisante metrics` prints for node_exporter's textfile collector and serves on
//! `/metrics` ([`http`]).
//!
//! As the widely used x509 certificate exporters do, dates are absolute Unix timestamps
//! (seconds), constant from one scrape to the next; the time left is computed in PromQL
//! (`certisante_certificate_usable_until_timestamp_seconds - time()`), so a textfile
//! written an hour ago is still right. Per certificate (CA certificates and certificates
//! whose renewal is installed, `replaced`, are left out, as the alerts leave them out):
//!
//! - `certisante_certificate_not_before_timestamp_seconds`
//! - `certisante_certificate_not_after_timestamp_seconds`
//! - `certisante_certificate_usable_until_timestamp_seconds`: the earlier of notAfter and
//!   the end of the private key usage period
//! - `certisante_certificate_revoked`: 1 when a cached OCSP or CRL answer says so, else 0
//! - `certisante_certificate_revocation_answer_timestamp_seconds`: when the last answer
//!   was obtained (absent for a certificate never checked); its age is `time() - ...`
//!
//! each with the labels `sha256`, `cn`, `organization`, `structure_id`, `environment`,
//! `offer`, `usage`, `workstation`, always present, empty when unknown. Per source (a
//! watched folder or file, an OS store; a PATH given on the command line):
//! `certisante_source_up` and `certisante_source_read_errors` (files under it that could
//! not be read), label `source`. And `certisante_scrape_duration_seconds`.

pub mod http;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::inventory::ScanError;
use crate::registry::{Registry, RegistryError};
use crate::view::{CertificateView, Status};

/// One source's health: a watched path, an OS store, a PATH given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceHealth {
    pub source: String,
    pub up: bool,
    pub read_errors: u64,
}

/// The certificate series' names, with their help text (what `# HELP` says).
const CERTIFICATE_SERIES: [(&str, &str); 5] = [
    ("certisante_certificate_not_before_timestamp_seconds", "Start of the certificate's validity (notBefore), Unix time."),
    ("certisante_certificate_not_after_timestamp_seconds", "End of the certificate's validity (notAfter), Unix time."),
    (
        "certisante_certificate_usable_until_timestamp_seconds",
        "When the certificate stops being usable: the earlier of notAfter and the end of its private key usage period, Unix time.",
    ),
    ("certisante_certificate_revoked", "1 if the last OCSP or CRL answer says the certificate is revoked, else 0."),
    ("certisante_certificate_revocation_answer_timestamp_seconds", "When the last OCSP or CRL answer about the certificate was obtained, Unix time."),
];

/// Escapes a label value (backslash, double quote, line feed), as the format requires.
fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

fn label(out: &mut String, name: &str, value: &str) {
    if !out.is_empty() {
        out.push(',');
    }
    out.push_str(name);
    out.push_str("=\"");
    escape_into(out, value);
    out.push('"');
}

fn enum_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// Whether a certificate is one the metrics speak of (those that need watching).
pub fn exposed(cert: &CertificateView) -> bool {
    !cert.is_ca && cert.status != Status::Replaced
}

/// One certificate's series as exposed: labels and timestamps, from a view (this
/// workstation's) or from the group inventory's document (one per workstation holding it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSeries {
    /// The label pairs, in the order they are written.
    labels: String,
    not_before: i64,
    not_after: i64,
    usable_until: i64,
    revoked: bool,
    revocation_checked_at: Option<i64>,
}

impl CertificateSeries {
    /// Labels in a fixed order, every one present (empty when unknown) so that queries aggregate.
    fn labels(values: [&str; 8]) -> String {
        let mut out = String::with_capacity(256);
        for (name, value) in ["sha256", "cn", "organization", "structure_id", "environment", "offer", "usage", "workstation"].iter().zip(values) {
            label(&mut out, name, value);
        }
        out
    }

    /// The series of a certificate this workstation holds.
    pub fn of_view(c: &CertificateView, workstation: &str) -> Self {
        let (environment, offer, usage) =
            (enum_text(&c.environment), c.offer.map(|o| enum_text(&o)).unwrap_or_default(), c.usage.map(|u| enum_text(&u)).unwrap_or_default());
        CertificateSeries {
            labels: Self::labels([
                &c.sha256,
                c.cn.as_deref().unwrap_or(""),
                c.organization.as_deref().unwrap_or(""),
                c.structure_id.as_deref().unwrap_or(""),
                &environment,
                &offer,
                &usage,
                workstation,
            ]),
            not_before: c.not_before.timestamp(),
            not_after: c.not_after.timestamp(),
            usable_until: c.usable_until.timestamp(),
            revoked: c.revocation.state == certisante_pki::revocation::RevocationState::Revoked,
            revocation_checked_at: c.revocation.checked_at.map(|at| at.timestamp()),
        }
    }

    /// The series of a certificate of the group inventory: its `list --json` document with
    /// `workstations`, one series per workstation holding it. Nothing for a CA certificate,
    /// a replaced one, or a document without its dates (the metrics speak of what they can
    /// date; another version's document may lack a field).
    pub fn of_group_document(document: &serde_json::Value) -> Vec<Self> {
        let text = |field: &str| document.get(field).and_then(serde_json::Value::as_str).unwrap_or("");
        let time = |field: &str| unix_time(document.get(field));
        if document.get("is_ca").and_then(serde_json::Value::as_bool).unwrap_or(false) || text("status") == "replaced" {
            return Vec::new();
        }
        let (Some(not_before), Some(not_after), Some(usable_until)) = (time("not_before"), time("not_after"), time("usable_until")) else {
            return Vec::new();
        };
        let revocation = document.get("revocation");
        let revoked = revocation.and_then(|r| r.get("state")).and_then(serde_json::Value::as_str) == Some("revoked");
        let revocation_checked_at = unix_time(revocation.and_then(|r| r.get("checked_at")));
        let workstations: Vec<&str> = document
            .get("workstations")
            .and_then(serde_json::Value::as_array)
            .map(|w| w.iter().filter_map(serde_json::Value::as_str).collect())
            .unwrap_or_default();
        workstations
            .into_iter()
            .map(|workstation| CertificateSeries {
                labels: Self::labels([
                    text("sha256"),
                    text("cn"),
                    text("organization"),
                    text("structure_id"),
                    text("environment"),
                    text("offer"),
                    text("usage"),
                    workstation,
                ]),
                not_before,
                not_after,
                usable_until,
                revoked,
                revocation_checked_at,
            })
            .collect()
    }
}

/// An RFC 3339 date of a JSON document as Unix time; None when absent or not a date.
fn unix_time(value: Option<&serde_json::Value>) -> Option<i64> {
    value.and_then(serde_json::Value::as_str).and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()).map(|t| t.timestamp())
}

/// The whole exposition of this workstation's certificates: certificate series, source
/// series, the scrape's duration.
pub fn render(certificates: &[CertificateView], sources: &[SourceHealth], workstation: &str, scrape_seconds: f64) -> String {
    let series: Vec<CertificateSeries> = certificates.iter().filter(|c| exposed(c)).map(|c| CertificateSeries::of_view(c, workstation)).collect();
    render_series(&series, sources, scrape_seconds)
}

/// The whole exposition from series already made (the group inventory's: each labelled with
/// its workstation).
pub fn render_series(series: &[CertificateSeries], sources: &[SourceHealth], scrape_seconds: f64) -> String {
    let mut out = String::with_capacity(64 + series.len() * 5 * 320 + sources.len() * 200);
    for (index, (name, help)) in CERTIFICATE_SERIES.iter().enumerate() {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for one in series {
            let value = match index {
                0 => one.not_before,
                1 => one.not_after,
                2 => one.usable_until,
                3 => i64::from(one.revoked),
                _ => match one.revocation_checked_at {
                    Some(at) => at,
                    None => continue,
                },
            };
            let _ = writeln!(out, "{name}{{{}}} {value}", one.labels);
        }
    }
    let mut source_labels = Vec::with_capacity(sources.len());
    for source in sources {
        let mut labels = String::new();
        label(&mut labels, "source", &source.source);
        source_labels.push(labels);
    }
    out.push_str(
        "# HELP certisante_source_up 1 if the source (a watched folder or file, an OS store) could be read, else 0.\n# TYPE certisante_source_up gauge\n",
    );
    for (source, labels) in sources.iter().zip(&source_labels) {
        let _ = writeln!(out, "certisante_source_up{{{labels}}} {}", u8::from(source.up));
    }
    out.push_str(
        "# HELP certisante_source_read_errors Files of the source that could not be read at the last scan.\n# TYPE certisante_source_read_errors gauge\n",
    );
    for (source, labels) in sources.iter().zip(&source_labels) {
        let _ = writeln!(out, "certisante_source_read_errors{{{labels}}} {}", source.read_errors);
    }
    let _ = writeln!(
        out,
        "# HELP certisante_scrape_duration_seconds Time taken to read the certificates and sources for these metrics.\n# TYPE certisante_scrape_duration_seconds gauge\ncertisante_scrape_duration_seconds {scrape_seconds:.6}"
    );
    out
}

/// Whether `path` is `root` or lies under it.
fn under(path: &str, root: &str) -> bool {
    Path::new(path).starts_with(root)
}

impl Registry {
    /// The health of every source the registry reads: each watched folder or file (down
    /// when it is missing: an unplugged drive, a share not mounted; its read errors are
    /// the files under it that could not be read) and each OS store read.
    pub fn source_health(&self) -> Result<Vec<SourceHealth>, RegistryError> {
        let watched = self.watched()?;
        let conn = self.read();
        let mut statement = conn.prepare("SELECT path, kind, error_code IS NOT NULL FROM sources WHERE kind <> 'skipped'")?;
        let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?)))?;
        let mut failing: Vec<String> = Vec::new();
        let mut stores: HashMap<String, bool> = HashMap::new();
        for row in rows {
            let (path, kind, failed) = row?;
            if kind != "file" {
                stores.insert(path, !failed);
            } else if failed {
                failing.push(path);
            }
        }
        let mut out: Vec<SourceHealth> = watched
            .iter()
            .map(|w| SourceHealth { source: w.path.clone(), up: w.present, read_errors: failing.iter().filter(|f| under(f, &w.path)).count() as u64 })
            .collect();
        let mut stores: Vec<(String, bool)> = stores.into_iter().collect();
        stores.sort();
        out.extend(stores.into_iter().map(|(source, up)| SourceHealth { read_errors: u64::from(!up), source, up }));
        Ok(out)
    }
}

/// The health of PATHs read without the registry: up when the path exists, its read
/// errors those of the files under it.
pub fn path_health(paths: &[PathBuf], errors: &[ScanError]) -> Vec<SourceHealth> {
    paths
        .iter()
        .map(|path| {
            let text = path.display().to_string();
            SourceHealth { up: path.exists(), read_errors: errors.iter().filter(|e| under(&e.path, &text)).count() as u64, source: text }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_document_gives_a_series_per_workstation_and_none_for_cas_or_undated() {
        let document = serde_json::json!({
            "sha256": "ab", "cn": "DMP", "organization": "CH", "structure_id": "1234567890", "environment": "PROD",
            "offer": "ORG", "usage": "AUTH_CLI", "status": "valid", "is_ca": false,
            "not_before": "2025-01-01T00:00:00Z", "not_after": "2028-01-01T00:00:00Z", "usable_until": "2027-12-01T00:00:00Z",
            "revocation": { "state": "revoked", "checked_at": "2026-12-01T00:00:00Z" },
            "workstations": ["POSTE-A", "POSTE-B"],
        });
        let series = CertificateSeries::of_group_document(&document);
        assert_eq!(series.len(), 2);
        let text = render_series(&series, &[], 0.5);
        assert!(text.contains(r#"certisante_certificate_usable_until_timestamp_seconds{sha256="ab",cn="DMP",organization="CH",structure_id="1234567890",environment="PROD",offer="ORG",usage="AUTH_CLI",workstation="POSTE-B"} 1827619200"#), "{text}");
        assert!(text.contains(r#"certisante_certificate_revoked{sha256="ab",cn="DMP",organization="CH",structure_id="1234567890",environment="PROD",offer="ORG",usage="AUTH_CLI",workstation="POSTE-A"} 1"#), "{text}");
        let mut ca = document.clone();
        ca["is_ca"] = true.into();
        let mut replaced = document.clone();
        replaced["status"] = "replaced".into();
        let mut undated = document.clone();
        undated["usable_until"] = serde_json::Value::Null;
        for other in [ca, replaced, undated] {
            assert!(CertificateSeries::of_group_document(&other).is_empty(), "{other}");
        }
    }

    #[test]
    fn label_values_are_escaped() {
        let mut out = String::new();
        label(&mut out, "cn", "a\"b\\c\nd é");
        assert_eq!(out, "cn=\"a\\\"b\\\\c\\nd é\"");
    }

    #[test]
    fn sources_without_certificates_still_say_how_they_are() {
        let text = render(&[], &[SourceHealth { source: "/mnt/partage".into(), up: false, read_errors: 2 }], "POSTE-01", 0.25);
        assert!(text.contains("certisante_source_up{source=\"/mnt/partage\"} 0\n"), "{text}");
        assert!(text.contains("certisante_source_read_errors{source=\"/mnt/partage\"} 2\n"), "{text}");
        assert!(text.contains("certisante_scrape_duration_seconds 0.250000\n"), "{text}");
        assert!(text.contains("# TYPE certisante_certificate_usable_until_timestamp_seconds gauge\n"), "every family is declared, even empty");
    }

    #[test]
    fn paths_are_up_when_they_exist() {
        // Two siblings: an error under one is not counted for the other.
        let dir = tempfile::tempdir().unwrap();
        let present = dir.path().join("present");
        std::fs::create_dir(&present).unwrap();
        let missing = dir.path().join("missing");
        let errors = [ScanError { path: missing.join("a.p12").display().to_string(), code: "x".into(), message: "y".into() }];
        let health = path_health(&[present.clone(), missing.clone()], &errors);
        assert_eq!(health[0], SourceHealth { source: present.display().to_string(), up: true, read_errors: 0 });
        assert_eq!(health[1], SourceHealth { source: missing.display().to_string(), up: false, read_errors: 1 });
    }
}
