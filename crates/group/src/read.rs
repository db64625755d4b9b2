//! Reading the group: `group list` (every certificate as `list --json` shows it, with the
//! workstations holding it), the rows of the app's Groupe view, one certificate's details,
//! and the Nagios status of the whole group.
//!
//! A certificate held by several workstations is listed once: its places are all of theirs
//! (each naming its workstation), and its document is the copy in the worst state (the
//! most recent among equals), since a copy somewhere still needs attention. Status,
//! severity and days left are recomputed at the time of reading, with the reader's
//! thresholds: a workstation that published a month ago still shows what expires today.
//!
//! Documents are passed through as the server holds them (`json` columns, checked to be
//! objects and arrays by the schema), never parsed: 20,000 certificates stay fast.
//! Everything read back is bounded: rows, bytes per row, bytes in all.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use futures_util::{pin_mut, TryStreamExt};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;
use tokio_postgres::types::ToSql;
use ts_rs::TS;

use certisante_pki::certs::Environment;
use certisante_pki::igc::{Offer, Usage};
use certisante_pki::view::{status_from_dates, CertificateView, Severity, Status, Thresholds};

use crate::error::{GroupError, Result};
use crate::session::{db_error, Session};
use crate::snapshot::enum_text;

/// Certificate copies (one per workstation holding one) read at most.
pub const MAX_ROWS: usize = 1_000_000;
/// Bytes of one copy's document, places and paths, at most.
pub const MAX_ROW_BYTES: i32 = 1 << 20;
/// Bytes of documents read in all, at most.
pub const MAX_TOTAL_BYTES: usize = 1 << 30;
/// Workstations, pending orders and read errors read at most.
pub const MAX_WORKSTATIONS: i64 = 100_000;
/// Characters of a text read beside the documents (a name, a path, a message), at most:
/// longer ones are cut (the schema refuses them since migration 2; older rows may hold them).
const MAX_TEXT_CHARS: i32 = 1024;
/// Bytes of a pending order's request, at most (CertiSanté's are a few hundred).
const MAX_REQUEST_BYTES: i32 = 16 << 10;
/// A workstation silent for longer counts as stale in the status.
pub const STALE_AFTER_DAYS: i64 = 7;

/// When and with which thresholds statuses are computed.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    pub thresholds: Thresholds,
    pub now: DateTime<Utc>,
}

/// `group list`: `list --json`'s document for the whole group, and its workstations.
#[derive(Debug, Serialize, TS)]
pub struct GroupListing {
    /// Soonest end first; each one a certificate view with `workstations`.
    #[ts(as = "Vec<GroupCertificate>")]
    pub certificates: Vec<Box<RawValue>>,
    /// Every workstation's read errors.
    pub errors: Vec<GroupScanError>,
    /// Orders waiting for the portal's certificate, on every workstation, longest first.
    #[ts(as = "Vec<GroupPendingOrder>")]
    pub pending_orders: Vec<Value>,
    pub workstations: Vec<WorkstationInfo>,
}

/// The shape of a certificate in `group list`: a certificate view (its places name their
/// workstation) and the workstations holding it. Written as text (see `merged`), typed here.
#[derive(TS)]
pub struct GroupCertificate {
    #[ts(flatten)]
    pub certificate: CertificateView,
    pub workstations: Vec<String>,
}

/// The shape of a pending order in `group list`: `list --json`'s, with its workstation.
#[derive(TS)]
pub struct GroupPendingOrder {
    #[ts(flatten)]
    pub order: certisante_store::lifecycle::PendingOrder,
    pub workstation: String,
}

/// A read error of one workstation's last scan.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupScanError {
    pub workstation: String,
    pub path: String,
    pub code: String,
    pub message: String,
}

/// A workstation of the group, as it last published.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkstationInfo {
    pub name: String,
    /// The structure ids (FINESS, SIRET...) of its certificates.
    pub establishments: Vec<String>,
    pub certificates: u32,
    pub orders: u32,
    pub errors: u32,
    pub app_version: Option<String>,
    pub os: Option<String>,
    #[ts(type = "string")]
    pub first_published_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub last_published_at: DateTime<Utc>,
    /// Its last publication, changed or not.
    #[ts(type = "string")]
    pub last_contact_at: DateTime<Utc>,
    /// Silent for more than STALE_AFTER_DAYS.
    pub stale: bool,
}

