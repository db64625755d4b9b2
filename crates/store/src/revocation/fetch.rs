//! Plain HTTP for CRLs and OCSP (both are signed: no TLS needed), every request bounded
//! by a connect and a total timeout and a size cap, so that a dead or slow server costs
//! seconds, never the app.
//!
//! The URLs come from certificates, so a certificate chooses where CertiSanté connects.
//! Only certificates whose chain verifies get there (see `refresh`), and even then: no
//! redirect to another host, and no address on this machine or its private networks
//! (loopback, link-local, RFC 1918, unique local) unless `allow_private_networks` says so
//! (a test lab, an internal mirror). The host is resolved once and the connection pinned
//! to the addresses checked, so a name cannot change its answer in between.

use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use super::{Result, RevocationError};

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(10);
/// IGC-Santé's CRLs weigh a few MB; beyond this, something is wrong.
pub const MAX_CRL_SIZE: u64 = 20 * 1024 * 1024;
pub const MAX_OCSP_SIZE: u64 = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    /// The whole request, answer included.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { connect: CONNECT_TIMEOUT, total: TOTAL_TIMEOUT }
    }
}

pub(crate) struct Client {
    timeouts: Timeouts,
    allow_private_networks: bool,
}

/// Redirects followed, at most (to the same host only).
const MAX_REDIRECTS: usize = 3;

impl Client {
    pub(crate) fn new(timeouts: Timeouts, allow_private_networks: bool) -> Self {
        Self { timeouts, allow_private_networks }
    }

    pub(crate) fn get(&self, url: &str, limit: u64) -> Result<Vec<u8>> {
        let client = self.client(url)?;
        read_limited(url, client.get(url).send(), limit)
    }

    pub(crate) fn post(&self, url: &str, content_type: &str, body: Vec<u8>, limit: u64) -> Result<Vec<u8>> {
        let client = self.client(url)?;
        read_limited(url, client.post(url).header(reqwest::header::CONTENT_TYPE, content_type).body(body).send(), limit)
    }

    /// A client for `url` alone: its host resolved and checked now, the connection pinned to
    /// the addresses allowed, redirects only to that host.
    fn client(&self, url: &str) -> Result<reqwest::blocking::Client> {
        let parsed = reqwest::Url::parse(url).map_err(|e| RevocationError::Unreachable { url: url.into(), reason: e.to_string() })?;
        let host = parsed.host_str().ok_or_else(|| RevocationError::Unreachable { url: url.into(), reason: "no host".into() })?.to_owned();
        let port = parsed.port_or_known_default().unwrap_or(80);
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let resolved: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
            Ok(ip) => vec![SocketAddr::new(ip, port)],
            Err(_) => (bare, port).to_socket_addrs().map_err(|e| RevocationError::Unreachable { url: url.into(), reason: e.to_string() })?.collect(),
        };
        let allowed: Vec<SocketAddr> = resolved.into_iter().filter(|a| self.allow_private_networks || is_public(a.ip())).collect();
        if allowed.is_empty() {
            return Err(RevocationError::AddressRefused { url: url.into() });
        }
        let origin = host.clone();
        let mut builder = reqwest::blocking::Client::builder()
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.total)
            .user_agent(concat!("CertiSante/", env!("CARGO_PKG_VERSION")))
            .no_proxy()
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() > MAX_REDIRECTS {
                    attempt.error("too many redirects")
                } else if attempt.url().host_str() == Some(origin.as_str()) {
                    attempt.follow()
                } else {
                    attempt.error(RedirectElsewhere)
                }
            }));
        if bare.parse::<IpAddr>().is_err() {
            builder = builder.resolve_to_addrs(bare, &allowed);
        }
        builder.build().map_err(|e| RevocationError::Unreachable { url: url.into(), reason: e.to_string() })
    }
}

/// The redirect policy's refusal, found again in the error's causes.
#[derive(Debug)]
struct RedirectElsewhere;

impl std::fmt::Display for RedirectElsewhere {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("redirected to another host")
    }
}

