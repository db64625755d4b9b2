"""Loads every file of a bench corpus with python `cryptography`, in one process.

usage: python3 load_python.py DIR/certs [P12_PASSWORD]

By extension: .pem -> x509.load_pem_x509_certificates, .cer -> x509.load_der_x509_certificate,
.p7b -> pkcs7.load_der_pkcs7_certificates, .p12 -> pkcs12.load_pkcs12 (with the password:
it checks the MAC and decrypts the key, which `certisante list` does not do without one).
The notAfter of every certificate is read. Single-threaded. A summary goes to stderr.
"""

import os
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    folder = sys.argv[1]
    password = (sys.argv[2] if len(sys.argv) == 3 else "bench").encode()
    started = time.perf_counter()
    names = sorted(os.listdir(folder))
    certificates = 0
    checksum = 0
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            data = f.read()
        ext = os.path.splitext(name)[1]
        if ext == ".pem":
            certs = x509.load_pem_x509_certificates(data)
        elif ext == ".cer":
            certs = [x509.load_der_x509_certificate(data)]
        elif ext == ".p7b":
            certs = pkcs7.load_der_pkcs7_certificates(data)
        elif ext == ".p12":
            loaded = pkcs12.load_pkcs12(data, password)
            certs = [loaded.cert.certificate] + [c.certificate for c in loaded.additional_certs]
        else:
            continue
        for cert in certs:
            certificates += 1
            checksum += int(cert.not_valid_after_utc.timestamp())
    elapsed = (time.perf_counter() - started) * 1000
    print(
        f"python cryptography: files={len(names)} certificates={certificates} "
        f"in {elapsed:.1f} ms (in process) checksum={checksum}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
