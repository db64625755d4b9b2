//! The local side of publishing to the group inventory (crates/group holds the PostgreSQL
//! side): what the group database holds of this workstation as it last acknowledged it
//! (`group_published`: one content hash per item), and the backlog (`group_outbox`: the
//! changes still to send, with their rows). A publication first queues the difference
//! between what the registry holds now and what the group acknowledged, then sends the
//! backlog; what could not be sent waits here, and the next publication sends it. Nothing
//! here knows PostgreSQL: items are opaque rows with a hash.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::registry::{Migration, Registry, RegistryError};

pub(crate) const SCHEMA: Migration = Migration { owner: "group_outbox", sql: include_str!("group_outbox.sql") };

/// What an item of the group inventory stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// The workstation itself: its name, the establishments it serves (sent first).
    Workstation,
    Certificate,
    Order,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Workstation => "workstation",
            ItemKind::Certificate => "certificate",
            ItemKind::Order => "order",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "workstation" => Some(ItemKind::Workstation),
            "certificate" => Some(ItemKind::Certificate),
            "order" => Some(ItemKind::Order),
            _ => None,
        }
    }
}

/// One item as this workstation holds it now: its row for the group and the row's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupItem {
    pub kind: ItemKind,
    pub key: String,
    pub hash: String,
    /// The row to send (JSON text).
    pub payload: String,
}

/// One item the group database holds, by its hash.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Published {
    pub kind: ItemKind,
    pub key: String,
    pub hash: String,
}

/// A change waiting to be sent: a new or changed item (`hash` and `payload`), or a removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub kind: ItemKind,
    pub key: String,
    pub hash: Option<String>,
    pub payload: Option<String>,
    pub queued_at: DateTime<Utc>,
}

/// Why the last publication did not finish, as its error said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GroupFailure {
    pub code: String,
    pub message: String,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
}

/// The backlog and the last publications, for the settings, the Groupe view and metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct GroupBacklog {
    /// Changes waiting to be sent.
    pub pending: u32,
    /// Since when the oldest of them waits.
    #[ts(type = "string | null")]
    pub oldest_queued_at: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub last_success_at: Option<DateTime<Utc>>,
    /// The last attempt's failure; None once an attempt succeeds.
    pub last_failure: Option<GroupFailure>,
}

type Key = (ItemKind, String);

impl Registry {
    /// Ties the local tables to one group database and workstation name (`target`, an
    /// identity the caller makes of both). Another target than the recorded one makes what
    /// was acknowledged meaningless: both tables are emptied. True when that happened.
    pub fn group_bind(&self, target: &str) -> Result<bool, RegistryError> {
        self.group_rebind("target", target)
    }

    /// Ties the local tables to the group database's own identity (made by `group init`): a
    /// database created again holds nothing this workstation sent. True when it changed.
    pub fn group_bind_database(&self, group_id: &str) -> Result<bool, RegistryError> {
        self.group_rebind("group_id", group_id)
    }

