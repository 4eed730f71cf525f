"""The self-signed localhost certificate: what it covers, that OpenSSL accepts it for the names
a local client dials (an in-memory TLS handshake), and that it is reused from its cache folder."""

from __future__ import annotations

import ipaddress
import ssl
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509

from appsync.errors import TlsError
from appsync.tls import (
    RENEW_BEFORE,
    VALIDITY,
    TlsFiles,
    self_signed_certificate,
)

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


def load(files: TlsFiles) -> x509.Certificate:
    return x509.load_pem_x509_certificate(files.cert_file.read_bytes())


def handshake(files: TlsFiles, server_hostname: str) -> None:
    """A client trusting only this certificate completes a TLS handshake with a server using
    it, checking the hostname as browsers, Node and Python do; no socket involved."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(files.cert_file, files.key_file)
    client_context = ssl.create_default_context(cafile=str(files.cert_file))
    client_in, client_out, server_in, server_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_context.wrap_bio(client_in, client_out, server_hostname=server_hostname)
    server = server_context.wrap_bio(server_in, server_out, server_side=True)
    done = {"client": False, "server": False}
    for _ in range(10):
        for name, end in (("client", client), ("server", server)):
            if done[name]:
                continue
            try:
                end.do_handshake()
                done[name] = True
            except ssl.SSLWantReadError:
                pass
        server_in.write(client_out.read())
        client_in.write(server_out.read())
        if all(done.values()):
            return
    raise AssertionError("the handshake did not finish")


def test_the_certificate_covers_localhost_and_the_loopback_addresses(tmp_path: Path) -> None:
    files = self_signed_certificate(tmp_path, NOW)
    names = load(files).extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    assert set(names.get_values_for_type(x509.IPAddress)) == {
        ipaddress.ip_address("127.0.0.1"),
        ipaddress.ip_address("::1"),
    }


@pytest.mark.parametrize("hostname", ["localhost", "127.0.0.1", "::1"])
def test_a_client_trusting_the_certificate_accepts_it_for_local_names(
    tmp_path: Path, hostname: str
) -> None:
    handshake(self_signed_certificate(tmp_path), hostname)


def test_a_client_refuses_it_for_another_name(tmp_path: Path) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match="mismatch"):
        handshake(self_signed_certificate(tmp_path), "example.com")


def test_the_certificate_is_reused_from_the_cache_folder(tmp_path: Path) -> None:
    first = self_signed_certificate(tmp_path, NOW)
    cert, key = first.cert_file.read_bytes(), first.key_file.read_bytes()
    second = self_signed_certificate(tmp_path, NOW + timedelta(days=100))
    assert second == first
    assert second.cert_file.read_bytes() == cert
    assert second.key_file.read_bytes() == key


def test_a_certificate_about_to_expire_is_replaced(tmp_path: Path) -> None:
    first = self_signed_certificate(tmp_path, NOW)
    serial = load(first).serial_number
    later = NOW + VALIDITY - RENEW_BEFORE + timedelta(days=1)
    renewed = self_signed_certificate(tmp_path, later)
    assert load(renewed).serial_number != serial
    assert load(renewed).not_valid_after_utc > later + RENEW_BEFORE


def test_an_unreadable_cached_certificate_is_replaced(tmp_path: Path) -> None:
    first = self_signed_certificate(tmp_path, NOW)
    first.cert_file.write_text("not a certificate")
    again = self_signed_certificate(tmp_path, NOW)
    load(again)
    again.check()


def test_the_private_key_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    files = self_signed_certificate(tmp_path / "nested" / "tls", NOW)
    assert stat.S_IMODE(files.key_file.stat().st_mode) == 0o600


def test_a_key_that_does_not_match_the_certificate_is_refused(tmp_path: Path) -> None:
    one = self_signed_certificate(tmp_path / "one", NOW)
    other = self_signed_certificate(tmp_path / "other", NOW)
    with pytest.raises(TlsError, match="cannot use"):
        TlsFiles(one.cert_file, other.key_file).check()


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TlsError, match="not found"):
        TlsFiles(tmp_path / "cert.pem", tmp_path / "key.pem").check()


def test_uvicorn_gets_the_two_paths(tmp_path: Path) -> None:
    files = TlsFiles(tmp_path / "c.pem", tmp_path / "k.pem")
    assert files.uvicorn_options() == {
        "ssl_certfile": str(tmp_path / "c.pem"),
        "ssl_keyfile": str(tmp_path / "k.pem"),
    }