impl std::error::Error for RedirectElsewhere {}

/// An address of the internet at large: not this machine, not a private or link-local
/// network, not unspecified, multicast or broadcast.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                // Shared address space (RFC 6598, carrier-grade NAT) and "this network".
                || (a == 100 && (64..128).contains(&b))
                || a == 0)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                // Unique local fc00::/7 and link-local fe80::/10.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

fn read_limited(url: &str, sent: reqwest::Result<reqwest::blocking::Response>, limit: u64) -> Result<Vec<u8>> {
    let response = sent.map_err(|e| network_error(url, &e))?;
    let status = response.status();
    if !status.is_success() {
        return Err(RevocationError::HttpStatus { url: url.into(), status: status.as_u16() });
    }
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(RevocationError::TooLarge { url: url.into(), limit });
    }
    let mut body = Vec::new();
    let mut reader = response.take(limit + 1);
    reader.read_to_end(&mut body).map_err(|e| {
        // The body's own read errors wrap reqwest's (timeout while reading).
        match e.get_ref().and_then(|inner| inner.downcast_ref::<reqwest::Error>()) {
            Some(inner) => network_error(url, inner),
            None if e.kind() == std::io::ErrorKind::TimedOut => RevocationError::Timeout { url: url.into() },
            None => RevocationError::Unreachable { url: url.into(), reason: e.to_string() },
        }
    })?;
    if body.len() as u64 > limit {
        return Err(RevocationError::TooLarge { url: url.into(), limit });
    }
    Ok(body)
}

fn network_error(url: &str, e: &reqwest::Error) -> RevocationError {
    if e.is_timeout() {
        return RevocationError::Timeout { url: url.into() };
    }
    if e.is_redirect() {
        return RevocationError::RedirectRefused { url: url.into() };
    }
    // The innermost cause says what happened ("Connection refused"...).
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        reason = cause.to_string();
        source = cause.source();
    }
    RevocationError::Unreachable { url: url.into(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_internet_at_large_is_public() {
        for private in
            ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1"]
        {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["8.8.8.8", "195.154.1.1", "2a01:cb00::1"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        let refused = Client::new(Timeouts::default(), false).get("http://127.0.0.1:9/crl", 10).unwrap_err();
        assert_eq!(refused.code(), "revocation.address_refused");
        let localhost = Client::new(Timeouts::default(), false).get("http://localhost:9/crl", 10).unwrap_err();
        assert_eq!(localhost.code(), "revocation.address_refused", "a name that resolves to loopback");
        let allowed =
            Client::new(Timeouts { connect: Duration::from_secs(1), total: Duration::from_secs(2) }, true).get("http://127.0.0.1:9/crl", 10).unwrap_err();
        assert_eq!(allowed.code(), "revocation.unreachable", "allowed: tried, and the port is closed");
    }

    /// A server on 127.0.0.1 that answers every request with a redirect to `location`.
    fn redirecting(location: impl Fn(u16) -> String + Send + 'static) -> u16 {
        use std::io::Write;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(8) {
                let Ok(mut stream) = stream else { continue };
                let mut buffer = [0u8; 2048];
                let _ = std::io::Read::read(&mut stream, &mut buffer);
                let answer = format!("HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", location(port));
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        port
    }

    #[test]
    fn redirects_to_another_host_are_not_followed() {
        let port = redirecting(|port| format!("http://127.0.0.2:{port}/elsewhere"));
        let error = Client::new(Timeouts::default(), true).get(&format!("http://127.0.0.1:{port}/crl"), 1024).unwrap_err();
        assert_eq!(error.code(), "revocation.redirect_refused", "{error}");
        // The same host: followed, until the cap on redirects.
        let port = redirecting(|port| format!("http://127.0.0.1:{port}/again"));
        let error = Client::new(Timeouts::default(), true).get(&format!("http://127.0.0.1:{port}/crl"), 1024).unwrap_err();
        assert_eq!(error.code(), "revocation.redirect_refused", "too many redirects: {error}");
    }
}