/// One certificate of the Groupe view: what its row and filters need (details on demand).
#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupRow {
    pub sha256: String,
    pub cn: Option<String>,
    pub organization: Option<String>,
    pub structure_id: Option<String>,
    #[ts(as = "certisante_pki::igc::StructureKind")]
    pub structure_kind: String,
    pub structure_number: Option<String>,
    pub environment: Environment,
    pub offer: Option<Offer>,
    pub usage: Option<Usage>,
    #[ts(type = "string")]
    pub not_after: DateTime<Utc>,
    #[ts(type = "string")]
    pub usable_until: DateTime<Utc>,
    #[ts(type = "number")]
    pub days_left: i64,
    pub status: Status,
    pub severity: Severity,
    pub has_private_key: bool,
    /// The workstations holding it, by name.
    pub workstations: Vec<String>,
}

/// What the Groupe view shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupRows {
    pub rows: Vec<GroupRow>,
    pub workstations: Vec<WorkstationInfo>,
}

/// One certificate in full, and every workstation's copy of it.
#[derive(Debug, Serialize, TS)]
pub struct GroupCertificateDetails {
    #[ts(as = "GroupCertificate")]
    pub certificate: Box<RawValue>,
    pub holders: Vec<GroupHolder>,
}

/// One workstation's copy of a certificate.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupHolder {
    pub workstation: String,
    #[ts(as = "Vec<certisante_pki::view::Place>")]
    pub places: Value,
    pub has_private_key: bool,
    pub status: Status,
    pub severity: Severity,
    #[ts(type = "number")]
    pub days_left: i64,
    #[ts(type = "string")]
    pub published_at: DateTime<Utc>,
}

/// The Nagios view of the whole group.
#[derive(Debug, Clone, Serialize, TS)]
pub struct GroupStatus {
    pub certificates: u32,
    pub expired: u32,
    pub critical: u32,
    pub warning: u32,
    pub workstations: u32,
    /// Workstations silent for more than STALE_AFTER_DAYS: a WARNING (their certificates
    /// may expire unseen).
    pub stale_workstations: Vec<String>,
    #[ts(type = "number | null")]
    pub min_days_left: Option<i64>,
    /// The soonest to end (not expired yet): its name and a workstation holding it.
    pub soonest: Option<String>,
    pub thresholds: Thresholds,
    /// OK, WARNING, CRITICAL or UNKNOWN (nothing published).
    pub state: String,
    pub exit_code: u8,
}

impl GroupStatus {
    /// One Nagios line: `CERTISANTE GROUP <STATE> - text | perfdata`.
    pub fn nagios_line(&self) -> String {
        let perf = format!(
            "certificates={} expired={} critical={} warning={} workstations={} stale_workstations={} min_days_left={};{};{}",
            self.certificates,
            self.expired,
            self.critical,
            self.warning,
            self.workstations,
            self.stale_workstations.len(),
            self.min_days_left.map(|d| d.to_string()).unwrap_or_default(),
            self.thresholds.warn_days,
            self.thresholds.crit_days
        );
        let mut text = if self.certificates == 0 {
            "no certificate published".to_owned()
        } else {
            format!("{} certificates on {} workstations", self.certificates, self.workstations)
        };
        if self.expired > 0 {
            let _ = write!(text, ", {} expired", self.expired);
        }
        if let (Some(days), Some(name)) = (self.min_days_left, &self.soonest) {
            let _ = write!(text, ", soonest expiry in {days} days ({name})");
        }
        if !self.stale_workstations.is_empty() {
            let _ = write!(text, ", silent for more than {STALE_AFTER_DAYS} days: {}", self.stale_workstations.join(", "));
        }
        format!("CERTISANTE GROUP {} - {text} | {perf}", self.state)
    }
}

