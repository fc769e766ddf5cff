//! Delivery: SMTP through lettre, a folder of `.eml` files, or any [`Transport`] a service
//! plugs in.

use std::path::PathBuf;
use std::time::Duration;

use lettre::Transport as _;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};

use crate::address::mask_email;
use crate::error::Error;

/// Why a send failed, as far as retrying goes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SendError {
    /// Worth retrying: a 4xx reply, a dropped or refused connection, a timeout.
    #[error("temporary: {0}")]
    Transient(String),
    /// Not worth retrying: a 5xx reply (unknown recipient, refused sender, bad login).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Sends raw RFC 5322 messages. Implement it to deliver through another channel (an HTTP
/// API, a queue); [`send_plan`](crate::send_plan) adds the log, retries and rate limit.
pub trait Transport {
    /// Delivers one message to `recipients` (To and Cc) from `from`; returns the server's
    /// reply (masked if it could hold an address).
    ///
    /// # Errors
    /// [`SendError`], classified for retrying.
    fn send(&mut self, from: &str, recipients: &[String], eml: &[u8]) -> Result<String, SendError>;
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Security {
    /// Plain text (only sensible on loopback).
    None,
    /// Upgrade with STARTTLS, required (port 587).
    #[default]
    StartTls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

/// Where and how to connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Server host name (also the name its certificate must carry).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Connection security.
    pub security: Security,
    /// `(user, password)` for AUTH PLAIN / LOGIN.
    pub credentials: Option<(String, String)>,
    /// Extra trusted root certificates (PEM), e.g. a company CA or a test server's.
    pub ca_pem: Option<Vec<u8>>,
    /// Connect / command timeout.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// Reads `smtp://host:port` (security from `security`) or `smtps://host:port`
    /// (implicit TLS). The default ports are 587 and 465.
    ///
    /// ```
    /// use crm_mail::{Security, SmtpConfig};
    /// let c = SmtpConfig::from_url("smtp://127.0.0.1:2525", Security::None)?;
    /// assert_eq!((c.host.as_str(), c.port), ("127.0.0.1", 2525));
    /// assert_eq!(SmtpConfig::from_url("smtps://mail.acme.co.id", Security::StartTls)?.port, 465);
    /// # Ok::<(), crm_mail::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Transport`] for another scheme or a bad port.
    pub fn from_url(url: &str, security: Security) -> Result<SmtpConfig, Error> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| Error::Transport(format!("{url:?}: expected smtp://host[:port]")))?;
        let (security, default_port) = match scheme {
            "smtp" => (security, if security == Security::Tls { 465 } else { 587 }),
            "smtps" => (Security::Tls, 465),
            _ => return Err(Error::Transport(format!("{url:?}: scheme must be smtp or smtps"))),
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| Error::Transport(format!("{url:?}: bad port {p:?}")))?,
            ),
            None => (rest.to_string(), default_port),
        };
        if host.is_empty() {
            return Err(Error::Transport(format!("{url:?}: no host")));
        }
        Ok(SmtpConfig {
            host,
            port,
            security,
            credentials: None,
            ca_pem: None,
            timeout: Duration::from_secs(30),
        })
    }
}

/// SMTP delivery over one reused connection (lettre, rustls).
pub struct Smtp {
    inner: lettre::SmtpTransport,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Smtp")
    }
}

impl Smtp {
    /// Sets up the transport (connections are opened on the first send).
    ///
    /// # Errors
    /// [`Error::Transport`] for an unreadable certificate or bad TLS parameters.
    pub fn new(config: &SmtpConfig) -> Result<Smtp, Error> {
        let tls_params = || -> Result<TlsParameters, Error> {
            let mut b = TlsParameters::builder(config.host.clone());
            if let Some(pem) = &config.ca_pem {
                let cert = Certificate::from_pem(pem)
                    .map_err(|e| Error::Transport(format!("CA certificate: {e}")))?;
                b = b.add_root_certificate(cert);
            }
            b.build().map_err(|e| Error::Transport(format!("TLS: {e}")))
        };
        let tls = match config.security {
            Security::None => Tls::None,
            Security::StartTls => Tls::Required(tls_params()?),
            Security::Tls => Tls::Wrapper(tls_params()?),
        };
        let mut b = lettre::SmtpTransport::builder_dangerous(config.host.clone())
            .port(config.port)
            .tls(tls)
            .timeout(Some(config.timeout));
        if let Some((user, password)) = &config.credentials {
            b = b.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Smtp { inner: b.build() })
    }
}

/// Masks every e-mail address in a server reply.
fn mask_addresses(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.contains('@') {
                mask_email(w.trim_matches(['<', '>', ',', ';']))
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Transport for Smtp {
    fn send(&mut self, from: &str, recipients: &[String], eml: &[u8]) -> Result<String, SendError> {
        let parse = |a: &str| {
            a.parse::<lettre::Address>()
                .map_err(|e| SendError::Permanent(format!("address {}: {e}", mask_email(a))))
        };
        let to = recipients.iter().map(|a| parse(a)).collect::<Result<Vec<_>, _>>()?;
        let envelope = Envelope::new(Some(parse(from)?), to)
            .map_err(|e| SendError::Permanent(format!("envelope: {e}")))?;
        match self.inner.send_raw(&envelope, eml) {
            Ok(reply) => Ok(mask_addresses(&reply.message().collect::<Vec<_>>().join(" "))),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(mask_addresses(&e.to_string()))),
            Err(e) => Err(SendError::Transient(mask_addresses(&e.to_string()))),
        }
    }
}

/// Delivery into a folder: each message becomes `<n>.eml` there (a dry run, or a pickup
/// folder another system sends from).
#[derive(Clone, Debug)]
pub struct Folder {
    dir: PathBuf,
    count: usize,
}

impl Folder {
    /// Writes into `dir` (created if missing).
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn new(dir: impl Into<PathBuf>) -> Result<Folder, Error> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(Folder { dir, count: 0 })
    }
}

impl Transport for Folder {
    fn send(
        &mut self,
        _from: &str,
        _recipients: &[String],
        eml: &[u8],
    ) -> Result<String, SendError> {
        self.count += 1;
        let path = self.dir.join(format!("{:06}.eml", self.count));
        std::fs::write(&path, eml)
            .map_err(|e| SendError::Transient(format!("{}: {e}", path.display())))?;
        Ok(format!("written {}", path.display()))
    }
}
