//! A small SMTP client: EHLO, STARTTLS or implicit TLS (rustls), AUTH PLAIN / LOGIN,
//! MAIL / RCPT / DATA on one reused connection.
//!
//! Why not lettre's client (lettre still builds the messages): lettre 0.11.23 leaves
//! Nagle's algorithm on and writes the body and the final `CRLF . CRLF` in two writes, so
//! every message waits for the server's delayed ACK, about 40 ms (lettre PR #1159, merged
//! after the last 0.11 release): 23 messages/s on loopback where Python's smtplib does 600.
//! This client sets `TCP_NODELAY`, writes the dot-stuffed body and its terminator in one
//! buffer, and adds no empty line at the end, so the server stores the `.eml` exactly.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

use crate::error::Error;

/// An SMTP reply: the code and the text lines joined by spaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) code: u16,
    pub(crate) text: String,
}

impl Reply {
    fn ok(&self) -> bool {
        (200..400).contains(&self.code)
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.text)
    }
}

enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

/// One SMTP session.
pub(crate) struct Session {
    stream: Stream,
    buf: Vec<u8>,
    pub(crate) extensions: Vec<String>,
}

/// How a session failed.
pub(crate) enum Failure {
    /// The connection broke (or timed out): retryable, and the session is gone.
    Io(io::Error),
    /// The server answered with an error code.
    Reply(Reply),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

impl Session {
    fn read_reply(&mut self) -> io::Result<Reply> {
        let mut text = Vec::new();
        loop {
            let line = self.read_line()?;
            if line.len() < 3 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "short SMTP reply"));
            }
            let code: u16 =
                std::str::from_utf8(&line[..3]).ok().and_then(|c| c.parse().ok()).ok_or_else(
                    || io::Error::new(io::ErrorKind::InvalidData, "SMTP reply without a code"),
                )?;
            let rest =
                String::from_utf8_lossy(line.get(4..).unwrap_or_default()).trim().to_string();
            text.push(rest);
            if line.get(3) != Some(&b'-') {
                return Ok(Reply { code, text: text.join(" ") });
            }
        }
    }

    fn read_line(&mut self) -> io::Result<Vec<u8>> {
        loop {
            if let Some(p) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = self.buf[..p].to_vec();
                self.buf.drain(..p + 2);
                return Ok(line);
            }
            if self.buf.len() > 64 * 1024 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "SMTP reply line too long"));
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                ));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    fn command(&mut self, line: &str) -> io::Result<Reply> {
        self.stream.write_all(line.as_bytes())?;
        self.stream.write_all(b"\r\n")?;
        self.stream.flush()?;
        self.read_reply()
    }

    fn expect(&mut self, line: &str) -> Result<Reply, Failure> {
        let r = self.command(line)?;
        if r.ok() { Ok(r) } else { Err(Failure::Reply(r)) }
    }

    fn ehlo(&mut self, name: &str) -> Result<(), Failure> {
        let r = self.expect(&format!("EHLO {name}"))?;
        // The first word is the server's name; each further line an extension.
        self.extensions = r.text.split(' ').map(|w| w.to_ascii_uppercase()).collect();
        Ok(())
    }

    fn has(&self, ext: &str) -> bool {
        self.extensions.iter().any(|e| e == ext)
    }

    /// Sends one message; the session stays usable after an error reply (RSET).
    pub(crate) fn transaction(
        &mut self,
        from: &str,
        to: &[String],
        eml: &[u8],
        commit: &mut dyn FnMut() -> io::Result<()>,
    ) -> Result<Reply, Failure> {
        let mut run = |s: &mut Session| -> Result<Reply, Failure> {
            s.expect(&format!("MAIL FROM:<{from}>"))?;
            for rcpt in to {
                s.expect(&format!("RCPT TO:<{rcpt}>"))?;
            }
            let r = s.command("DATA")?;
            if r.code != 354 {
                return Err(Failure::Reply(r));
            }
            let body = dot_stuffed(eml);
            if let Err(e) = commit() {
                // Without a durable log entry the message must not be accepted: give up
                // the connection before the terminator.
                return Err(Failure::Io(io::Error::new(e.kind(), format!("send log: {e}"))));
            }
            s.stream.write_all(&body)?;
            s.stream.flush()?;
            let r = s.read_reply()?;
            if r.ok() { Ok(r) } else { Err(Failure::Reply(r)) }
        };
        let result = run(self);
        if let Err(Failure::Reply(_)) = &result {
            // Abandon the transaction; a failing RSET means the session is gone.
            self.command("RSET").map_err(Failure::Io)?;
        }
        result
    }

    pub(crate) fn quit(mut self) {
        let _ = self.command("QUIT");
    }
}