/// A copy's state now: recomputed from its dates, then revocation and replacement as the
/// listing applies them.
fn state_now(not_before: DateTime<Utc>, usable_until: DateTime<Utc>, revoked: bool, replaced: bool, options: &ReadOptions) -> (Status, Severity, i64) {
    let (mut status, mut severity, days) = status_from_dates(not_before, usable_until, options.now, options.thresholds);
    if replaced {
        (status, severity) = (Status::Replaced, Severity::Ok);
    }
    if revoked && status != Status::Replaced {
        (status, severity) = (Status::Revoked, Severity::Critical);
    }
    (status, severity, days)
}

/// A text column holding a unit enum's name ("PROD", "SIGN"...); None when unknown.
fn text_column<T: serde::de::DeserializeOwned>(row: &tokio_postgres::Row, index: usize) -> Option<T> {
    row.get::<_, Option<String>>(index).and_then(|text| serde_json::from_value(Value::String(text)).ok())
}

/// Every workstation, as it last published.
async fn read_workstations(client: &tokio_postgres::Client, server: &str, options: &ReadOptions) -> Result<Vec<WorkstationInfo>> {
    let rows = client
        .query(
            // Counted in one pass each, joined: a count per workstation (a subquery per row)
            // is 500 scans of the table when its statistics are not made yet, just after a
            // wave of publications (100 ms instead of 5 in the benchmark).
            // Only what is shown of the document, each text cut: a workstation's row never
            // costs a reader more than a few kilobytes.
            "SELECT w.name,
                    ARRAY(SELECT coalesce(left(e, $1), '') FROM unnest(w.establishments[1:1000]) WITH ORDINALITY AS u(e, i) ORDER BY i),
                    left(w.document->>'error_count', 20), left(w.document->>'app_version', $1), left(w.document->>'os', $1),
                    w.first_published_at, w.last_published_at, w.last_contact_at, coalesce(c.n, 0), coalesce(o.n, 0)
             FROM certisante.workstations w
             LEFT JOIN (SELECT workstation, count(*) AS n FROM certisante.certificates GROUP BY workstation) c ON c.workstation = w.name
             LEFT JOIN (SELECT workstation, count(*) AS n FROM certisante.orders GROUP BY workstation) o ON o.workstation = w.name
             ORDER BY w.name LIMIT $2",
            &[&MAX_TEXT_CHARS, &MAX_WORKSTATIONS],
        )
        .await
        .map_err(|e| db_error(server, &e))?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let last_contact_at: DateTime<Utc> = row.get(7);
        out.push(WorkstationInfo {
            name: row.get(0),
            establishments: row.get(1),
            certificates: row.get::<_, i64>(8) as u32,
            orders: row.get::<_, i64>(9) as u32,
            errors: row.get::<_, Option<&str>>(2).and_then(|n| n.parse().ok()).unwrap_or(0),
            app_version: row.get(3),
            os: row.get(4),
            first_published_at: row.get(5),
            last_published_at: row.get(6),
            last_contact_at,
            stale: (options.now - last_contact_at).num_days() > STALE_AFTER_DAYS,
        });
    }
    Ok(out)
}

/// One workstation's copy of a certificate, as `list` reads it. Its texts stay in the row
/// they came in (tens of MB in all: copied once, into what is written).
struct Copy {
    row: tokio_postgres::Row,
    sha256: String,
    /// Of its document, places and paths (counted, not read: see `TextBytes`).
    bytes: usize,
    workstation: String,
    has_private_key: bool,
    usable_until: DateTime<Utc>,
    status: Status,
    severity: Severity,
    days: i64,
    published_at: DateTime<Utc>,
    cn: Option<String>,
}

/// A text column's bytes, for its size: `&str` checks the UTF-8 of tens of MB, which the
/// writing does once anyway.
struct TextBytes<'a>(&'a [u8]);

impl<'a> tokio_postgres::types::FromSql<'a> for TextBytes<'a> {
    fn from_sql(_: &tokio_postgres::types::Type, raw: &'a [u8]) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(TextBytes(raw))
    }
    fn accepts(ty: &tokio_postgres::types::Type) -> bool {
        <&str as tokio_postgres::types::FromSql>::accepts(ty)
    }
}