    fn group_rebind(&self, key: &str, value: &str) -> Result<bool, RegistryError> {
        if state_value(&self.read(), key)?.as_deref() == Some(value) {
            return Ok(false);
        }
        self.write(|tx| {
            let known: Option<String> = tx.query_row("SELECT value FROM group_state WHERE key = ?1", [key], |r| r.get(0)).optional()?;
            if known.as_deref() == Some(value) {
                return Ok(false);
            }
            // What was acknowledged (and queued) was for another database or name.
            if known.is_some() {
                tx.execute("DELETE FROM group_published", [])?;
                tx.execute("DELETE FROM group_outbox", [])?;
                if key == "target" {
                    tx.execute("DELETE FROM group_state WHERE key = 'group_id'", [])?;
                }
            }
            tx.execute("INSERT INTO group_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![key, value])?;
            Ok::<_, RegistryError>(known.is_some())
        })
    }

    /// What the group database holds of this workstation, as last acknowledged, sorted.
    pub fn group_published(&self) -> Result<Vec<Published>, RegistryError> {
        let conn = self.read();
        let mut statement = conn.prepare("SELECT kind, key, hash FROM group_published")?;
        let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut published = Vec::new();
        for row in rows {
            let (kind, key, hash) = row?;
            if let Some(kind) = ItemKind::parse(&kind) {
                published.push(Published { kind, key, hash });
            }
        }
        published.sort();
        Ok(published)
    }

    /// Queues the difference between `desired` (every item as the registry holds it now)
    /// and what the group acknowledged: new and changed items, and removals. The backlog
    /// becomes exactly that difference (a change made and undone while the server was away
    /// leaves nothing); an item still waiting keeps the time it was first queued. Nothing
    /// is written when the backlog is already right. Returns how many changes wait.
    pub fn group_queue(&self, desired: &[GroupItem], now: DateTime<Utc>) -> Result<usize, RegistryError> {
        let wanted = {
            let conn = self.read();
            let outbox = wanted_outbox(&conn, desired, now)?;
            if outbox_matches(&conn, &outbox)? {
                return Ok(outbox.len());
            }
            outbox
        };
        self.write(|tx| {
            // Computed again inside the write: another process may have published meanwhile.
            let wanted = if outbox_matches(tx, &wanted)? { return Ok(wanted.len()) } else { wanted_outbox(tx, desired, now)? };
            tx.execute("DELETE FROM group_outbox", [])?;
            let mut insert = tx.prepare("INSERT INTO group_outbox (kind, key, hash, payload, queued_at) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for entry in wanted.values() {
                insert.execute(params![entry.kind.as_str(), entry.key, entry.hash, entry.payload, entry.queued_at.to_rfc3339()])?;
            }
            Ok(wanted.len())
        })
    }

    /// The backlog in sending order: the workstation first (the other rows refer to it),
    /// then certificates and orders.
    pub fn group_outbox(&self) -> Result<Vec<OutboxEntry>, RegistryError> {
        let conn = self.read();
        let mut entries: Vec<OutboxEntry> = read_outbox(&conn)?.into_values().collect();
        entries.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
        Ok(entries)
    }

    /// Records that the group database committed these changes (`Some(hash)`: holds the item
    /// with that hash; `None`: removed it). Their backlog entries go, unless a newer version
    /// of the item was queued meanwhile.
    pub fn group_acknowledge(&self, committed: &[(ItemKind, String, Option<String>)]) -> Result<(), RegistryError> {
        self.write(|tx| {
            for (kind, key, hash) in committed {
                match hash {
                    Some(hash) => tx.execute(
                        "INSERT INTO group_published (kind, key, hash) VALUES (?1, ?2, ?3) ON CONFLICT(kind, key) DO UPDATE SET hash = excluded.hash",
                        params![kind.as_str(), key, hash],
                    )?,
                    None => tx.execute("DELETE FROM group_published WHERE kind = ?1 AND key = ?2", params![kind.as_str(), key])?,
                };
                tx.execute("DELETE FROM group_outbox WHERE kind = ?1 AND key = ?2 AND hash IS ?3", params![kind.as_str(), key, hash])?;
            }
            Ok(())
        })
    }

    /// Replaces what was acknowledged by what the group database says it holds (after a
    /// crash between its commit and ours, or a database changed behind our back).
    pub fn group_replace_published(&self, items: &[Published]) -> Result<(), RegistryError> {
        self.write(|tx| {
            tx.execute("DELETE FROM group_published", [])?;
            let mut insert = tx.prepare("INSERT INTO group_published (kind, key, hash) VALUES (?1, ?2, ?3)")?;
            for item in items {
                insert.execute(params![item.kind.as_str(), item.key, item.hash])?;
            }
            Ok(())
        })
    }

    /// Records a publication's outcome (the attempt's time; success, or its failure).
    pub fn group_record_attempt(&self, at: DateTime<Utc>, failure: Option<&GroupFailure>) -> Result<(), RegistryError> {
        self.write(|tx| {
            let set = |key: &str, value: &str| {
                tx.execute("INSERT INTO group_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", params![key, value])
            };
            set("last_attempt_at", &at.to_rfc3339())?;
            match failure {
                None => {
                    set("last_success_at", &at.to_rfc3339())?;
                    tx.execute("DELETE FROM group_state WHERE key = 'last_failure'", [])?;
                }
                Some(failure) => {
                    set("last_failure", &serde_json::to_string(failure).unwrap_or_default())?;
                }
            }
            Ok(())
        })
    }

    /// The backlog and the last publications.
    pub fn group_backlog(&self) -> Result<GroupBacklog, RegistryError> {
        let conn = self.read();
        let (pending, oldest): (u32, Option<String>) =
            conn.query_row("SELECT count(*), min(queued_at) FROM group_outbox", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let time = |key: &str| -> Result<Option<DateTime<Utc>>, RegistryError> { Ok(state_value(&conn, key)?.as_deref().and_then(parse_time)) };
        Ok(GroupBacklog {
            pending,
            oldest_queued_at: oldest.as_deref().and_then(parse_time),
            last_attempt_at: time("last_attempt_at")?,
            last_success_at: time("last_success_at")?,
            last_failure: state_value(&conn, "last_failure")?.and_then(|text| serde_json::from_str(&text).ok()),
        })
    }
}

fn state_value(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>, RegistryError> {
    Ok(conn.query_row("SELECT value FROM group_state WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|d| d.with_timezone(&Utc))
}

fn read_outbox(conn: &rusqlite::Connection) -> Result<HashMap<Key, OutboxEntry>, RegistryError> {
    let mut statement = conn.prepare("SELECT kind, key, hash, payload, queued_at FROM group_outbox")?;
    let rows = statement.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?, r.get::<_, Option<String>>(3)?, r.get::<_, String>(4)?))
    })?;
    let mut entries = HashMap::new();
    for row in rows {
        let (kind, key, hash, payload, queued_at) = row?;
        let Some(kind) = ItemKind::parse(&kind) else { continue };
        let queued_at = parse_time(&queued_at).unwrap_or_else(Utc::now);
        entries.insert((kind, key.clone()), OutboxEntry { kind, key, hash, payload, queued_at });
    }
    Ok(entries)
}

/// The backlog `desired` calls for, given what was acknowledged and what waits already.
fn wanted_outbox(conn: &rusqlite::Connection, desired: &[GroupItem], now: DateTime<Utc>) -> Result<BTreeMap<Key, OutboxEntry>, RegistryError> {
    let published: HashMap<Key, String> = {
        let mut statement = conn.prepare("SELECT kind, key, hash FROM group_published")?;
        let rows = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        let mut map = HashMap::new();
        for row in rows {
            let (kind, key, hash) = row?;
            if let Some(kind) = ItemKind::parse(&kind) {
                map.insert((kind, key), hash);
            }
        }
        map
    };
    let waiting = read_outbox(conn)?;
    let since = |key: &Key, hash: Option<&String>| waiting.get(key).filter(|e| e.hash.as_ref() == hash).map_or(now, |e| e.queued_at);
    let mut wanted = BTreeMap::new();
    let mut present = std::collections::HashSet::with_capacity(desired.len());
    for item in desired {
        let key = (item.kind, item.key.clone());
        present.insert(key.clone());
        if published.get(&key) == Some(&item.hash) {
            continue;
        }
        let queued_at = since(&key, Some(&item.hash));
        wanted
            .insert(key, OutboxEntry { kind: item.kind, key: item.key.clone(), hash: Some(item.hash.clone()), payload: Some(item.payload.clone()), queued_at });
    }
    for key in published.keys().filter(|k| !present.contains(*k)) {
        let queued_at = since(key, None);
        wanted.insert(key.clone(), OutboxEntry { kind: key.0, key: key.1.clone(), hash: None, payload: None, queued_at });
    }
    Ok(wanted)
}

/// True when the backlog already holds exactly `wanted` (same items, same versions).
fn outbox_matches(conn: &rusqlite::Connection, wanted: &BTreeMap<Key, OutboxEntry>) -> Result<bool, RegistryError> {
    let waiting = read_outbox(conn)?;
    Ok(waiting.len() == wanted.len() && wanted.iter().all(|(key, entry)| waiting.get(key).is_some_and(|w| w.hash == entry.hash)))
}
