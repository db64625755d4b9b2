//! Webhooks: one JSON POST per alert whose `text` field Teams, Mattermost and Slack
//! incoming webhooks show as is (a `certisante` object beside it carries the same facts
//! for tools that read JSON; those three ignore it). Bounded: a connect timeout, a total
//! timeout, a few attempts with a pause between them, the answer read up to a cap. A
//! 5xx, a 429 or a network failure is tried again; any other answer is final. No
//! redirect is followed (a webhook does not move), and the URL (a token is in it) never
//! appears in a message: only its host.

use std::io::Read;
use std::net::IpAddr;
use std::time::Duration;

use super::{read_ca_file, NotifyError, Result, WebhookSettings};
use crate::Sensitive;

#[derive(Debug, Clone, Copy)]
pub struct WebhookOptions {
    pub connect_timeout: Duration,
    /// The whole request, answer included.
    pub timeout: Duration,
    /// Attempts in all (the first one included).
    pub attempts: u32,
    /// The pause before the second attempt; doubled before each next one.
    pub pause: Duration,
}

impl Default for WebhookOptions {
    fn default() -> Self {
        Self { connect_timeout: Duration::from_secs(5), timeout: Duration::from_secs(10), attempts: 3, pause: Duration::from_secs(1) }
    }
}

/// The longest pause a `Retry-After` may ask for: a pass never waits longer.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);
/// What is read of an answer (nobody needs more: the status says it all).
const MAX_ANSWER: u64 = 64 * 1024;

/// Checks a webhook's URL and returns its host (what may be shown of it): https, or plain
/// http to this machine only.
pub fn check_url(url: &str) -> Result<String> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| NotifyError::InvalidWebhook("not a URL".into()))?;
    let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or_else(|| NotifyError::InvalidWebhook("the URL has no host".into()))?.to_owned();
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(NotifyError::InvalidWebhook("credentials in the URL".into()));
    }
    match parsed.scheme() {
        "https" => Ok(host),
        "http" if is_this_machine(&host) => Ok(host),
        "http" => Err(NotifyError::WebhookNotHttps),
        other => Err(NotifyError::InvalidWebhook(format!("scheme {other}: https only"))),
    }
}

fn is_this_machine(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Posts `payload` to the webhook, trying again (bounded) after a network failure, a 5xx
/// or a 429.
/// The certificates of a trust anchors file, read and parsed as a post uses them.
pub(crate) fn ca_anchors(path: &str) -> Result<Vec<reqwest::Certificate>> {
    let pem = read_ca_file(path)?;
    reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| NotifyError::CaFile { path: path.into(), reason: e.without_url().to_string() })
}

pub(crate) fn post(webhook: &WebhookSettings, url: &Sensitive<String>, payload: &serde_json::Value, options: &WebhookOptions) -> Result<()> {
    let host = check_url(url.expose())?;
    let name = webhook.name.clone();
    let mut builder = reqwest::blocking::Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .user_agent(concat!("CertiSante/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none());
    if let Some(path) = &webhook.ca_file {
        builder = builder.tls_certs_merge(ca_anchors(path)?);
    }
    let client =
        builder.build().map_err(|e| NotifyError::WebhookUnreachable { name: name.clone(), host: host.clone(), reason: e.without_url().to_string() })?;
    let body = serde_json::to_vec(payload).unwrap_or_default();
    let mut pause = options.pause;
    let mut attempt = 1;
    loop {
        let answer = client.post(url.expose().trim()).header(reqwest::header::CONTENT_TYPE, "application/json; charset=utf-8").body(body.clone()).send();
        let (error, retry_after) = match answer {
            Ok(response) => {
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(|s| Duration::from_secs(s).min(MAX_RETRY_AFTER));
                // Read (a little of) the answer so that the connection ends cleanly.
                let _ = response.take(MAX_ANSWER).read_to_end(&mut Vec::new());
                if status.is_success() {
                    return Ok(());
                }
                let error = NotifyError::WebhookStatus { name: name.clone(), host: host.clone(), status: status.as_u16() };
                if !(status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS) {
                    return Err(error);
                }
                (error, retry_after)
            }
            Err(e) if e.is_timeout() => (NotifyError::WebhookTimeout { name: name.clone(), host: host.clone() }, None),
            Err(e) => (NotifyError::WebhookUnreachable { name: name.clone(), host: host.clone(), reason: describe(&e) }, None),
        };
        if attempt >= options.attempts {
            return Err(error);
        }
        std::thread::sleep(retry_after.unwrap_or(pause));
        pause *= 2;
        attempt += 1;
    }
}

/// A reqwest failure without its URL, with its causes (the TLS or connection reason).
fn describe(error: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(error);
    while let Some(cause) = source {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    if text.is_empty() {
        "request failed".into()
    } else {
        text
    }
}