/// The copies `filter` (a WHERE clause, or nothing) selects, as `copy_of` reads them; the
/// document, places and paths of a copy larger than `$1` bytes stay on the server (null). The texts are made once, in a subquery that `OFFSET 0` keeps
/// apart (inlined, each would be made twice: the size, then the value; 44 ms instead of
/// 28 for 20,000 in the benchmark).
fn copies_query(filter: &str) -> String {
    format!(
        "SELECT sha256, workstation, CASE WHEN fits THEN d END, CASE WHEN fits THEN p END, CASE WHEN fits THEN t END,
                has_private_key, not_before, usable_until, revoked, replaced, published_at, cn
         FROM (SELECT sha256, workstation, d, p, t, octet_length(d) + octet_length(p) + octet_length(t) <= $1 AS fits, has_private_key,
                      not_before, usable_until, revoked, replaced, published_at, cn
               FROM (SELECT sha256, workstation, document::text AS d, places::text AS p, paths::text AS t, has_private_key,
                            not_before, usable_until, revoked, replaced, published_at, left(cn, {MAX_TEXT_CHARS}) AS cn
                     FROM certisante.certificates {filter} OFFSET 0) AS texts) AS copies"
    )
}

impl Copy {
    /// Checked not null (not too large) by `copy_of`, as are places and paths.
    fn document(&self) -> &str {
        self.row.get::<_, Option<&str>>(2).unwrap_or("{}")
    }
    fn places(&self) -> &str {
        self.row.get::<_, Option<&str>>(3).unwrap_or("[]")
    }
    fn paths(&self) -> &str {
        self.row.get::<_, Option<&str>>(4).unwrap_or("[]")
    }
}

/// A copy larger than MAX_ROW_BYTES: left out of what is read, and said in the errors
/// (one workstation's oversized row never stops the whole group's listing).
fn left_out(row: &tokio_postgres::Row) -> GroupScanError {
    let (sha256, workstation): (String, String) = (row.get(0), row.get(1));
    GroupScanError {
        message: format!("the certificate {sha256} published by {workstation:?} is larger than {} bytes: left out", MAX_ROW_BYTES),
        workstation,
        path: String::new(),
        code: "group.too_large".into(),
    }
}

/// A copy as read; Err: left out (too large).
fn copy_of(row: tokio_postgres::Row, options: &ReadOptions) -> std::result::Result<Copy, GroupScanError> {
    let (Some(document), Some(places), Some(paths)) =
        (row.get::<_, Option<TextBytes>>(2), row.get::<_, Option<TextBytes>>(3), row.get::<_, Option<TextBytes>>(4))
    else {
        return Err(left_out(&row));
    };
    let bytes = document.0.len() + places.0.len() + paths.0.len();
    let sha256: String = row.get(0);
    let workstation: String = row.get(1);
    let (status, severity, days) = state_now(row.get(6), row.get(7), row.get(8), row.get(9), options);
    Ok(Copy {
        sha256,
        bytes,
        workstation,
        has_private_key: row.get(5),
        usable_until: row.get(7),
        status,
        severity,
        days,
        published_at: row.get(10),
        cn: row.get(11),
        row,
    })
}

/// The copy a merged certificate shows: the worst state, then the most recent.
fn primary(copies: &[Copy]) -> &Copy {
    copies.iter().max_by_key(|c| (c.severity, c.published_at)).unwrap_or(&copies[0])
}

/// The items of JSON arrays (as text), joined into one array, written to `out`.
fn join_arrays<'a>(out: &mut String, arrays: impl Iterator<Item = &'a str>) {
    out.push('[');
    let mut first = true;
    for array in arrays {
        let inner = array.trim().strip_prefix('[').and_then(|a| a.strip_suffix(']')).unwrap_or("").trim();
        if inner.is_empty() {
            continue;
        }
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(inner);
    }
    out.push(']');
}

