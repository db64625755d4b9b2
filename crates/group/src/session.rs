//! One connection to the group database, used from blocking code: tokio-postgres on a
//! current-thread runtime of its own (nothing else runs on it), every wait bounded. The
//! connection (TCP or socket, TLS, authentication) by the address's connect_timeout; each
//! operation by the server's statement_timeout, and by a client-side limit a little longer
//! for a server or network that stops answering altogether.

use std::future::Future;
use std::time::Duration;

use certisante_pki::Sensitive;
use tokio_postgres::error::SqlState;

use crate::address::{Address, Host, SslMode};
use crate::error::{GroupError, Result};

/// The server cancels a statement that runs longer (set at login).
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
/// Waiting for a row lock or the publication's advisory lock.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(5);
/// The client gives up on one operation (a few statements) after this.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Session {
    runtime: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
    server: String,
    /// The driver task of the connection: stopped with the session.
    driver: tokio::task::JoinHandle<()>,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Session {
    /// Connects with `password` (the address's own, or one found elsewhere), within the
    /// address's connect_timeout for everything: TCP, TLS, authentication.
    pub fn connect(address: &Address, password: Option<&Sensitive<String>>) -> Result<Self> {
        let server = address.server();
        // One worker for the connection (TLS, the protocol) beside the caller's thread,
        // which reads the rows: tens of MB for `group list`, decoded while they are used.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| GroupError::Server(format!("cannot start the database client: {e}")))?;
        let mut config = tokio_postgres::Config::new();
        match &address.host {
            Host::Tcp(host) => {
                config.host(host);
            }
            #[cfg(unix)]
            Host::Socket(dir) => {
                config.host_path(dir);
            }
            #[cfg(not(unix))]
            Host::Socket(dir) => return Err(GroupError::InvalidAddress(format!("Unix sockets do not exist here: {}", dir.display()))),
        }
        if let Some(addr) = address.hostaddr {
            config.hostaddr(addr);
        }
        config.port(address.port).user(&address.user).dbname(&address.dbname);
        if let Some(password) = password.or(address.password.as_ref()) {
            config.password(password.expose().as_bytes());
        }
        let ms = |d: Duration| d.as_millis();
        let mut options = format!(
            "-c statement_timeout={} -c lock_timeout={} -c idle_in_transaction_session_timeout={}",
            ms(STATEMENT_TIMEOUT),
            ms(LOCK_TIMEOUT),
            ms(OPERATION_TIMEOUT)
        );
        if let Some(extra) = &address.options {
            options.push(' ');
            options.push_str(extra);
        }
        config.options(&options);
        config.application_name(address.application_name.as_deref().unwrap_or("certisante"));
        config.connect_timeout(address.connect_timeout);
        config.keepalives_idle(Duration::from_secs(30));
        #[cfg(target_os = "linux")]
        config.tcp_user_timeout(OPERATION_TIMEOUT);
        config.ssl_mode(match address.sslmode {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Allow | SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => tokio_postgres::config::SslMode::Require,
        });
        let tls = crate::tls::client_config(address)?;
        let limit = address.connect_timeout;
        let seconds = limit.as_secs();
        let connected = runtime.block_on(async {
            let connecting = async {
                match tls {
                    None => {
                        let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
                        let driver = tokio::spawn(async move {
                            let _ = connection.await;
                        });
                        Ok::<_, tokio_postgres::Error>((client, driver))
                    }
                    Some(tls) => {
                        let (client, connection) = config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls)).await?;
                        let driver = tokio::spawn(async move {
                            let _ = connection.await;
                        });
                        Ok((client, driver))
                    }
                }
            };
            tokio::time::timeout(limit, connecting).await
        });
        let (client, driver) = match connected {
            Err(_) => return Err(GroupError::Timeout { server, what: "connection", seconds }),
            Ok(Err(e)) => return Err(connect_error(&server, &address.user, e)),
            Ok(Ok(pair)) => pair,
        };
        Ok(Self { runtime, client, server, driver })
    }

    /// `user@host:port/db`, for messages.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The connection, for the statements of an operation given to [`Session::run`].
    pub(crate) fn client(&self) -> &tokio_postgres::Client {
        &self.client
    }

    /// Runs one operation (a few statements, `client()`'s futures) within
    /// [`OPERATION_TIMEOUT`]. Transactions are `BEGIN`/`COMMIT` statements: a session whose
    /// operation failed half-way is dropped, never used again.
    pub(crate) fn run<T>(&self, what: &'static str, work: impl Future<Output = Result<T>>) -> Result<T> {
        // The timer is made inside the runtime (it needs its clock).
        match self.runtime.block_on(async { tokio::time::timeout(OPERATION_TIMEOUT, work).await }) {
            Ok(result) => result,
            Err(_) => Err(GroupError::Timeout { server: self.server.clone(), what, seconds: OPERATION_TIMEOUT.as_secs() }),
        }
    }
}

