"""The fuzz and load suite (issue 12, "How it is checked"), bounded in time for CI.

Against `appsync-local serve` in a process of its own (server_process.py), on the fuzz API:
hypothesis-generated GraphQL documents, variables, HTTP bodies and realtime frames, with lone
surrogates, deep nesting and sizes past every limit. Every answer is one of AppSync's (never a
5xx: none of the fuzz API's fields can fail on the server's side), every frame the server sends
is JSON, sockets that were not sent an oversized frame stay open, and the server's log holds no
traceback. Then a load of distinct documents, subscriptions and mutations, after which the
server's resident memory is back within 10% of what it was after the same load's warm-up
(measured from /proc once the server has collected garbage and trimmed its heap, so what is
counted is what is still allocated). The warm-up fills what is meant to fill (the document
cache, the interpreter's own caches); what the check catches is memory that keeps growing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from appsync.realtime.messages import MAX_SUBSCRIPTION_PAYLOAD_BYTES
from tests.integration.conftest import APIS
from tests.integration.realtime_support import b64url
from tests.integration.server_process import ServerProcess, serve_process

FUZZ_CONFIG = APIS / "fuzz" / "appsync.yaml"
KEY = "da2-fuzztestkey000000000000000"
HEADERS = {"x-api-key": KEY}
APPSYNC_STATUSES = {200, 400, 401, 413}
FRAME_TYPES = {"connection_ack", "ka", "start_ack", "data", "error", "complete"}
RSS_TOLERANCE = 1.10
MAX_FRAME_BYTES = MAX_SUBSCRIPTION_PAYLOAD_BYTES
PUT = 'mutation M($t: String) { putItem(id: "1", text: $t) { id text } }'

_FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with serve_process(FUZZ_CONFIG, tmp_path_factory.mktemp("fuzz")) as running:
        yield running
        assert "Traceback" not in running.log()


# Values: text with lone surrogates, JSON nested past the server's bound, sizes past the limits.
surrogates = st.integers(0xD800, 0xDFFF).map(chr)
texts = st.lists(st.one_of(st.characters(), surrogates), max_size=30).map("".join)
deep_json = st.integers(1, 100_000).map(lambda depth: "[" * depth + "]" * depth)
huge = st.sampled_from([10_000, 300_000, 1_200_000]).map(lambda size: "x" * size)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=10,
)
variable_values = st.one_of(json_values, deep_json, huge, texts)


def _literal(text: str) -> str:
    """A GraphQL string literal (JSON's escapes are GraphQL's)."""
    return json.dumps(text)


selections = st.one_of(
    texts.map(lambda text: f"echo(text: {_literal(text)})"),
    st.one_of(json_values.map(json.dumps), deep_json, huge).map(
        lambda value: f"json(value: {_literal(value)})"
    ),
    st.integers(1, 300).map(lambda depth: "node(input: " + "{child: " * depth + "}" * depth + ")"),
    st.just('item(id: "1") { id text child { id } }'),
    st.just("__typename"),
    st.just("echo(text: $t)"),
    st.just("json(value: $v)"),
)
directives = st.lists(st.sampled_from(["@skip(if: false)", "@include(if: true)"]), max_size=3)
documents = st.one_of(
    st.tuples(
        st.lists(
            st.tuples(st.sampled_from(["", "a: ", "b: "]), selections, directives),
            min_size=1,
            max_size=6,
        ),
        st.booleans(),
    ).map(
        lambda parts: (
            ("query Q($t: String, $v: AWSJSON) " if parts[1] else "query Q($t: String) ")
            + "{ "
            + " ".join(alias + field + " " + " ".join(d) for alias, field, d in parts[0])
            + " }"
        )
    ),
    st.text(alphabet='{}()[]:!$@.,#"\\ \nabcdefghijklmnopqrstuvwxyz_0123456789', max_size=300),
)
requests = st.fixed_dictionaries(
    {"query": documents},
    optional={"variables": st.fixed_dictionaries({"t": texts, "v": variable_values})},
)


def _check_http(response: httpx.Response) -> None:
    assert response.status_code in APPSYNC_STATUSES, (response.status_code, response.text)
    body = response.json()
    assert isinstance(body, dict)
    assert "errors" in body or "data" in body


def test_fuzzed_requests_get_appsyncs_answers(server: ServerProcess) -> None:
    with httpx.Client(timeout=30, headers=HEADERS) as client:

        @_FUZZ
        @given(request=requests)
        def fuzz_requests(request: dict[str, Any]) -> None:
            # Sent as JSON text with `\\ud800` escapes, as clients send lone surrogates.
            _check_http(client.post(server.url, content=json.dumps(request)))

        @_FUZZ
        @given(
            body=st.one_of(
                st.binary(max_size=300),
                json_values.map(lambda value: json.dumps(value).encode()),
                deep_json.map(str.encode),
                st.just(b'{"query": "' + b"x" * 6_000_000 + b'"}'),
            )
        )
        def fuzz_bodies(body: bytes) -> None:
            _check_http(client.post(server.url, content=body))

        fuzz_requests()
        fuzz_bodies()
        assert client.post(server.url, json={"query": "{ __typename }"}).json() == {
            "data": {"__typename": "Query"}
        }


@contextmanager
def _socket(server: ServerProcess) -> Iterator[ClientConnection]:
    header = b64url({"host": f"127.0.0.1:{server.port}", "x-api-key": KEY})
    with connect(
        server.realtime_url,
        subprotocols=[Subprotocol("graphql-ws"), Subprotocol(f"header-{header}")],
        max_size=None,
    ) as socket:
        socket.send(json.dumps({"type": "connection_init"}))
        assert json.loads(socket.recv(10))["type"] == "connection_ack"
        yield socket


def _until(socket: ClientConnection, last: dict[str, Any]) -> list[dict[str, Any]]:
    """The frames the server sends up to and including `last` (keep-alives aside); each one of
    the protocol's."""
    frames = []
    while True:
        text = socket.recv(10)
        assert isinstance(text, str)
        frame = json.loads(text)
        assert frame["type"] in FRAME_TYPES, frame
        if frame["type"] != "ka":
            frames.append(frame)
        if frame == last:
            return frames


