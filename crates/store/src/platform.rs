//! Whether the IGC-Santé platform's addresses answer (for `doctor`). Each address is asked
//! once, all at the same time, and the whole check ends by a deadline whatever the network
//! does (a resolver that never answers included): offline is a clear "unreachable", never
//! a wait. Any HTTP answer counts as "answers": the card-authenticated address may well
//! send a login page or a redirect, which is not followed.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::procedure::{self, PlatformAddress};
use certisante_devices::doctor::{CheckOutcome, DoctorCheck};

/// The codes of the doctor's platform lines.
pub const CHECK_CODES: &[&str] = &["platform.unreachable", "platform.tls_failed"];

/// How long one address may take, and the whole check.
#[derive(Debug, Clone, Copy)]
pub struct PlatformTimeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for PlatformTimeouts {
    fn default() -> Self {
        Self { connect: Duration::from_secs(4), total: Duration::from_secs(8) }
    }
}

/// What asking one address gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reachability {
    /// It answered, with this HTTP status.
    Answers(u16),
    /// The connection was made but TLS failed (a proxy that intercepts, a clock far off).
    TlsFailed(String),
    /// No answer: no network, no name resolution, refused, or nothing within the time.
    Unreachable(String),
}

fn ask(url: &str, timeouts: PlatformTimeouts) -> Reachability {
    let client = match reqwest::blocking::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("CertiSante/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(e) => return Reachability::Unreachable(e.to_string()),
    };
    match client.head(url).send() {
        Ok(response) => Reachability::Answers(response.status().as_u16()),
        Err(e) => {
            let chain = error_chain(&e);
            let tls = ["certificate", "tls", "handshake", "InvalidCertificate", "UnknownIssuer"].iter().any(|w| chain.contains(w));
            if e.is_connect() && tls {
                Reachability::TlsFailed(chain)
            } else if e.is_timeout() {
                Reachability::Unreachable(format!("no answer within {} s", timeouts.total.as_secs()))
            } else {
                Reachability::Unreachable(chain)
            }
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Asks every address at once; returns by `timeouts.total` plus a second, each address with
/// what it gave (unreachable when its thread did not report in time).
pub fn reachability(urls: &[String], timeouts: PlatformTimeouts) -> Vec<Reachability> {
    let (sender, receiver) = mpsc::channel();
    for (index, url) in urls.iter().enumerate() {
        let (sender, url) = (sender.clone(), url.clone());
        // A thread per address, detached: a resolver stuck past the deadline is left behind.
        thread::spawn(move || {
            let _ = sender.send((index, ask(&url, timeouts)));
        });
    }
    drop(sender);
    let deadline = Instant::now() + timeouts.total + Duration::from_secs(1);
    let mut results: Vec<Option<Reachability>> = vec![None; urls.len()];
    while results.iter().any(Option::is_none) {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else { break };
        match receiver.recv_timeout(left) {
            Ok((index, result)) => results[index] = Some(result),
            Err(_) => break,
        }
    }
    let late = format!("no answer within {} s", timeouts.total.as_secs());
    results.into_iter().map(|r| r.unwrap_or_else(|| Reachability::Unreachable(late.clone()))).collect()
}

/// The doctor's lines for the platform's addresses (`platform:<id>`): a warning when one
/// does not answer, since orders and renewals need it but watching does not.
pub fn platform_checks(addresses: &[PlatformAddress], timeouts: PlatformTimeouts) -> Vec<DoctorCheck> {
    let urls: Vec<String> = addresses.iter().map(|a| a.url.clone()).collect();
    let results = reachability(&urls, timeouts);
    addresses
        .iter()
        .zip(results)
        .map(|(address, result)| {
            let id = format!("platform:{}", address.id);
            let (outcome, message, fix, code) = match result {
                Reachability::Answers(status) => (CheckOutcome::Ok, format!("{} answers (HTTP {status})", address.url), None, None),
                Reachability::TlsFailed(reason) => (
                    CheckOutcome::Warning,
                    format!("{} answers, but its TLS certificate is refused: {reason}", address.url),
                    Some("check the workstation's clock, and whether a proxy intercepts HTTPS"),
                    Some("platform.tls_failed"),
                ),
                Reachability::Unreachable(reason) => (
                    CheckOutcome::Warning,
                    format!("{} is unreachable: {reason}", address.url),
                    Some("check the network connection (and the proxy): ordering and renewing need the platform; watching does not"),
                    Some("platform.unreachable"),
                ),
            };
            DoctorCheck { id, outcome, message, fix: fix.map(str::to_owned), code: code.map(str::to_owned) }
        })
        .collect()
}

/// The checks for every address in `procedure.json`.
pub fn check_all(timeouts: PlatformTimeouts) -> Vec<DoctorCheck> {
    platform_checks(&procedure::procedure().platforms, timeouts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    fn address(id: &str, url: String) -> PlatformAddress {
        PlatformAddress {
            id: id.into(),
            url,
            environment: crate::igc::Environment::Prod,
            opened_by_the_app: false,
            label_fr: String::new(),
            label_en: String::new(),
            source: "procedure".into(),
        }
    }

    #[test]
    fn answers_refusals_and_silence_each_get_a_line_within_the_deadline() {
        // A server that answers a redirect (as a login page would), one that accepts and
        // never answers, and a closed port.
        let answering = TcpListener::bind("127.0.0.1:0").unwrap();
        let answering_url = format!("http://{}/pfcng-ihm", answering.local_addr().unwrap());
        thread::spawn(move || {
            for stream in answering.incoming().flatten().take(1) {
                let mut stream = stream;
                let mut buffer = [0u8; 1024];
                let _ = stream.read(&mut buffer);
                let _ = stream.write_all(b"HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/\r\nContent-Length: 0\r\n\r\n");
            }
        });
        let silent = TcpListener::bind("127.0.0.1:0").unwrap();
        let silent_url = format!("http://{}/", silent.local_addr().unwrap());
        let closed = TcpListener::bind("127.0.0.1:0").unwrap();
        let closed_url = format!("http://{}/", closed.local_addr().unwrap());
        drop(closed);

        let timeouts = PlatformTimeouts { connect: Duration::from_secs(1), total: Duration::from_secs(2) };
        let started = Instant::now();
        let checks = platform_checks(&[address("answering", answering_url), address("silent", silent_url), address("closed", closed_url)], timeouts);
        assert!(started.elapsed() < Duration::from_secs(4), "bounded by the deadline: {:?}", started.elapsed());
        assert_eq!(checks[0].outcome, CheckOutcome::Ok, "{checks:?}");
        assert!(checks[0].message.contains("HTTP 302"), "a redirect is an answer, not followed: {}", checks[0].message);
        for check in &checks[1..] {
            assert_eq!((check.outcome, check.code.as_deref()), (CheckOutcome::Warning, Some("platform.unreachable")), "{check:?}");
            assert!(check.message.contains("unreachable"), "{}", check.message);
        }
        assert_eq!(checks.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["platform:answering", "platform:silent", "platform:closed"]);
        drop(silent);
    }

    #[test]
    fn the_data_lists_every_address_to_check() {
        let ids: Vec<&str> = procedure::procedure().platforms.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["card_authenticated", "public", "ihm"]);
    }
}