/// The DATA payload: lines starting with `.` get another `.`, then `CRLF . CRLF` (only
/// `. CRLF` when the message already ends with a line break), all in one buffer.
pub(crate) fn dot_stuffed(eml: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(eml.len() + eml.len() / 64 + 5);
    let mut line_start = true;
    for &b in eml {
        if line_start && b == b'.' {
            out.push(b'.');
        }
        out.push(b);
        line_start = b == b'\n';
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// TLS settings: webpki roots plus the caller's extra CA certificates.
pub(crate) fn tls_config(extra_pem: Option<&[u8]>) -> Result<Arc<ClientConfig>, Error> {
    let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    if let Some(pem) = extra_pem {
        let mut n = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| Error::Transport(format!("CA certificate: {e}")))?;
            roots.add(cert).map_err(|e| Error::Transport(format!("CA certificate: {e}")))?;
            n += 1;
        }
        if n == 0 {
            return Err(Error::Transport("CA certificate: no certificate in the PEM file".into()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Transport(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// Where and how to open a session.
pub(crate) struct Dial<'a> {
    pub(crate) host: &'a str,
    pub(crate) port: u16,
    pub(crate) implicit_tls: bool,
    pub(crate) starttls: bool,
    pub(crate) tls: Option<&'a Arc<ClientConfig>>,
    pub(crate) credentials: Option<(&'a str, &'a str)>,
    pub(crate) timeout: Duration,
    pub(crate) hello: &'a str,
}

fn wrap(tcp: TcpStream, host: &str, tls: &Arc<ClientConfig>) -> Result<Stream, Failure> {
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| Failure::Io(io::Error::new(io::ErrorKind::InvalidInput, e)))?;
    let conn = ClientConnection::new(Arc::clone(tls), name)
        .map_err(|e| Failure::Io(io::Error::other(e)))?;
    let mut s = StreamOwned::new(conn, tcp);
    // Complete the handshake now, so certificate errors surface here.
    while s.conn.is_handshaking() {
        s.conn.complete_io(&mut s.sock)?;
    }
    Ok(Stream::Tls(Box::new(s)))
}

/// Opens a session: greeting, EHLO, STARTTLS (then EHLO again), AUTH.
pub(crate) fn open(d: &Dial<'_>) -> Result<Session, Failure> {
    let addr = (d.host, d.port)
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "the host has no address"))?;
    let tcp = TcpStream::connect_timeout(&addr, d.timeout)?;
    tcp.set_nodelay(true)?;
    tcp.set_read_timeout(Some(d.timeout))?;
    tcp.set_write_timeout(Some(d.timeout))?;
    let tls = || d.tls.ok_or_else(|| Failure::Io(io::Error::other("TLS is not configured")));
    let stream = if d.implicit_tls { wrap(tcp, d.host, tls()?)? } else { Stream::Plain(tcp) };
    let mut s = Session { stream, buf: Vec::new(), extensions: Vec::new() };
    let greeting = s.read_reply()?;
    if greeting.code != 220 {
        return Err(Failure::Reply(greeting));
    }
    s.ehlo(d.hello)?;
    if d.starttls {
        if !s.has("STARTTLS") {
            return Err(Failure::Reply(Reply {
                code: 554,
                text: "the server does not offer STARTTLS".into(),
            }));
        }
        let r = s.command("STARTTLS")?;
        if r.code != 220 {
            return Err(Failure::Reply(r));
        }
        let Stream::Plain(tcp) = s.stream else { unreachable!("STARTTLS on a plain stream") };
        s = Session { stream: wrap(tcp, d.host, tls()?)?, buf: Vec::new(), extensions: Vec::new() };
        s.ehlo(d.hello)?;
    }
    if let Some((user, password)) = d.credentials {
        let auth = s.extensions.iter().position(|e| e == "AUTH");
        let offers = |m: &str| auth.is_some_and(|i| s.extensions[i + 1..].iter().any(|e| e == m));
        if offers("PLAIN") || !offers("LOGIN") {
            let token = B64.encode(format!("\0{user}\0{password}"));
            s.expect(&format!("AUTH PLAIN {token}"))?;
        } else {
            let r = s.command("AUTH LOGIN")?;
            if r.code != 334 {
                return Err(Failure::Reply(r));
            }
            let r = s.command(&B64.encode(user))?;
            if r.code != 334 {
                return Err(Failure::Reply(r));
            }
            s.expect(&B64.encode(password))?;
        }
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing_and_one_terminator() {
        assert_eq!(dot_stuffed(b"a\r\n.b\r\n..\r\n"), b"a\r\n..b\r\n...\r\n.\r\n");
        assert_eq!(dot_stuffed(b".x"), b"..x\r\n.\r\n");
    }
}
