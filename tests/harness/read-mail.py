#!/usr/bin/env python3
"""Reads back a message the SMTP test server received (tests/harness/smtp.sh), as a mail
client would, and prints it as one JSON object for the tests:

    read-mail.py FILE.eml

  {"headers": {"Subject": "...decoded...", ...}, "raw_headers": {"Subject": "=?utf-8?...", ...},
   "content_type": "text/plain", "charset": "utf-8", "transfer_encoding": "quoted-printable",
   "body": "...decoded text...", "envelope": {...the sidecar .json...}}

Decoding is Python's email package (RFC 2047 encoded words, quoted-printable, base64,
charsets), so a test checks what a reader sees, accents included. Standard library only.
"""
import email
import email.policy
import json
import os
import sys


def main():
    if len(sys.argv) != 2:
        print("usage: read-mail.py FILE.eml", file=sys.stderr)
        return 2
    path = sys.argv[1]
    with open(path, "rb") as f:
        raw = f.read()
    decoded = email.message_from_bytes(raw, policy=email.policy.default)
    undecoded = email.message_from_bytes(raw, policy=email.policy.compat32)
    part = decoded.get_body(preferencelist=("plain",)) or decoded
    sidecar = os.path.splitext(path)[0] + ".json"
    envelope = json.load(open(sidecar, encoding="utf-8")) if os.path.exists(sidecar) else None
    out = {
        "headers": {k: str(v) for k, v in decoded.items()},
        "raw_headers": {k: str(v) for k, v in undecoded.items()},
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
        "body": part.get_content(),
        "envelope": envelope,
    }
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
