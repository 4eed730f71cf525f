"""DNS rebinding protection: on a loopback connection only loopback Host names and the allowed
ones are answered; connections on other addresses are not checked."""

from __future__ import annotations

import socket

import pytest

from appsync.hosts import HostPolicy, host_name, is_loopback, listening_socket, own_url


def _scope(host: str | None, server: str = "127.0.0.1") -> dict[str, object]:
    headers = [] if host is None else [(b"host", host.encode())]
    return {"type": "http", "server": (server, 20002), "headers": headers}


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "localhost:20002",
        "127.0.0.1:20002",
        "[::1]:20002",
        "app.localhost",
        "127.0.0.2",
    ],
)
def test_loopback_names_are_answered(host: str) -> None:
    assert HostPolicy().refusal(_scope(host)) is None


@pytest.mark.parametrize("host", ["evil.example", "evil.example:20002", "localhost.evil.example"])
def test_a_rebinding_host_is_refused_with_the_reason(host: str) -> None:
    refusal = HostPolicy().refusal(_scope(host))
    assert refusal is not None
    assert host in refusal
    assert "DNS rebinding" in refusal
    assert "--allowed-host" in refusal


def test_allowed_names_and_wildcards_are_answered() -> None:
    policy = HostPolicy(["MyHost.test", "*.dev.example"])
    assert policy.refusal(_scope("myhost.test:20002")) is None
    assert policy.refusal(_scope("api.dev.example")) is None
    assert policy.refusal(_scope("dev.example")) is not None
    assert policy.refusal(_scope("other.test")) is not None


def test_connections_on_other_addresses_are_not_checked() -> None:
    # `--host 0.0.0.0` and a request through the LAN address: the user exposed the server.
    assert HostPolicy().refusal(_scope("evil.example", server="192.0.2.10")) is None
    assert HostPolicy().refusal(_scope("evil.example", server="::1")) is not None


def test_a_request_without_a_host_is_answered() -> None:
    assert HostPolicy().refusal(_scope(None)) is None


def test_host_names_lose_their_port() -> None:
    assert host_name("[::1]:8080") == "::1"
    assert host_name("Example.TEST:443") == "example.test"
    assert host_name("::1") == "::1"


def test_loopback_binds() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.0.2.1")


def test_an_address_is_judged_once() -> None:
    """Every request asks about the server's address: answered from a cache after the first
    (parsing it each time was 3% of a realtime subscribe's CPU)."""
    is_loopback.cache_clear()
    for _ in range(3):
        assert is_loopback("127.0.0.1")
    assert (is_loopback.cache_info().misses, is_loopback.cache_info().hits) == (1, 2)


def test_the_listening_socket_hands_out_connections_without_nagles_delay() -> None:
    with listening_socket("127.0.0.1", 0) as listener:
        host, port = listener.getsockname()[:2]
        with socket.create_connection((host, port)) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
            assert client.getsockname()[0] == "127.0.0.1"


def test_the_server_s_own_url_is_on_loopback_for_a_wildcard_bind() -> None:
    assert own_url("127.0.0.1", 20002) == "http://127.0.0.1:20002"
    assert own_url("0.0.0.0", 4000, "https") == "https://127.0.0.1:4000"
    assert own_url("::", 4000) == "http://[::1]:4000"
    assert own_url("fd00::1", 4000) == "http://[fd00::1]:4000"