/// Why connecting failed, as a coded error: TLS, authentication, a missing password, or
/// the server out of reach.
fn connect_error(server: &str, user: &str, error: tokio_postgres::Error) -> GroupError {
    let server = server.to_owned();
    if let Some(db) = error.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD || *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            return GroupError::Authentication { server, reason: db.message().to_owned() };
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return GroupError::Unreachable { server, reason: db.message().to_owned() };
        }
        return db_error(&server, &error);
    }
    let text = chain(&error);
    if text.contains("password missing") {
        return GroupError::NoPassword { server, user: user.to_owned() };
    }
    if let Some(tls) = find_rustls(&error) {
        return GroupError::Tls { server, reason: tls };
    }
    if text.contains("server does not support TLS") || text.contains("TLS") {
        return GroupError::Tls { server, reason: text };
    }
    GroupError::Unreachable { server, reason: chain(&error) }
}

/// A rustls error somewhere in the cause chain (tokio-rustls wraps it in an io::Error).
fn find_rustls(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                    return Some(tls.to_string());
                }
            }
        }
        current = e.source();
    }
    None
}

/// The error and its causes on one line.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut current = error.source();
    while let Some(e) = current {
        let cause = e.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        current = e.source();
    }
    text
}

/// A statement's failure as a coded error. Row-level security and missing privileges are
/// `group.denied` (the publication names `group.not_owner` itself), a cancelled statement a
/// timeout, a missing schema `group.not_initialised`, a lost connection `group.unreachable`.
pub(crate) fn db_error(server: &str, error: &tokio_postgres::Error) -> GroupError {
    let server = server.to_owned();
    match error.as_db_error() {
        Some(db) => {
            let code = db.code();
            let message = match db.detail() {
                Some(detail) => format!("{} ({detail})", db.message()),
                None => db.message().to_owned(),
            };
            if *code == SqlState::CHECK_VIOLATION && db.constraint().is_some_and(|c| c.ends_with("_size")) {
                // The schema's size limits (migration 2): what a reader could not take.
                GroupError::RowTooLarge(message)
            } else if *code == SqlState::INSUFFICIENT_PRIVILEGE {
                GroupError::Denied(message)
            } else if *code == SqlState::UNDEFINED_TABLE || *code == SqlState::INVALID_SCHEMA_NAME {
                GroupError::NotInitialised(server)
            } else if *code == SqlState::QUERY_CANCELED {
                GroupError::Timeout { server, what: "statement", seconds: STATEMENT_TIMEOUT.as_secs() }
            } else if *code == SqlState::LOCK_NOT_AVAILABLE {
                GroupError::Timeout { server, what: "lock", seconds: LOCK_TIMEOUT.as_secs() }
            } else if code.code().starts_with("08") || code.code().starts_with("57P") {
                GroupError::Unreachable { server, reason: message }
            } else {
                GroupError::Server(format!("{message} [{}]", code.code()))
            }
        }
        None if error.is_closed() || find_io(error) => GroupError::Unreachable { server, reason: chain(error) },
        None => GroupError::Server(chain(error)),
    }
}

fn find_io(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if e.is::<std::io::Error>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// `?` on tokio-postgres results inside an operation: `.map_err(on(server))`.
pub(crate) fn on(server: &str) -> impl Fn(tokio_postgres::Error) -> GroupError + '_ {
    move |e| db_error(server, &e)
}
