"""The server's log: credentials redacted in every record, websocket handshake lines kept with
the access log, uvicorn's configuration with both."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import httpx
import pytest

from appsync.app import build_app
from appsync.logs import (
    REDACTED,
    RedactCredentials,
    WebSocketAccess,
    logging_config,
    redact,
    stderr_handler,
)
from definition.appsync_yaml.api import read_appsync_yaml
from tests.unit.appsync.api_support import API_KEY, write_api


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '1:5 - "WebSocket /graphql/realtime?header=eyJob3N0Ijoi&payload=e30=" [accepted]',
            '1:5 - "WebSocket /graphql/realtime?header=[redacted]&payload=[redacted]" [accepted]',
        ),
        (
            "GET /graphql?query=x&X-Amz-Credential=AKIA%2F1&X-Amz-Signature=ab HTTP/1.1",
            "GET /graphql?query=x&X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted] HTTP/1.1",
        ),
        (
            "{'authorization': 'AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=1', 'host': 'h'}",
            "{'authorization': [redacted], 'host': 'h'}",
        ),
        (
            "Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=1",
            "Authorization: [redacted]",
        ),
        ('{"x-api-key": "da2-abc"}', '{"x-api-key": [redacted]}'),
        ("token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln refused", "token [redacted] refused"),
        ("key da2-abcdefghijklmnopqrstuvwxyz unknown", "key [redacted] unknown"),
        (
            "Redis at redis://:hunter2@localhost:6379/0 refused",
            "Redis at redis://:[redacted]@localhost:6379/0 refused",
        ),
        ("serving API blog", "serving API blog"),
    ],
)
def test_credentials_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


def _record(msg: str, args: object = (), exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise ValueError("bad header x-api-key: da2-abcdefghijklmnopqrstuvwxyz")
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, exc_info)  # type: ignore[arg-type]


def test_a_records_arguments_are_redacted_one_by_one() -> None:
    """uvicorn's access formatter unpacks the arguments: they stay a tuple of five."""
    record = _record('%s - "%s %s HTTP/%s" %d', ("c", "GET", "/graphql?header=abc", "1.1", 200))
    assert RedactCredentials().filter(record)
    assert record.args == ("c", "GET", f"/graphql?header={REDACTED}", "1.1", 200)
    named = _record("%(path)s", ({"path": "/x?payload=abc"},))
    named.args = {"path": "/x?payload=abc"}
    RedactCredentials().filter(named)
    assert named.getMessage() == f"/x?payload={REDACTED}"


def test_a_records_traceback_is_redacted() -> None:
    record = _record("failed", exc=True)
    RedactCredentials().filter(record)
    assert record.exc_text is not None
    assert "da2-" not in record.exc_text
    assert "ValueError" in record.exc_text


def test_websocket_handshake_lines_are_dropped_and_others_kept() -> None:
    keep = WebSocketAccess()
    assert not keep.filter(_record('%s - "WebSocket %s" [accepted]', ("c", "/graphql")))
    assert keep.filter(_record("Application startup complete."))


def test_the_configuration_redacts_on_every_handler() -> None:
    """The configuration as `serve` applies it (tests/integration/test_server_log.py reads the
    log it writes): redaction on each handler, websocket lines only with the access log."""
    config = logging_config("debug")
    assert config["filters"]["redact"] == {"()": RedactCredentials}
    assert all(handler["filters"] == ["redact"] for handler in config["handlers"].values())
    assert config["root"] == {"handlers": ["app"], "level": "DEBUG"}
    assert config["loggers"]["uvicorn.error"]["filters"] == ["websocket_access"]
    assert "filters" not in logging_config("info", access_log=True)["loggers"]["uvicorn.error"]


def test_the_command_lines_handler_redacts(capsys: pytest.CaptureFixture[str]) -> None:
    handler = stderr_handler()
    handler.handle(_record("refused %s", ("x-api-key: da2-abcdefghijklmnopqrstuvwxyz",)))
    assert capsys.readouterr().err.endswith(f"refused x-api-key: {REDACTED}\n")


@pytest.mark.anyio
async def test_a_request_writes_no_log_line_at_the_default_level(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`serve` logs at `info` without an access log by default: a query and a mutation write
    nothing, so the default logging costs nothing per request (issue 19; bench/http.py prints
    the CPU per request with and without it)."""
    app = build_app(read_appsync_yaml(write_api(tmp_path)))
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        with caplog.at_level(logging.INFO):
            async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
                for query in (
                    '{ getPost(id: "1") { id title } }',
                    'mutation { addPost(id: "2") { id } }',
                ):
                    answer = await http.post(
                        "/graphql", json={"query": query}, headers={"x-api-key": API_KEY}
                    )
                    assert answer.status_code == 200
                    assert "errors" not in answer.json()
    # The test's own client logs each request it makes (httpx); the server logs nothing.
    assert [record for record in caplog.records if not record.name.startswith("httpx")] == []
