//! Plain HTTP for CRLs and OCSP (both are signed: no TLS needed), every request bounded
//! by a connect and a total timeout and a size cap, so that a dead or slow server costs
//! seconds, never the app.

use std::io::Read;
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
    inner: Option<reqwest::blocking::Client>,
    build_error: Option<String>,
}

impl Client {
    pub(crate) fn new(timeouts: Timeouts) -> Self {
        let built = reqwest::blocking::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.total)
            .user_agent(concat!("CertiSante/", env!("CARGO_PKG_VERSION")))
            .build();
        match built {
            Ok(client) => Self { inner: Some(client), build_error: None },
            Err(e) => Self { inner: None, build_error: Some(e.to_string()) },
        }
    }

    pub(crate) fn get(&self, url: &str, limit: u64) -> Result<Vec<u8>> {
        let client = self.client(url)?;
        read_limited(url, client.get(url).send(), limit)
    }

    pub(crate) fn post(&self, url: &str, content_type: &str, body: Vec<u8>, limit: u64) -> Result<Vec<u8>> {
        let client = self.client(url)?;
        read_limited(url, client.post(url).header(reqwest::header::CONTENT_TYPE, content_type).body(body).send(), limit)
    }

    fn client(&self, url: &str) -> Result<&reqwest::blocking::Client> {
        self.inner.as_ref().ok_or_else(|| RevocationError::Unreachable { url: url.into(), reason: self.build_error.clone().unwrap_or_default() })
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
    // The innermost cause says what happened ("Connection refused"...).
    let mut reason = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        reason = cause.to_string();
        source = cause.source();
    }
    RevocationError::Unreachable { url: url.into(), reason }
}
