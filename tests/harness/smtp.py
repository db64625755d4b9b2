#!/usr/bin/env python3
"""A real SMTP server for the mail-alert tests (aiosmtpd), on 127.0.0.1 only.

Started by tests/harness/smtp.sh (which picks the certificate, user and ports); run by
hand:  smtp.py --dir DIR --cert server.pem --key server.key --user U --password P

Listeners (port 0 = any free port; the ports bound are written to DIR/ready.json):
  starttls  plain SMTP offering STARTTLS; every command but EHLO/HELO/NOOP/RSET/QUIT/
            STARTTLS is refused (530) before TLS, AUTH is neither offered nor accepted
            (538) before TLS, and MAIL needs AUTH (530 5.7.0)
  smtps     implicit TLS from the first byte (port 465 style); AUTH required
  plain     no TLS at all, AUTH offered in clear text: a client configured for TLS must
            refuse to talk to it, and must never send its password there (the sidecar
            JSON says "tls": false if one did)
  hang      accepts connections and never says a word (no greeting): client timeouts
AUTH PLAIN and LOGIN for one user; a wrong user or password gets 535 5.7.8.
A recipient whose local part starts with "reject" is refused (550 5.1.1): partial failures.

Every accepted message is written to DIR/mail/NNNNN-<listener>.eml exactly as received
(the DATA bytes after dot-unstuffing, CRLF line ends), with NNNNN-<listener>.json beside
it: envelope sender and recipients, listener, TLS version, authenticated user, time. The
JSON is renamed into place first, then the .eml: a test that sees the .eml sees both.
"""
import argparse
import asyncio
import datetime
import itertools
import json
import logging
import os
import signal
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    sys.exit("smtp.py: the aiosmtpd package is missing from this Python "
             f"({sys.executable}): scripts/setup.sh test installs it into the tools venv")


class Recorder:
    """aiosmtpd handler: accepts the envelope, writes each message to the mail folder."""

    def __init__(self, maildir, listener, counter):
        self.maildir = maildir
        self.listener = listener
        self.counter = counter

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.split("@")[0].lower().startswith("reject"):
            return "550 5.1.1 Mailbox unavailable (refused by the test server)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        name = f"{n:05d}-{self.listener}"
        ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
        meta = {
            "file": name + ".eml",
            "listener": self.listener,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "tls": ssl_object.version() if ssl_object else False,
            "auth_user": session.auth_data,
            "peer": list(session.peer) if session.peer else None,
            "received": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            "size": len(envelope.original_content or b""),
        }
        write_atomically(os.path.join(self.maildir, name + ".json"),
                         json.dumps(meta, ensure_ascii=False, indent=1).encode())
        write_atomically(os.path.join(self.maildir, name + ".eml"), envelope.original_content or b"")
        logging.info("message %s from %s to %s (%d bytes)", name, envelope.mail_from, envelope.rcpt_tos, meta["size"])
        return "250 2.0.0 Message accepted for delivery"


def write_atomically(path, data):
    # A dot name without the final suffix while writing: a reader globbing *.eml never
    # sees half a message.
    temporary = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".tmp")
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        if not ok:
            login = auth_data.login if isinstance(auth_data, LoginPassword) else None
            logging.info("AUTH %s refused for %r", mechanism, login)
        # handled=False: aiosmtpd answers 235 or "535 5.7.8 Authentication credentials invalid".
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)
    return authenticator


async def hang(reader, writer):
    # Holds the connection open, silent, until the client gives up.
    try:
        while await reader.read(4096):
            pass
    finally:
        writer.close()


async def serve(args):
    maildir = os.path.join(args.dir, "mail")
    os.makedirs(maildir, exist_ok=True)
    # Numbering goes on after a restart (smtp.sh down/up): never overwrite a message.
    existing = [int(f[:5]) for f in os.listdir(maildir) if f[:5].isdigit()]
    counter = itertools.count(max(existing, default=0) + 1)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    authenticator = make_authenticator(args.user, args.password)

    def factory(listener, **options):
        common = dict(hostname="localhost", ident="CertiSante test SMTP", enable_SMTPUTF8=True,
                      decode_data=False, auth_required=True, authenticator=authenticator, timeout=60)
        return lambda: SMTP(Recorder(maildir, listener, counter), **common, **options)

    loop = asyncio.get_running_loop()
    servers = {
        "starttls": await loop.create_server(
            factory("starttls", tls_context=context, require_starttls=True, auth_require_tls=True),
            "127.0.0.1", args.starttls_port),
        # The transport is TLS from the start: aiosmtpd does not know it, so it must not
        # ask for STARTTLS before AUTH.
        "smtps": await loop.create_server(
            factory("smtps", auth_require_tls=False), "127.0.0.1", args.smtps_port, ssl=context),
        "plain": await loop.create_server(
            factory("plain", auth_require_tls=False), "127.0.0.1", args.plain_port),
        "hang": await asyncio.start_server(hang, "127.0.0.1", args.hang_port),
    }
    ports = {name: server.sockets[0].getsockname()[1] for name, server in servers.items()}
    write_atomically(os.path.join(args.dir, "ready.json"), json.dumps(ports).encode())
    logging.info("listening on 127.0.0.1: %s", ports)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers.values():
        server.close()
    logging.info("stopped")


def main():
    parser = argparse.ArgumentParser(description="SMTP test server (aiosmtpd)")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    for name in ("starttls", "smtps", "plain", "hang"):
        parser.add_argument(f"--{name}-port", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stdout)
    try:
        asyncio.run(serve(args))
    except OSError as e:
        sys.exit(f"smtp.py: {e}")


if __name__ == "__main__":
    main()
