//! The group database's schema: versioned migrations (SQL files in `migrations/`, numbered,
//! never changed once shipped: add another), run by `group init` in one transaction under
//! an advisory lock (two inits at once: one waits, the other finds nothing to do), and the
//! check every other use makes first.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{GroupError, Result};
use crate::session::{on, Session};

/// Every migration, in order: (version, name, SQL).
pub const MIGRATIONS: &[(i32, &str, &str)] =
    &[(1, "inventory", include_str!("../migrations/0001_inventory.sql")), (2, "limits", include_str!("../migrations/0002_limits.sql"))];

/// The schema version this CertiSanté knows.
pub fn known_version() -> i32 {
    MIGRATIONS.last().map_or(0, |m| m.0)
}

/// Key of the advisory lock `init` holds (any constant: "CertiSanté" in ASCII, folded).
const INIT_LOCK: i64 = 0x4365_7274_6953_616e;

/// What `group init` did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InitReport {
    /// The database, without password.
    pub server: String,
    /// Schema version before (0: none) and after.
    pub from_version: i32,
    pub to_version: i32,
    /// This group database's identity.
    pub group_id: String,
}

/// Creates or migrates the schema. Needs the administrator's rights: creating a schema in
/// the database, and roles (CREATEROLE) the first time.
pub fn init(session: &Session) -> Result<InitReport> {
    let server = session.server().to_owned();
    let client = session.client();
    let err = on(&server);
    session.run("init", async {
        client.batch_execute("BEGIN").await.map_err(&err)?;
        client.execute("SELECT pg_advisory_xact_lock($1)", &[&INIT_LOCK]).await.map_err(&err)?;
        client
            .batch_execute(
                "CREATE SCHEMA IF NOT EXISTS certisante;
                 CREATE TABLE IF NOT EXISTS certisante.schema_version (
                     version integer PRIMARY KEY,
                     name text NOT NULL,
                     applied_at timestamptz NOT NULL DEFAULT now()
                 );",
            )
            .await
            .map_err(&err)?;
        let row = client.query_one("SELECT coalesce(max(version), 0) FROM certisante.schema_version", &[]).await.map_err(&err)?;
        let from: i32 = row.get(0);
        if from > known_version() {
            let _ = client.batch_execute("ROLLBACK").await;
            return Err(GroupError::NewerSchema { found: from, known: known_version() });
        }
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > from) {
            client.batch_execute(sql).await.map_err(&err)?;
            client.execute("INSERT INTO certisante.schema_version (version, name) VALUES ($1, $2)", &[version, name]).await.map_err(&err)?;
        }
        let row = client.query_one("SELECT group_id::text FROM certisante.group_info", &[]).await.map_err(&err)?;
        let group_id: String = row.get(0);
        client.batch_execute("COMMIT").await.map_err(&err)?;
        Ok(InitReport { server: server.clone(), from_version: from, to_version: known_version(), group_id })
    })
}

/// The schema's version and the database's identity; refuses a database without the
/// inventory, or with a schema newer than this version knows.
pub fn check(session: &Session) -> Result<String> {
    let server = session.server().to_owned();
    let client = session.client();
    let err = on(&server);
    session.run("schema check", async {
        let row = client
            .query_one("SELECT (SELECT max(version) FROM certisante.schema_version), (SELECT group_id::text FROM certisante.group_info)", &[])
            .await
            .map_err(&err)?;
        let version: Option<i32> = row.get(0);
        let group_id: Option<String> = row.get(1);
        match (version, group_id) {
            (Some(v), _) if v > known_version() => Err(GroupError::NewerSchema { found: v, known: known_version() }),
            (Some(_), Some(id)) => Ok(id),
            _ => Err(GroupError::NotInitialised(server.clone())),
        }
    })
}