/// One certificate of `group list`, as JSON text written to `out`: the fields computed now,
/// then the primary copy's document. JSON by construction: the server's `json` columns
/// (valid JSON by their type; objects and arrays by the schema's checks) glued with text
/// written here.
fn write_merged(out: &mut String, copies: &[Copy]) {
    let first = primary(copies);
    let mut names: Vec<&str> = copies.iter().map(|c| c.workstation.as_str()).collect();
    names.dedup();
    out.push_str("{\"workstations\":");
    out.push_str(&serde_json::to_string(&names).unwrap_or_else(|_| "[]".into()));
    let _ = write!(
        out,
        ",\"status\":\"{}\",\"severity\":\"{}\",\"days_left\":{},\"has_private_key\":{},\"paths\":",
        enum_text(&first.status),
        enum_text(&first.severity),
        first.days,
        copies.iter().any(|c| c.has_private_key),
    );
    join_arrays(out, copies.iter().map(Copy::paths));
    out.push_str(",\"places\":");
    join_arrays(out, copies.iter().map(Copy::places));
    let body = first.document().trim().strip_prefix('{').unwrap_or("}").trim_start();
    if !body.starts_with('}') {
        out.push(',');
    }
    out.push_str(body);
}

/// `write_merged`, checked to be JSON: for the callers that hand documents on as values.
fn merged(copies: &[Copy]) -> Result<Box<RawValue>> {
    let mut text = String::new();
    write_merged(&mut text, copies);
    RawValue::from_string(text).map_err(|e| GroupError::Corrupt(format!("a certificate document: {e}")))
}

/// What `group list` reads: every certificate (its copies, soonest end first), the
/// workstations' read errors, the pending orders, the workstations.
struct ListingParts {
    certificates: Vec<Vec<Copy>>,
    errors: Vec<GroupScanError>,
    pending_orders: Vec<Value>,
    workstations: Vec<WorkstationInfo>,
}

/// The four reads are sent together (the connection pipelines them): the small ones cost no
/// round trip of their own beside the certificates' stream.
fn listing_parts(session: &Session, options: &ReadOptions) -> Result<ListingParts> {
    let (client, server) = (session.client(), session.server());
    session.run("read the certificates", async {
        let ((certificates, left_out), mut errors, pending_orders, workstations) = tokio::try_join!(
            read_copies(client, server, options),
            read_errors(client, server),
            read_pending_orders(client, server, options),
            read_workstations(client, server, options),
        )?;
        errors.extend(left_out);
        Ok(ListingParts { certificates, errors, pending_orders, workstations })
    })
}

/// Every certificate's copies, soonest end first, and the copies left out (too large).
async fn read_copies(client: &tokio_postgres::Client, server: &str, options: &ReadOptions) -> Result<(Vec<Vec<Copy>>, Vec<GroupScanError>)> {
    let err = |e: tokio_postgres::Error| db_error(server, &e);
    // Unordered: sorting 20,000 documents (tens of MB) spills to disk on the server (an
    // external merge sort, +60 % in the benchmark); the copies are grouped here.
    let stream = client.query_raw(&copies_query(""), [&MAX_ROW_BYTES as &(dyn ToSql + Sync)]).await.map_err(err)?;
    pin_mut!(stream);
    let (mut copies, mut left_out, mut bytes) = (Vec::new(), Vec::new(), 0usize);
    while let Some(row) = stream.try_next().await.map_err(err)? {
        let copy = match copy_of(row, options) {
            Ok(copy) => copy,
            Err(error) => {
                if left_out.len() < MAX_WORKSTATIONS as usize {
                    left_out.push(error);
                }
                continue;
            }
        };
        bytes += copy.bytes;
        if copies.len() >= MAX_ROWS || bytes > MAX_TOTAL_BYTES {
            return Err(GroupError::TooLarge(format!("more than {MAX_ROWS} certificate copies or {} MB", MAX_TOTAL_BYTES >> 20)));
        }
        copies.push(copy);
    }
    // Grouped by sorting, without hashing: SipHash was a tenth of the time, and a faster
    // unkeyed hash could be made to collide by a workstation publishing chosen fingerprints.
    copies.sort_unstable_by(|a, b| (&a.sha256, &a.workstation).cmp(&(&b.sha256, &b.workstation)));
    let mut certificates: Vec<Vec<Copy>> = Vec::new();
    for copy in copies {
        match certificates.last_mut() {
            Some(last) if last[0].sha256 == copy.sha256 => last.push(copy),
            _ => certificates.push(vec![copy]),
        }
    }
    // Sorted as the dashboard sorts: soonest end, then name, then fingerprint.
    certificates.sort_by_cached_key(|copies| {
        let first = primary(copies);
        (first.usable_until, first.cn.clone(), first.sha256.clone())
    });
    Ok((certificates, left_out))
}

