#!/usr/bin/env python3
"""Send every .eml of a folder over one connection with Python's smtplib (the mail.sh peer).

Usage: mail_smtplib.py DIR_OF_EML --host 127.0.0.1 --port P
                       [--starttls --cafile CA.pem [--server-name localhost]]
                       [--user U --password P]

The peer of `crm mail send`: every `*.eml` in DIR (sorted by name) is read into memory and its
envelope taken from its headers (not timed): MAIL FROM is the From address, RCPT TO every
address of To and Cc. Then, timed: connect, EHLO, optionally STARTTLS (certificate and host
name checked against --cafile, server name --server-name, default `localhost`) and EHLO
again, optionally AUTH (smtplib picks the mechanism), one `sendmail` per message with the
bytes exactly as read, QUIT. Any refused recipient or failed message stops it with exit code
1. Prints `send <seconds> n=<N> per_sec=<R>`.
"""

import argparse
import email.parser
import email.policy
import email.utils
import pathlib
import smtplib
import ssl
import sys
import time


def envelope(raw, path):
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    senders = [addr for _, addr in email.utils.getaddresses(headers.get_all("From", []))]
    fields = headers.get_all("To", []) + headers.get_all("Cc", [])
    rcpts = [addr for _, addr in email.utils.getaddresses(fields) if addr]
    if not senders or not senders[0]:
        sys.exit(f"mail_smtplib.py: {path}: no From address")
    if not rcpts:
        sys.exit(f"mail_smtplib.py: {path}: no To or Cc address")
    return senders[0], rcpts


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", help="folder of .eml files")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--cafile", help="PEM of the CA the server's certificate must chain to")
    parser.add_argument("--server-name", default="localhost",
                        help="name the certificate must match with --starttls (localhost)")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    if args.starttls and not args.cafile:
        parser.error("--starttls needs --cafile")
    if (args.user is None) != (args.password is None):
        parser.error("--user and --password go together")

    paths = sorted(pathlib.Path(args.dir).glob("*.eml"))
    if not paths:
        sys.exit(f"mail_smtplib.py: no .eml files in {args.dir}")
    messages = []
    for path in paths:
        raw = path.read_bytes()
        sender, rcpts = envelope(raw, path)
        messages.append((sender, rcpts, raw))
    context = ssl.create_default_context(cafile=args.cafile) if args.starttls else None

    start = time.perf_counter()
    client = smtplib.SMTP(args.host, args.port, local_hostname="localhost", timeout=60)
    client.ehlo()
    if args.starttls:
        # smtplib takes the TLS server name from the host it connected to; connect by
        # address but check the certificate for --server-name, as a strict client does.
        client._host = args.server_name
        client.starttls(context=context)
        client.ehlo()
    if args.user is not None:
        client.login(args.user, args.password)
    for sender, rcpts, raw in messages:
        refused = client.sendmail(sender, rcpts, raw)
        if refused:
            sys.exit(f"mail_smtplib.py: recipients refused: {refused}")
    client.quit()
    secs = time.perf_counter() - start

    n = len(messages)
    print(f"send {secs:.4f} n={n} per_sec={n / secs:.0f}")


if __name__ == "__main__":
    main()