def _answers(socket: ClientConnection, sentinel: str) -> list[dict[str, Any]]:
    """What the server answers to the frames sent so far: a `stop` for an unknown id, answered
    `complete`, marks the end (a `start` may still be answered after it, while it is planned;
    that answer is read with the next)."""
    socket.send(json.dumps({"type": "stop", "id": sentinel}))
    return _until(socket, {"type": "complete", "id": sentinel})[:-1]


start_frames = st.fixed_dictionaries(
    {
        "id": st.one_of(texts, st.integers(), st.none()),
        "type": st.sampled_from(["start", "stop", "connection_init", "other"]),
        "payload": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "data": st.one_of(
                        requests.map(json.dumps), deep_json, json_values.map(json.dumps)
                    ),
                    "extensions": st.just({"authorization": {"x-api-key": KEY}}),
                }
            ),
        ),
    }
).map(json.dumps)
# A text frame is UTF-8 on the wire: a lone surrogate reaches the server only as a JSON escape.
frames = st.one_of(start_frames, deep_json, st.text(max_size=50), huge)


def test_fuzzed_frames_get_appsyncs_frames_and_leave_the_socket_open(
    server: ServerProcess,
) -> None:
    with ExitStack() as stack:
        sockets = [stack.enter_context(_socket(server))]

        sent = iter(range(1_000_000))

        @_FUZZ
        @given(frame=frames)
        def fuzz_frames(frame: str) -> None:
            socket = sockets[-1]
            if len(frame.encode(errors="surrogatepass")) <= MAX_FRAME_BYTES:
                socket.send(frame)
                _answers(socket, f"sentinel-{next(sent)}")
                return
            # Only a frame past 240 KB closes the socket: 1009, Message Too Big. The server may
            # close before the client has sent it all; the client then sees the reset, not the
            # close frame.
            with pytest.raises(ConnectionClosed) as closed:
                _oversized(socket, frame)
            assert closed.value.rcvd is None or closed.value.rcvd.code == 1009
            sockets.append(stack.enter_context(_socket(server)))

        fuzz_frames()


def _oversized(socket: ClientConnection, frame: str) -> None:
    with suppress(ConnectionClosed):  # closed by the server while being sent
        socket.send(frame)
    _answers(socket, "after")


# Comments are tokens graphql-core keeps: a distinct document of 400 of them weighs about
# 100 KB once parsed, so a few hundred fill the document cache's budget (32 MiB).
COMMENTS = "\n#" * 400


def load(server: ServerProcess, rounds: int, offset: int) -> None:
    """Per round: a distinct document with credentials (kept by the cache, which is bounded),
    a distinct one without (refused before it is read); every 25 rounds a socket subscribing,
    receiving a mutation's lone surrogate, and closing."""
    with httpx.Client(timeout=30, headers=HEADERS) as client, httpx.Client(timeout=30) as anonymous:
        for n in range(offset, offset + rounds):
            query = f'{{ a{n}: echo(text: "{n}") item(id: "{n}") {{ id }} }}{COMMENTS}'
            assert client.post(server.url, json={"query": query}).status_code == 200
            stranger = f'{{ b{n}: echo(text: "{n}") }}' + " " * 20_000
            assert anonymous.post(server.url, json={"query": stranger}).status_code == 401
            if n % 25 == 0:
                _subscribe_and_receive(server, client, f"{n} \ud800")


def _subscribe_and_receive(server: ServerProcess, client: httpx.Client, text: str) -> None:
    with _socket(server) as socket:
        data = json.dumps({"query": "subscription { onPutItem { id text } }"})
        authorization = {"x-api-key": KEY}
        start = {
            "id": "s",
            "type": "start",
            "payload": {"data": data, "extensions": {"authorization": authorization}},
        }
        socket.send(json.dumps(start))
        _until(socket, {"type": "start_ack", "id": "s"})
        client.post(server.url, content=json.dumps({"query": PUT, "variables": {"t": text}}))
        payload = {"data": {"onPutItem": {"id": "1", "text": text}}}
        _until(socket, {"type": "data", "id": "s", "payload": payload})


def test_memory_is_back_within_ten_percent_after_the_load(server: ServerProcess) -> None:
    load(server, 300, 0)
    start = server.rss_after_collecting()
    load(server, 600, 300)
    after = server.rss_after_collecting()
    assert after <= start * RSS_TOLERANCE, (start, after)
