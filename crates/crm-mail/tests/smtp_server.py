#!/usr/bin/env python3
"""A real SMTP server on loopback (aiosmtpd) for crm-mail's integration tests and benches.

Usage:
  smtp_server.py --dir MAILDIR --port-file PORTFILE [--host 127.0.0.1] [--port 0]
                 [--tls none|starttls|implicit] [--cert-out CA.pem]
                 [--auth USER:PASSWORD] [--require-auth]
                 [--drop-after N] [--tempfail-every K] [--reject-rcpt SUBSTRING]...
                 [--max-seconds S] [--no-fsync] [--exit-on-stdin-eof] [--verbose]

Install its pinned dependencies with
`python3 -m venv VENV && VENV/bin/pip install -r crates/crm-mail/tests/requirements-smtp.txt`.

Start-up: the server binds HOST:PORT (port 0 picks a free port), and once it is listening it
writes the port number and a newline to PORTFILE (a temporary file renamed into place, so a
reader never sees half of it). A test starts this script, polls for PORTFILE, then connects.
SIGTERM or SIGINT stops it with exit code 0; so does --max-seconds (a safety net for a test
that forgets to kill it) and, with --exit-on-stdin-eof, the closing of its standard input
(the parent died). An exit on error is code 2.

TLS (--tls):
  none      plain SMTP.
  starttls  STARTTLS is offered; AUTH is offered only after it. With --require-auth, every
            command but EHLO/HELO/NOOP/QUIT/STARTTLS gets 530 before STARTTLS.
  implicit  TLS from the first byte (SMTPS); AUTH is offered at once.
  For both TLS modes the server makes a fresh test CA and a server certificate signed by it
  (ECDSA P-256; subject CN=localhost; SAN DNS:localhost, IP:127.0.0.1, IP:::1; valid from one
  hour ago for 30 days) and writes the CA certificate alone, as PEM, to --cert-out before it
  writes PORTFILE. A client trusts that CA (lettre: Certificate::from_pem and
  TlsParametersBuilder::new("localhost").add_root_certificate; Python:
  ssl.create_default_context(cafile=CA.pem)) and connects to 127.0.0.1 with the server name
  `localhost`, with certificate and host name checks on.

AUTH (--auth USER:PASSWORD): PLAIN and LOGIN (no other mechanism) with that one credential;
a wrong user or password gets `535 5.7.8 Authentication credentials invalid`.
--require-auth: MAIL, RCPT and DATA without a successful AUTH get
`530 5.7.0 Authentication required`. With --tls none, AUTH is allowed over plain text.

What is stored in MAILDIR (created if missing):
  <sha256>.eml        every accepted message: the DATA bytes exactly as received, after
                      dot-unstuffing (aiosmtpd's envelope.original_content), named by their
                      SHA-256 in lower-case hex.
  <sha256>-dup-<n>.eml a message whose Message-ID (or, without one, whose bytes) arrived
                      before: n = 1 for the second arrival, 2 for the third, ...
  received.jsonl      one JSON line per accepted message, appended and fsynced before the
                      250 reply: {"seq", "message_id", "sha256", "bytes", "rcpt",
                      "mail_from", "file", "dup", "connection", "tls", "auth_user", "time"}.
                      seq counts accepted messages from 1; message_id is the header's value
                      as sent (angle brackets kept, folding whitespace removed) or null;
                      dup is 0 for a first arrival, else n.
  refused.jsonl       one JSON line per refusal made on purpose (451 of --tempfail-every,
                      550 of --reject-rcpt): {"code", "command", "attempt"|"address", ...}.
  A server restarted on the same MAILDIR continues seq and the duplicate counts from
  received.jsonl, so exactly-once checks span restarts.

Failure injection:
  --drop-after N       after the Nth accepted message (counted from this start of the server,
                       across connections) the server sends that message's 250 reply, then
                       closes the TCP connection at once, without waiting for QUIT (for
                       STARTTLS, without a TLS close_notify); once, later connections are
                       served normally.
  --tempfail-every K   every Kth DATA (counting every message whose data was received,
                       refused ones included) is answered `451 4.3.0 Temporary failure, try
                       again` and not stored.
  --reject-rcpt S      RCPT TO an address containing S (case-sensitive; repeatable) gets
                       `550 5.1.1 No such user`.

--no-fsync skips the fsyncs (for benches on a busy disk); --verbose logs every SMTP command
to standard error.
"""