/// Every workstation's read errors of its last scan.
async fn read_errors(client: &tokio_postgres::Client, server: &str) -> Result<Vec<GroupScanError>> {
    let rows = client
        .query(
            "SELECT w.name, left(e->>'path', $3), left(e->>'code', $3), left(e->>'message', $3)
             FROM certisante.workstations w, json_array_elements(w.document->'errors') WITH ORDINALITY AS errors(e, i)
             WHERE octet_length(w.document::text) <= $2 AND json_typeof(w.document->'errors') = 'array' AND i <= 100
             ORDER BY w.name, i LIMIT $1",
            &[&MAX_WORKSTATIONS, &MAX_ROW_BYTES, &MAX_TEXT_CHARS],
        )
        .await
        .map_err(|e| db_error(server, &e))?;
    Ok(rows
        .iter()
        .map(|row| {
            let text = |i: usize| row.get::<_, Option<String>>(i).unwrap_or_default();
            GroupScanError { workstation: text(0), path: text(1), code: text(2), message: text(3) }
        })
        .collect())
}

/// Orders waiting for the portal's certificate, on every workstation, longest first.
async fn read_pending_orders(client: &tokio_postgres::Client, server: &str, options: &ReadOptions) -> Result<Vec<Value>> {
    let rows = client
        .query(
            "SELECT workstation, id, left(state, 64), CASE WHEN octet_length(r) <= $1 THEN r END, since
             FROM (SELECT workstation, id, state, (document->'request')::text AS r, since
                   FROM certisante.orders WHERE awaiting ORDER BY since, workstation, id LIMIT $2) AS pending ORDER BY since, workstation, id",
            &[&MAX_REQUEST_BYTES, &MAX_WORKSTATIONS],
        )
        .await
        .map_err(|e| db_error(server, &e))?;
    Ok(rows
        .iter()
        .map(|row| {
            let since: DateTime<Utc> = row.get(4);
            let request: Value = row.get::<_, Option<String>>(3).and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null);
            serde_json::json!({
                "id": row.get::<_, String>(1),
                "state": row.get::<_, String>(2),
                "request": request,
                "since": since,
                "days_waiting": (options.now - since).num_days(),
                "workstation": row.get::<_, String>(0),
            })
        })
        .collect())
}

/// `group list`: every certificate of the group, soonest end first, each checked to be
/// JSON (for callers that read them as values; `raw_list` writes them as they are).
pub fn list(session: &Session, options: &ReadOptions) -> Result<GroupListing> {
    let ListingParts { certificates, errors, pending_orders, workstations } = listing_parts(session, options)?;
    let certificates = certificates.iter().map(|copies| merged(copies)).collect::<Result<_>>()?;
    Ok(GroupListing { certificates, errors, pending_orders, workstations })
}

/// `group list --json` as read: the documents kept as the server sent them, written out by
/// [`RawListing::write_json`] without being parsed again (tens of MB: a third of the time).
pub struct RawListing(ListingParts);

/// Reads `group list --json`; every read error comes here, before anything is written.
pub fn raw_list(session: &Session, options: &ReadOptions) -> Result<RawListing> {
    listing_parts(session, options).map(RawListing)
}

impl RawListing {
    /// How many certificates it lists.
    pub fn certificates(&self) -> usize {
        self.0.certificates.len()
    }

