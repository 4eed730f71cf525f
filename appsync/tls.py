"""TLS for `serve`: the user's certificate and key, or a self-signed certificate for localhost.

aws-amplify v6 always dials the realtime endpoint with `wss://`, for `http://` GraphQL URLs too
(reference/appsync.md 3.3 and 6.1), so a server without TLS never sees its sockets. The
self-signed certificate covers `localhost`, `127.0.0.1` and `::1`; it is generated once with
`cryptography` into a cache folder and reused while it is valid for at least another
`RENEW_BEFORE`, so a client told to trust it (Node's `NODE_EXTRA_CA_CERTS`, Python's
`ssl.create_default_context(cafile=...)`, the system store) keeps trusting it across restarts.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from appsync.errors import TlsError

logger = logging.getLogger(__name__)

CERT_FILE_NAME = "localhost.pem"
KEY_FILE_NAME = "localhost-key.pem"
# What the generated certificate covers: the names a local client dials.
LOCAL_DNS_NAMES = ("localhost",)
LOCAL_IP_ADDRESSES = ("127.0.0.1", "::1")
# 825 days is the longest validity Apple's TLS clients accept for a server certificate.
VALIDITY = timedelta(days=825)
RENEW_BEFORE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """A PEM certificate (chain) and its PEM private key, as uvicorn loads them."""

    cert_file: Path
    key_file: Path

    def uvicorn_options(self) -> dict[str, Any]:
        """Keyword arguments for `uvicorn.Config`."""
        return {"ssl_certfile": str(self.cert_file), "ssl_keyfile": str(self.key_file)}

    def check(self) -> None:
        """Load the pair once as the server will, so a bad pair fails before the server starts."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        try:
            context.load_cert_chain(self.cert_file, self.key_file)
        except FileNotFoundError as error:
            raise TlsError(f"TLS file not found: {error.filename}") from None
        except (ssl.SSLError, OSError) as error:
            raise TlsError(
                f"cannot use {self.cert_file} with {self.key_file}: {error.strerror or error}"
            ) from None


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/appsync-local/tls`, or `~/.cache/appsync-local/tls`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "appsync-local" / "tls"


def self_signed_certificate(cache_dir: Path | None = None, now: datetime | None = None) -> TlsFiles:
    """The cached localhost certificate, generated when missing, unreadable, not covering the
    local names, or valid for less than `RENEW_BEFORE` after `now`."""
    folder = cache_dir or default_cache_dir()
    files = TlsFiles(folder / CERT_FILE_NAME, folder / KEY_FILE_NAME)
    moment = now or datetime.now(UTC)
    if _reusable(files, moment):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = _certificate(key, moment)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(files.key_file, key_pem)
    files.cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    logger.info("generated a self-signed certificate for localhost: %s", files.cert_file)
    return files


def _certificate(key: ec.EllipticCurvePrivateKey, now: datetime) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "appsync-local"),
        ]
    )
    alternative_names: list[x509.GeneralName] = [x509.DNSName(n) for n in LOCAL_DNS_NAMES]
    alternative_names += [x509.IPAddress(ipaddress.ip_address(a)) for a in LOCAL_IP_ADDRESSES]
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        # A minute back: a client whose clock is a little behind still accepts it.
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectAlternativeName(alternative_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
        .sign(key, hashes.SHA256())
    )


def _reusable(files: TlsFiles, now: datetime) -> bool:
    try:
        certificate = x509.load_pem_x509_certificate(files.cert_file.read_bytes())
        files.check()
    except (OSError, ValueError, TlsError):
        return False
    if certificate.not_valid_after_utc - RENEW_BEFORE < now:
        return False
    if certificate.not_valid_before_utc > now:
        return False
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    covered_ips = {str(address) for address in names.get_values_for_type(x509.IPAddress)}
    return (
        set(LOCAL_DNS_NAMES) <= set(names.get_values_for_type(x509.DNSName))
        and set(LOCAL_IP_ADDRESSES) <= covered_ips
    )


def _write_private(path: Path, data: bytes) -> None:
    """The key is readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