import argparse
import asyncio
import datetime
import email.parser
import email.policy
import hashlib
import ipaddress
import json
import logging
import os
import signal
import ssl
import sys
import tempfile
import threading
import time
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

TEMPFAIL_REPLY = "451 4.3.0 Temporary failure, try again"
REJECT_RCPT_REPLY = "550 5.1.1 No such user"

log = logging.getLogger("smtp_server")


def fail(message):
    print(f"smtp_server.py: {message}", file=sys.stderr, flush=True)
    sys.exit(2)


def write_atomically(path, data, fsync=True):
    """Writes DATA (bytes) to PATH through a temporary file in the same folder and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            if fsync:
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


# ---- certificates ---------------------------------------------------------------------------


def make_certificates():
    """A fresh test CA and a server certificate for localhost signed by it (PEM bytes)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    not_before = now - datetime.timedelta(hours=1)
    not_after = now + datetime.timedelta(days=30)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "crm-mail tests"),
        x509.NameAttribute(NameOID.COMMON_NAME, "crm-mail test CA"),
    ])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(
            x509.SubjectAlternativeName([
                x509.DNSName("localhost"),
                x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.IPAddress(ipaddress.ip_address("::1")),
            ]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return ca_cert.public_bytes(pem), cert.public_bytes(pem), key_pem


def server_tls_context(cert_pem, key_pem):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # load_cert_chain reads files only: a private folder, removed straight after.
    with tempfile.TemporaryDirectory(prefix="smtp-server-cert-") as folder:
        cert_path = os.path.join(folder, "cert.pem")
        key_path = os.path.join(folder, "key.pem")
        with open(cert_path, "wb") as out:
            out.write(cert_pem)
        with open(os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(key_pem)
        context.load_cert_chain(cert_path, key_path)
    return context


# ---- the handler ----------------------------------------------------------------------------


def header_message_id(data):
    """The Message-ID header's value (angle brackets kept, whitespace removed), or None."""
    end = data.find(b"\r\n\r\n")
    head = data if end < 0 else data[: end + 4]
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(head)
    value = headers.get("Message-ID")
    if value is None:
        return None
    return "".join(str(value).split()) or None


class Store:
    """MAILDIR: the .eml files, received.jsonl and refused.jsonl, and their counters."""

    def __init__(self, folder, fsync):
        self.folder = folder
        self.fsync = fsync
        os.makedirs(folder, exist_ok=True)
        self.seq = 0
        self.seen = {}  # Message-ID (or "sha256:<hex>" without one) -> arrivals so far
        received = os.path.join(folder, "received.jsonl")
        if os.path.exists(received):
            with open(received, encoding="utf-8") as lines:
                for number, line in enumerate(lines, 1):
                    try:
                        entry = json.loads(line)
                    except ValueError:
                        # A line cut short by a crash: its message was never acknowledged.
                        log.warning("%s:%d: not JSON, skipped", received, number)
                        continue
                    self.seq = max(self.seq, int(entry["seq"]))
                    key = entry.get("message_id") or f"sha256:{entry['sha256']}"
                    self.seen[key] = self.seen.get(key, 0) + 1
        self.received = open(received, "a", encoding="utf-8")
        if self.received.tell() > 0:
            with open(received, "rb") as tail:
                tail.seek(-1, os.SEEK_END)
                if tail.read(1) != b"\n":
                    self.received.write("\n")  # after a line cut short, start a fresh one
        self.refused = open(os.path.join(folder, "refused.jsonl"), "a", encoding="utf-8")

    def _append(self, stream, entry):
        stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
        stream.flush()
        if self.fsync:
            os.fsync(stream.fileno())

    def refuse(self, entry):
        entry["time"] = time.time()
        self._append(self.refused, entry)

    def accept(self, data, envelope, session, connection):
        digest = hashlib.sha256(data).hexdigest()
        message_id = header_message_id(data)
        key = message_id or f"sha256:{digest}"
        dup = self.seen.get(key, 0)
        name = f"{digest}.eml" if dup == 0 else f"{digest}-dup-{dup}.eml"
        while os.path.exists(os.path.join(self.folder, name)):
            # The same bytes under another Message-ID cannot happen in practice, but a stored
            # file is never overwritten.
            dup += 1
            name = f"{digest}-dup-{dup}.eml"
        write_atomically(os.path.join(self.folder, name), data, self.fsync)
        self.seen[key] = self.seen.get(key, 0) + 1
        self.seq += 1
        auth_user = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            auth_user = session.auth_data.login.decode("utf-8", "replace")
        self._append(self.received, {
            "seq": self.seq,
            "message_id": message_id,
            "sha256": digest,
            "bytes": len(data),
            "rcpt": list(envelope.rcpt_tos),
            "mail_from": envelope.mail_from,
            "file": name,
            "dup": dup,
            "connection": connection,
            "tls": session.ssl is not None or session.implicit_tls,
            "auth_user": auth_user,
            "time": time.time(),
        })
        return digest

    def close(self):
        self.received.close()
        self.refused.close()


class Handler:
    def __init__(self, store, args):
        self.store = store
        self.drop_after = args.drop_after
        self.tempfail_every = args.tempfail_every
        self.reject_rcpt = args.reject_rcpt or []
        self.accepted = 0  # since this start of the server
        self.data_attempts = 0
        self.dropped = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if any(part in address for part in self.reject_rcpt):
            self.store.refuse({
                "code": 550, "command": "RCPT", "address": address,
                "mail_from": envelope.mail_from, "connection": server.connection_number,
            })
            return REJECT_RCPT_REPLY
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content
        self.data_attempts += 1
        if self.tempfail_every and self.data_attempts % self.tempfail_every == 0:
            self.store.refuse({
                "code": 451, "command": "DATA", "attempt": self.data_attempts,
                "message_id": header_message_id(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "rcpt": list(envelope.rcpt_tos), "connection": server.connection_number,
            })
            return TEMPFAIL_REPLY
        self.store.accept(data, envelope, session, server.connection_number)
        self.accepted += 1
        if self.drop_after and not self.dropped and self.accepted == self.drop_after:
            self.dropped = True
            server.drop_after_reply = True
            log.warning("dropping connection %d after message %d", server.connection_number,
                        self.accepted)
        return "250 OK"


class TestSMTP(SMTP):
    """aiosmtpd's SMTP with a connection number, implicit-TLS marking and --drop-after."""

    connections = 0

    def __init__(self, *args, implicit_tls=False, **kwargs):
        super().__init__(*args, **kwargs)
        TestSMTP.connections += 1
        self.connection_number = TestSMTP.connections
        self.implicit_tls = implicit_tls
        self.drop_after_reply = False

    def _create_session(self):
        session = super()._create_session()
        session.implicit_tls = self.implicit_tls
        return session

    async def smtp_DATA(self, arg):
        await super().smtp_DATA(arg)
        if self.drop_after_reply:
            self.drop_after_reply = False
            # The 250 reply was written (push awaits drain); close the socket under any TLS
            # layer so that the client reads the reply, then end-of-stream, and no QUIT.
            raw = self._original_transport or self.transport
            if raw is not None:
                while raw.get_write_buffer_size() and not raw.is_closing():
                    await asyncio.sleep(0.001)
                raw.close()


def make_authenticator(user, password):
    expected = (user.encode("utf-8"), password.encode("utf-8"))

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            mechanism in ("PLAIN", "LOGIN")
            and isinstance(auth_data, LoginPassword)
            and (auth_data.login, auth_data.password) == expected
        )
        if ok:
            return AuthResult(success=True, auth_data=auth_data)
        # handled=False: aiosmtpd then replies 535 itself (handled=True would leave the
        # client waiting for a reply that never comes).
        return AuthResult(success=False, handled=False)

    return authenticator


# ---- main -----------------------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[1:]),
    )
    parser.add_argument("--dir", required=True, help="where messages are stored")
    parser.add_argument("--port-file", required=True, help="gets the port once listening")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument("--tls", choices=("none", "starttls", "implicit"), default="none")
    parser.add_argument("--cert-out", help="where the test CA's PEM goes (TLS modes)")
    parser.add_argument("--auth", metavar="USER:PASSWORD")
    parser.add_argument("--require-auth", action="store_true")
    parser.add_argument("--drop-after", type=int, default=0, metavar="N")
    parser.add_argument("--tempfail-every", type=int, default=0, metavar="K")
    parser.add_argument("--reject-rcpt", action="append", metavar="SUBSTRING")
    parser.add_argument("--max-seconds", type=float, default=0, metavar="S")
    parser.add_argument("--no-fsync", action="store_true")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.tls != "none" and not args.cert_out:
        parser.error(f"--tls {args.tls} needs --cert-out (the client must trust that CA)")
    if args.require_auth and not args.auth:
        parser.error("--require-auth needs --auth USER:PASSWORD")
    if args.auth and ":" not in args.auth:
        parser.error("--auth takes USER:PASSWORD")
    for name in ("drop_after", "tempfail_every", "port"):
        if getattr(args, name) < 0:
            parser.error(f"--{name.replace('_', '-')} cannot be negative")
    if args.max_seconds < 0:
        parser.error("--max-seconds cannot be negative")
    return args


async def serve(args):
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    store = Store(args.dir, fsync=not args.no_fsync)
    handler = Handler(store, args)

    tls_context = None
    if args.tls != "none":
        ca_pem, cert_pem, key_pem = make_certificates()
        tls_context = server_tls_context(cert_pem, key_pem)
        write_atomically(args.cert_out, ca_pem)

    smtp_kwargs = {
        "hostname": "localhost",  # socket.getfqdn() can stall on a machine without DNS
        "ident": "crm-mail test SMTP (aiosmtpd)",
        # Keep the DATA bytes as bytes (and advertise 8BITMIME).
        "decode_data": False,
    }
    if args.auth:
        user, _, password = args.auth.partition(":")
        smtp_kwargs["authenticator"] = make_authenticator(user, password)
        smtp_kwargs["auth_required"] = args.require_auth
    if args.tls == "starttls":
        smtp_kwargs["tls_context"] = tls_context
        smtp_kwargs["require_starttls"] = args.require_auth
        smtp_kwargs["auth_require_tls"] = True
    else:
        # Implicit TLS is below aiosmtpd's sight (it would refuse AUTH as "not over TLS");
        # plain mode allows AUTH in the clear on purpose, for tests on loopback.
        smtp_kwargs["auth_require_tls"] = False

    def factory():
        return TestSMTP(handler, implicit_tls=args.tls == "implicit", loop=loop, **smtp_kwargs)

    try:
        server = await loop.create_server(
            factory,
            host=args.host,
            port=args.port,
            ssl=tls_context if args.tls == "implicit" else None,
            reuse_address=True,
        )
    except OSError as error:
        fail(f"cannot listen on {args.host}:{args.port}: {error}")
    port = server.sockets[0].getsockname()[1]

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.max_seconds:
        def timeout():
            log.warning("--max-seconds %s reached, exiting", args.max_seconds)
            stop.set()
        loop.call_later(args.max_seconds, timeout)
    if args.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(65536):
                    pass
            except (OSError, ValueError):
                pass
            loop.call_soon_threadsafe(stop.set)
        threading.Thread(target=watch_stdin, daemon=True).start()

    # The socket is listening: connections queue in the kernel from here on.
    write_atomically(args.port_file, f"{port}\n".encode("ascii"))
    print(
        f"smtp_server.py: listening on {args.host}:{port} (tls={args.tls}, "
        f"auth={'required' if args.require_auth else 'on' if args.auth else 'off'}, "
        f"dir={args.dir})",
        file=sys.stderr,
        flush=True,
    )
    try:
        await stop.wait()
    finally:
        server.close()
        store.close()
    print(f"smtp_server.py: stopped; {store.seq} messages in received.jsonl",
          file=sys.stderr, flush=True)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    # aiosmtpd logs every command at INFO under "mail.log"; keep only problems by default.
    logging.getLogger("mail.log").setLevel(logging.INFO if args.verbose else logging.ERROR)
    # "Requiring AUTH while not requiring TLS": intended with --tls none on loopback.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