    /// `GroupListing` as JSON text, one certificate per line, written as it is made (never
    /// held whole: as large as the documents).
    pub fn write_json<W: std::io::Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        let ListingParts { certificates, errors, pending_orders, workstations } = &self.0;
        out.write_all(b"{\n  \"certificates\": [")?;
        let mut line = String::new();
        for (i, copies) in certificates.iter().enumerate() {
            line.clear();
            line.push_str(if i == 0 { "\n    " } else { ",\n    " });
            write_merged(&mut line, copies);
            out.write_all(line.as_bytes())?;
        }
        out.write_all(if certificates.is_empty() { b"]" } else { b"\n  ]" })?;
        write!(out, ",\n  \"errors\": ")?;
        serde_json::to_writer(&mut *out, errors)?;
        write!(out, ",\n  \"pending_orders\": ")?;
        serde_json::to_writer(&mut *out, pending_orders)?;
        write!(out, ",\n  \"workstations\": ")?;
        serde_json::to_writer(&mut *out, workstations)?;
        out.write_all(b"\n}\n")
    }
}

/// The Groupe view's rows: one per certificate, from the columns only (no document).
/// The rows and the workstations are read together (pipelined, as `list` does).
pub fn rows(session: &Session, options: &ReadOptions) -> Result<GroupRows> {
    let (client, server) = (session.client(), session.server());
    session.run("read the certificates", async {
        let (rows, workstations) = tokio::try_join!(read_rows(client, server, options), read_workstations(client, server, options))?;
        Ok(GroupRows { rows, workstations })
    })
}

/// One row per certificate, soonest end first.
async fn read_rows(client: &tokio_postgres::Client, server: &str, options: &ReadOptions) -> Result<Vec<GroupRow>> {
    let err = |e: tokio_postgres::Error| db_error(server, &e);
    let stream = client
        .query_raw(
            "SELECT sha256, workstation, left(cn, $1), left(organization, $1), left(structure_id, $1), left(structure_kind, $1),
                    left(structure_number, $1), left(environment, $1), left(offer, $1), left(usage, $1),
                    not_before, not_after, usable_until, revoked, replaced, has_private_key
             FROM certisante.certificates ORDER BY sha256, workstation",
            [&MAX_TEXT_CHARS as &(dyn ToSql + Sync)],
        )
        .await
        .map_err(err)?;
    pin_mut!(stream);
    let mut merged: Vec<GroupRow> = Vec::new();
    let (mut count, mut bytes) = (0usize, 0usize);
    while let Some(row) = stream.try_next().await.map_err(err)? {
        count += 1;
        bytes += (2..10).map(|i| row.get::<_, Option<TextBytes>>(i).map_or(0, |t| t.0.len())).sum::<usize>();
        if count > MAX_ROWS || bytes > MAX_TOTAL_BYTES {
            return Err(GroupError::TooLarge(format!("more than {MAX_ROWS} certificate copies or {} MB", MAX_TOTAL_BYTES >> 20)));
        }
        let sha256: String = row.get(0);
        let workstation: String = row.get(1);
        let (status, severity, days) = state_now(row.get(10), row.get(12), row.get(13), row.get(14), options);
        if let Some(last) = merged.last_mut().filter(|r| r.sha256 == sha256) {
            last.workstations.push(workstation);
            last.has_private_key |= row.get::<_, bool>(15);
            if severity > last.severity {
                (last.status, last.severity, last.days_left) = (status, severity, days);
            }
            continue;
        }
        merged.push(GroupRow {
            sha256,
            cn: row.get(2),
            organization: row.get(3),
            structure_id: row.get(4),
            structure_kind: row.get::<_, Option<String>>(5).unwrap_or_default(),
            structure_number: row.get(6),
            environment: text_column(&row, 7).unwrap_or(Environment::Other),
            offer: text_column(&row, 8),
            usage: text_column(&row, 9),
            not_after: row.get(11),
            usable_until: row.get(12),
            days_left: days,
            status,
            severity,
            has_private_key: row.get(15),
            workstations: vec![workstation],
        });
    }
    merged.sort_by(|a, b| (a.usable_until, &a.cn, &a.sha256).cmp(&(b.usable_until, &b.cn, &b.sha256)));
    Ok(merged)
}

