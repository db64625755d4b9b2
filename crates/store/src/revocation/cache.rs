//! The revocation cache, in the registry: per certificate its last verified answer and,
//! apart, its last failure (so that offline the answer stays, with the error beside it);
//! per CRL URL the last authentic CRL and when it was downloaded.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::VerifiedCrl;
use super::{Answer, CrlReason, RevocationError, RevocationFailure, RevocationSource, RevocationState, RevocationStatus};

/// The schema, appended to the registry's migrations (number 4).
pub(crate) const SCHEMA: crate::registry::Migration = crate::registry::Migration { owner: "revocation", sql: include_str!("cache.sql") };

fn text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn parse<T: serde::de::DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(value.to_owned())).ok()
}

fn time(value: Option<String>) -> Option<DateTime<Utc>> {
    value.and_then(|v| DateTime::parse_from_rfc3339(&v).ok()).map(|t| t.with_timezone(&Utc))
}

fn stamp(value: Option<DateTime<Utc>>) -> Option<String> {
    value.map(|t| t.to_rfc3339())
}

fn read_answer(row: &Row<'_>) -> rusqlite::Result<Answer> {
    let state: String = row.get(0)?;
    let source: String = row.get(1)?;
    let reason: Option<String> = row.get(3)?;
    Ok(Answer {
        state: parse(&state).unwrap_or(RevocationState::Unknown),
        source: parse(&source).unwrap_or(RevocationSource::Crl),
        revoked_at: time(row.get(2)?),
        reason: reason.as_deref().and_then(parse::<CrlReason>),
        this_update: time(row.get(4)?),
        next_update: time(row.get(5)?),
        checked_at: time(row.get(6)?).unwrap_or_default(),
    })
}

const ANSWER_COLUMNS: &str = "state, source, revoked_at, reason, this_update, next_update, checked_at";

fn answer(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<Answer>> {
    conn.query_row(&format!("SELECT {ANSWER_COLUMNS} FROM revocation_answers WHERE sha256 = ?1"), [sha256], read_answer).optional()
}

fn read_failure(row: &Row<'_>) -> rusqlite::Result<RevocationFailure> {
    Ok(RevocationFailure { code: row.get(0)?, message: row.get(1)?, at: time(row.get(2)?).unwrap_or_default() })
}

fn failure(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<RevocationFailure>> {
    conn.query_row("SELECT code, message, at FROM revocation_failures WHERE sha256 = ?1", [sha256], read_failure).optional()
}

fn combine(answer: Option<Answer>, error: Option<RevocationFailure>, now: DateTime<Utc>) -> RevocationStatus {
    let Some(answer) = answer else { return RevocationStatus { error, ..RevocationStatus::default() } };
    let expired = answer.next_update.is_some_and(|next| next < now) && answer.state != RevocationState::Revoked;
    RevocationStatus {
        state: answer.state,
        source: Some(answer.source),
        revoked_at: answer.revoked_at,
        reason: answer.reason,
        checked_at: Some(answer.checked_at),
        this_update: answer.this_update,
        next_update: answer.next_update,
        stale: error.is_some() || expired,
        error,
    }
}

pub(crate) fn status(conn: &Connection, sha256: &str, now: DateTime<Utc>) -> rusqlite::Result<RevocationStatus> {
    Ok(combine(answer(conn, sha256)?, failure(conn, sha256)?, now))
}

/// Every cached status, in two queries (listing stays fast).
pub(crate) fn all_statuses(conn: &Connection, now: DateTime<Utc>) -> rusqlite::Result<HashMap<String, RevocationStatus>> {
    let mut answers: HashMap<String, Answer> = HashMap::new();
    let mut statement = conn.prepare(&format!("SELECT {ANSWER_COLUMNS}, sha256 FROM revocation_answers"))?;
    for row in statement.query_map([], |r| Ok((r.get::<_, String>(7)?, read_answer(r)?)))? {
        let (sha256, answer) = row?;
        answers.insert(sha256, answer);
    }
    let mut failures: HashMap<String, RevocationFailure> = HashMap::new();
    let mut statement = conn.prepare("SELECT code, message, at, sha256 FROM revocation_failures")?;
    for row in statement.query_map([], |r| Ok((r.get::<_, String>(3)?, read_failure(r)?)))? {
        let (sha256, failure) = row?;
        failures.insert(sha256, failure);
    }
    let mut keys: Vec<String> = answers.keys().chain(failures.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    Ok(keys.into_iter().map(|k| (k.clone(), combine(answers.remove(&k), failures.remove(&k), now))).collect())
}

/// Whether the certificate must be asked about again (see the module's documentation).
pub(crate) fn is_due(conn: &Connection, sha256: &str, now: DateTime<Utc>) -> rusqlite::Result<bool> {
    if failure(conn, sha256)?.is_some() {
        return Ok(true);
    }
    Ok(match answer(conn, sha256)? {
        None => true,
        Some(answer) if answer.state == RevocationState::Revoked => false,
        Some(answer) => answer.reuse_until() <= now,
    })
}

/// A verified answer replaces the previous one and clears the last failure (in the
/// caller's transaction).
pub(crate) fn record_answer(conn: &Connection, sha256: &str, answer: &Answer) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO revocation_answers (sha256, state, source, revoked_at, reason, this_update, next_update, checked_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            sha256,
            text(&answer.state),
            text(&answer.source),
            stamp(answer.revoked_at),
            answer.reason.map(|r| text(&r)),
            stamp(answer.this_update),
            stamp(answer.next_update),
            answer.checked_at.to_rfc3339()
        ],
    )?;
    conn.execute("DELETE FROM revocation_failures WHERE sha256 = ?1", [sha256])?;
    Ok(())
}

/// A failure is kept beside the last answer, which stays.
pub(crate) fn record_failure(conn: &Connection, sha256: &str, error: &RevocationError, now: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO revocation_failures (sha256, code, message, at) VALUES (?1, ?2, ?3, ?4)",
        params![sha256, error.code(), error.to_string(), now.to_rfc3339()],
    )?;
    Ok(())
}

/// The last authentic CRL downloaded from one URL.
pub(crate) struct CachedCrl {
    pub der: Vec<u8>,
    pub next_update: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
}

pub(crate) fn crl(conn: &Connection, url: &str) -> rusqlite::Result<Option<CachedCrl>> {
    conn.query_row("SELECT der, next_update, fetched_at FROM revocation_crls WHERE url = ?1", [url], |r| {
        Ok(CachedCrl { der: r.get(0)?, next_update: time(r.get(1)?), fetched_at: time(r.get(2)?).unwrap_or_default() })
    })
    .optional()
}

/// When the CRL from `url` was last downloaded, if ever.
pub(crate) fn crl_fetched_at(conn: &Connection, url: &str) -> rusqlite::Result<Option<DateTime<Utc>>> {
    Ok(crl(conn, url)?.map(|c| c.fetched_at))
}

pub(crate) fn store_crl(conn: &Connection, url: &str, der: &[u8], crl: &VerifiedCrl, fetched_at: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO revocation_crls (url, der, this_update, next_update, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![url, der, crl.this_update.to_rfc3339(), stamp(crl.next_update), fetched_at.to_rfc3339()],
    )?;
    Ok(())
}
