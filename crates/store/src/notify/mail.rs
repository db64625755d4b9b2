//! E-mail through SMTP (lettre's blocking client): STARTTLS required or implicit TLS,
//! rustls on aws-lc (no OpenSSL, no ring), the operating system's trust store plus an
//! optional file of extra anchors, a login (PLAIN or LOGIN) only over TLS, and every
//! connect, read and write bounded by one timeout. One message per recipient, so that a
//! mailbox that refuses it does not stop the others.

use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, SmtpTransport, Transport};

use super::{read_ca_file, smtp_password, MailSecurity, MailSettings, NotifyError, Result};
use crate::keys::Keystore;

/// The display name of the sender when the settings give an address alone.
pub const SENDER_NAME: &str = "CertiSanté";

#[derive(Debug, Clone, Copy)]
pub struct MailOptions {
    /// Bounds connecting and each read and write (a server that accepts and never
    /// answers costs this, not the pass).
    pub timeout: Duration,
}

impl Default for MailOptions {
    fn default() -> Self {
        Self { timeout: Duration::from_secs(20) }
    }
}

/// A recipient: a bare address (`dsi@ch-exemple.fr`).
pub fn parse_address(text: &str) -> Result<Mailbox> {
    Address::from_str(text.trim()).map(|address| Mailbox::new(None, address)).map_err(|_| NotifyError::InvalidAddress(text.to_owned()))
}

/// The sender: an address, or `Name <address>`; an address alone is sent as "CertiSanté".
pub fn parse_sender(text: &str) -> Result<Mailbox> {
    let mailbox = Mailbox::from_str(text.trim()).map_err(|_| NotifyError::InvalidAddress(text.to_owned()))?;
    Ok(match mailbox.name {
        Some(_) => mailbox,
        None => Mailbox::new(Some(SENDER_NAME.to_owned()), mailbox.email),
    })
}

/// A connection's settings, ready to send (each `send` connects, sends, quits).
pub(crate) struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    server: String,
}

impl Mailer {
    pub(crate) fn new(settings: &MailSettings, keystore: &dyn Keystore, options: &MailOptions) -> Result<Self> {
        settings.validate()?;
        let from = parse_sender(&settings.from)?;
        let host = settings.host.trim().to_owned();
        let server = format!("{host}:{}", settings.port());
        let tls_error = |e: lettre::transport::smtp::Error| NotifyError::MailTls { server: server.clone(), reason: e.to_string() };
        let mut parameters = TlsParameters::builder(host.clone());
        if let Some(path) = &settings.ca_file {
            let pem = read_ca_file(path)?;
            let anchors = Certificate::from_pem(&pem).map_err(|e| NotifyError::CaFile { path: path.clone(), reason: e.to_string() })?;
            parameters = parameters.add_root_certificate(anchors);
        }
        let builder = SmtpTransport::builder_dangerous(&host).port(settings.port()).timeout(Some(options.timeout));
        let mut builder = match settings.security {
            MailSecurity::Starttls => builder.tls(Tls::Required(parameters.build_rustls().map_err(tls_error)?)),
            MailSecurity::Tls => builder.tls(Tls::Wrapper(parameters.build_rustls().map_err(tls_error)?)),
            MailSecurity::Plain => builder.tls(Tls::None),
        };
        if let Some(user) = &settings.username {
            let password = smtp_password(keystore, settings)?.ok_or_else(|| NotifyError::PasswordMissing(user.clone()))?;
            // lettre keeps its own copy of the password for the connection's life (this
            // pass): it cannot be zeroized there, and is never logged.
            builder = builder.credentials(Credentials::new(user.clone(), password.expose().clone())).authentication(vec![Mechanism::Plain, Mechanism::Login]);
        }
        Ok(Self { transport: builder.build(), from, server })
    }

    /// Sends one plain-text message (UTF-8) to `to`. `reference` goes into the
    /// `X-CertiSante-Certificate` header, for mail filters and ticketing tools.
    pub(crate) fn send(&self, to: &str, subject: &str, body: &str, reference: &str) -> Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(parse_address(to)?)
            .subject(subject)
            // A Message-ID of our own (lettre adds none by itself): mail systems drop or
            // flag messages without one, and threads and ticketing tools key on it.
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .header(AutoSubmitted)
            .header(CertificateReference(reference.to_owned()))
            .body(body.to_owned())
            .map_err(|e| NotifyError::MailFailed { server: self.server.clone(), reason: e.to_string() })?;
        self.transport.send(&message).map(|_| ()).map_err(|e| classify(&e, &self.server, to))
    }
}

/// An SMTP failure in this module's terms: the server's reply is kept (it says why),
/// never the password.
fn classify(error: &lettre::transport::smtp::Error, server: &str, recipient: &str) -> NotifyError {
    let server = server.to_owned();
    let reason = error.to_string();
    if error.is_timeout() {
        return NotifyError::MailTimeout { server };
    }
    if error.is_tls() {
        return NotifyError::MailTls { server, reason };
    }
    if let Some(code) = error.status() {
        let code = u16::from(code);
        return match code {
            535 | 534 | 538 => NotifyError::MailAuthRefused { server, reply: reason },
            530 => NotifyError::MailAuthRequired { server, reply: reason },
            400..=499 => NotifyError::MailDeferred { server, recipient: recipient.to_owned(), reply: reason },
            _ => NotifyError::MailRejected { server, recipient: recipient.to_owned(), reply: reason },
        };
    }
    // lettre refuses to go on in clear when STARTTLS is required and not offered.
    if error.is_client() && reason.contains("STARTTLS") {
        return NotifyError::MailTls { server, reason: "the server does not offer STARTTLS".into() };
    }
    if error.is_client() && reason.to_lowercase().contains("authentication") {
        return NotifyError::MailAuthRefused { server, reply: reason };
    }
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            // A socket's read timeout is EAGAIN on Unix (WouldBlock), not TimedOut.
            if matches!(io.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) {
                return NotifyError::MailTimeout { server };
            }
            return NotifyError::MailUnreachable { server, reason };
        }
        source = cause.source();
    }
    NotifyError::MailFailed { server, reason }
}

/// `Auto-Submitted: auto-generated` (RFC 3834): no vacation reply comes back.
#[derive(Debug, Clone)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// `X-CertiSante-Certificate: <sha256>` (or `test`).
#[derive(Debug, Clone)]
struct CertificateReference(String);

impl Header for CertificateReference {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-CertiSante-Certificate")
    }

    fn parse(text: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(text.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}