/// One certificate, merged as `list` shows it, and each workstation's copy; None when no
/// workstation holds it.
pub fn certificate(session: &Session, sha256: &str, options: &ReadOptions) -> Result<Option<GroupCertificateDetails>> {
    let client = session.client();
    let server = session.server().to_owned();
    let err = |e: tokio_postgres::Error| db_error(&server, &e);
    session.run("read a certificate", async {
        // The subquery picks (ordered, bounded); the outer order is what the copies come in.
        let sql = copies_query("WHERE sha256 = $2 ORDER BY workstation LIMIT $3") + " ORDER BY workstation";
        let rows = client.query(&sql, &[&MAX_ROW_BYTES, &sha256, &MAX_WORKSTATIONS]).await.map_err(err)?;
        let found = !rows.is_empty();
        let copies: Vec<Copy> = rows.into_iter().filter_map(|row| copy_of(row, options).ok()).collect();
        if copies.is_empty() {
            return match found {
                false => Ok(None),
                true => Err(GroupError::TooLarge(format!("every copy of the certificate {sha256} is larger than {MAX_ROW_BYTES} bytes"))),
            };
        }
        let holders = copies
            .iter()
            .map(|c| GroupHolder {
                workstation: c.workstation.clone(),
                places: serde_json::from_str(c.places()).unwrap_or(Value::Array(vec![])),
                has_private_key: c.has_private_key,
                status: c.status,
                severity: c.severity,
                days_left: c.days,
                published_at: c.published_at,
            })
            .collect();
        Ok(Some(GroupCertificateDetails { certificate: merged(&copies)?, holders }))
    })
}

/// The Nagios status of the whole group: the worst certificate, and workstations gone silent.
pub fn status(session: &Session, options: &ReadOptions) -> Result<GroupStatus> {
    let GroupRows { rows, workstations } = rows(session, options)?;
    let count = |pred: &dyn Fn(&GroupRow) -> bool| rows.iter().filter(|r| pred(r)).count() as u32;
    let stale_workstations: Vec<String> = workstations.iter().filter(|w| w.stale).map(|w| w.name.clone()).collect();
    let soonest = rows.iter().filter(|r| r.status != Status::Expired && r.status != Status::Replaced).min_by_key(|r| r.days_left);
    let worst = rows.iter().map(|r| r.severity).max().unwrap_or(Severity::Ok);
    let worst = if !stale_workstations.is_empty() { worst.max(Severity::Warning) } else { worst };
    let (state, exit_code) = match (rows.is_empty(), worst) {
        (true, _) => ("UNKNOWN", 3),
        (false, Severity::Critical) => ("CRITICAL", 2),
        (false, Severity::Warning) => ("WARNING", 1),
        (false, Severity::Ok) => ("OK", 0),
    };
    let mut by_workstation: BTreeMap<&str, u32> = BTreeMap::new();
    for row in &rows {
        for w in &row.workstations {
            *by_workstation.entry(w.as_str()).or_default() += 1;
        }
    }
    Ok(GroupStatus {
        certificates: rows.len() as u32,
        expired: count(&|r| r.status == Status::Expired),
        critical: count(&|r| r.severity == Severity::Critical && r.status != Status::Expired),
        warning: count(&|r| r.severity == Severity::Warning),
        workstations: workstations.len().max(by_workstation.len()) as u32,
        stale_workstations,
        min_days_left: soonest.map(|r| r.days_left),
        soonest: soonest.map(|r| format!("{} on {}", r.cn.as_deref().unwrap_or(&r.sha256[..16]), r.workstations.join(", "))),
        thresholds: options.thresholds,
        state: state.to_owned(),
        exit_code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_join_without_parsing() {
        let joined = |arrays: &[&str]| {
            let mut out = String::new();
            join_arrays(&mut out, arrays.iter().copied());
            out
        };
        assert_eq!(joined(&["[1,2]", "[]", " [ 3 ] "]), "[1,2,3]");
        assert_eq!(joined(&[]), "[]");
    }
}
