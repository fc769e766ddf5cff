//! Delivery: SMTP, a folder of `.eml` files, or any [`Transport`] a service
//! plugs in.

use std::path::PathBuf;
use std::time::Duration;

use std::sync::Arc;

use crm_core::mask_email;

use crate::error::Error;
use crate::smtp::{Dial, Failure, Session, open, tls_config};

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

    /// As [`send`](Self::send), but `commit` must return before the message can be
    /// accepted: [`send_plan`](crate::send_plan) waits there for the send log to reach the
    /// disk, so a transport can overlap that wait with its own set-up. The default calls
    /// `commit` first, then `send`.
    ///
    /// # Errors
    /// [`SendError`]; when `commit` fails nothing is sent ([`SendError::Transient`]).
    fn send_committed(
        &mut self,
        from: &str,
        recipients: &[String],
        eml: &[u8],
        commit: &mut dyn FnMut() -> std::io::Result<()>,
    ) -> Result<String, SendError> {
        commit().map_err(|e| SendError::Transient(format!("send log: {e}")))?;
        self.send(from, recipients, eml)
    }
}

/// How the SMTP connection is secured.
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
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
    /// [`Error::Transport`] for another scheme, a bad port, or a user or password in the URL
    /// (messages show it as `***@host`).
    pub fn from_url(url: &str, security: Security) -> Result<SmtpConfig, Error> {
        // Messages never repeat a `user:password@` part.
        let shown = redacted(url);
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| Error::Transport(format!("{shown:?}: expected smtp://host[:port]")))?;
        let (security, default_port) = match scheme {
            "smtp" => (security, if security == Security::Tls { 465 } else { 587 }),
            "smtps" => (Security::Tls, 465),
            _ => return Err(Error::Transport(format!("{shown:?}: scheme must be smtp or smtps"))),
        };
        if rest.contains('@') {
            return Err(Error::Transport(format!(
                "{shown:?}: no user or password in the URL; give them separately"
            )));
        }
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse().map_err(|_| Error::Transport(format!("{shown:?}: bad port {p:?}")))?,
            ),
            None => (rest.to_string(), default_port),
        };
        if host.is_empty() {
            return Err(Error::Transport(format!("{shown:?}: no host")));
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

/// SMTP delivery over one reused connection (crm-mail's client on rustls; see the
/// `smtp` module for why not lettre's). A broken connection is reopened on the next send.
pub struct Smtp {
    config: SmtpConfig,
    tls: Option<Arc<rustls::ClientConfig>>,
    session: Option<Session>,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.config.host)
            .field("port", &self.config.port)
            .field("security", &self.config.security)
            .field("connected", &self.session.is_some())
            .finish()
    }
}

impl Smtp {
    /// Sets up the transport (the connection is opened on the first send).
    ///
    /// # Errors
    /// [`Error::Transport`] for an unreadable CA certificate.
    pub fn new(config: &SmtpConfig) -> Result<Smtp, Error> {
        let tls = match config.security {
            Security::None => None,
            Security::StartTls | Security::Tls => Some(tls_config(config.ca_pem.as_deref())?),
        };
        Ok(Smtp { config: config.clone(), tls, session: None })
    }

    fn open(&self) -> Result<Session, SendError> {
        let c = &self.config;
        let dial = Dial {
            host: &c.host,
            port: c.port,
            implicit_tls: c.security == Security::Tls,
            starttls: c.security == Security::StartTls,
            tls: self.tls.as_ref(),
            credentials: c.credentials.as_ref().map(|(u, p)| (u.as_str(), p.as_str())),
            timeout: c.timeout,
            hello: "localhost",
        };
        open(&dial).map_err(|f| classify(f, "connect"))
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        if let Some(s) = self.session.take() {
            s.quit();
        }
    }
}

fn classify(f: Failure, stage: &str) -> SendError {
    match f {
        Failure::Io(e) => SendError::Transient(format!("{stage}: {e}")),
        Failure::Reply(r) if (400..500).contains(&r.code) => {
            SendError::Transient(mask_addresses(&r.to_string()))
        }
        Failure::Reply(r) => SendError::Permanent(mask_addresses(&r.to_string())),
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
        self.send_committed(from, recipients, eml, &mut || Ok(()))
    }

    /// MAIL, RCPT and DATA run while the log is being made durable; the body and its
    /// terminator (where the server accepts the message) wait for `commit`.
    fn send_committed(
        &mut self,
        from: &str,
        recipients: &[String],
        eml: &[u8],
        commit: &mut dyn FnMut() -> std::io::Result<()>,
    ) -> Result<String, SendError> {
        for a in std::iter::once(from).chain(recipients.iter().map(String::as_str)) {
            if a.contains(['\r', '\n', '<', '>']) || !a.contains('@') {
                return Err(SendError::Permanent(format!(
                    "address {}: not usable in SMTP",
                    mask_email(a)
                )));
            }
        }
        // A reused connection the server has closed meanwhile fails at once: reopen it
        // once without counting a retry.
        let reused = self.session.is_some();
        for attempt in 0..2 {
            let mut session = match self.session.take() {
                Some(s) => s,
                None => self.open()?,
            };
            match session.transaction(from, recipients, eml, &mut *commit) {
                Ok(reply) => {
                    self.session = Some(session);
                    return Ok(mask_addresses(&reply.to_string()));
                }
                Err(Failure::Io(e))
                    if reused && attempt == 0 && e.kind() != std::io::ErrorKind::TimedOut =>
                {
                    continue;
                }
                Err(Failure::Reply(r)) => {
                    self.session = Some(session);
                    return Err(classify(Failure::Reply(r), "send"));
                }
                Err(f) => return Err(classify(f, "send")),
            }
        }
        Err(SendError::Transient("send: the connection broke twice".into()))
    }
}

/// Delivery into a folder: each message becomes `<n>.eml` there (a dry run, or a pickup
/// folder another system sends from).
///
/// Numbering continues after the highest-numbered `.eml` file already in the folder
/// (`000001.eml` in an empty one), so a second run into the same folder keeps what the
/// first delivered. A file is never overwritten: it is created only if its name is free,
/// and anything else already at that name (a directory, a file another process just wrote)
/// fails that send with [`SendError::Transient`] (a retry takes the next number). Each file
/// is fsynced before the send returns.
#[derive(Clone, Debug)]
pub struct Folder {
    dir: PathBuf,
    count: u64,
}

impl Folder {
    /// Writes into `dir` (created if missing), numbering after its highest-numbered
    /// `.eml` file.
    ///
    /// # Errors
    /// [`Error::Io`] when `dir` cannot be created or listed.
    pub fn new(dir: impl Into<PathBuf>) -> Result<Folder, Error> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            // Only files hold messages; a directory or a link at a number is in the way of
            // that number's message, which then fails instead of overwriting it.
            if !entry.file_type().map_err(|e| Error::io(entry.path(), e))?.is_file() {
                continue;
            }
            let name = entry.file_name();
            let n = name
                .to_str()
                .and_then(|n| n.strip_suffix(".eml"))
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|n| n.parse::<u64>().ok());
            if let Some(n) = n {
                count = count.max(n);
            }
        }
        Ok(Folder { dir, count })
    }
}

impl Transport for Folder {
    fn send(
        &mut self,
        _from: &str,
        _recipients: &[String],
        eml: &[u8],
    ) -> Result<String, SendError> {
        use std::io::Write;
        self.count += 1;
        let path = self.dir.join(format!("{:06}.eml", self.count));
        let failed = |e: std::io::Error| SendError::Transient(format!("{}: {e}", path.display()));
        let mut file =
            std::fs::OpenOptions::new().write(true).create_new(true).open(&path).map_err(failed)?;
        if let Err(e) = file.write_all(eml).and_then(|()| file.sync_all()) {
            // A half-written message must not stay where a pickup service would send it.
            drop(file);
            let _ = std::fs::remove_file(&path);
            return Err(failed(e));
        }
        Ok(format!("written {}", path.display()))
    }
}

/// `url` without the `user:password@` part, for messages.
fn redacted(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    match rest.rsplit_once('@') {
        Some((_, host)) => format!("{scheme}***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_in_the_url_is_refused_without_being_repeated() {
        let err = super::SmtpConfig::from_url(
            "smtp://crm@acme.co.id:Rahasia123@smtp.acme.co.id:587",
            super::Security::StartTls,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("smtp://***@smtp.acme.co.id:587"), "{err}");
        assert!(!err.contains("Rahasia123") && !err.contains("crm@acme"), "{err}");
    }
}
