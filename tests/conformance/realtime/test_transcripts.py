"""Realtime transcripts (`transcripts.yaml`): frames real clients send, fed to the sans-IO
protocol, compared with the frames and actions AppSync's side must produce. Each transcript
names its provenance in reference/appsync.md (sections 3.3 and 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from appsync.realtime.messages import DataPayload, ErrorJson
from appsync.realtime.protocol import (
    Action,
    CloseSocket,
    RealtimeConnection,
    SendFrame,
    Subscribe,
    Unsubscribe,
    handshake_headers,
)

pytestmark = pytest.mark.conformance

TRANSCRIPTS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "transcripts.yaml").read_text(encoding="utf-8")
)["transcripts"]
PRELOAD_QUERY = json.dumps({"query": "subscription { onCreateTodo { id } }", "variables": {}})


def rendered(action: Action) -> dict[str, Any]:
    """An action in the transcript's own vocabulary; frames are compared as parsed JSON."""
    if isinstance(action, SendFrame):
        return {"send": json.loads(action.text)}
    if isinstance(action, Subscribe):
        return {
            "subscribe": {
                "id": action.subscription_id,
                "query": action.query,
                "variables": action.variables,
                "operationName": action.operation_name,
                "data": action.data,
                "authorization": action.authorization,
            }
        }
    if isinstance(action, Unsubscribe):
        return {"unsubscribe": action.subscription_id}
    assert isinstance(action, CloseSocket)
    return {"close": action.code}


def feed(connection: RealtimeConnection, step: dict[str, Any]) -> list[Action]:
    if "in" in step:
        return connection.receive(json.dumps(step["in"]))
    if "in_text" in step:
        return connection.receive(step["in_text"])
    if "started" in step:
        return connection.subscription_started(step["started"])
    if "failed" in step:
        errors: list[ErrorJson] = step["failed"]["errors"]
        return connection.subscription_failed(step["failed"]["id"], errors)
    if "data" in step:
        payload: DataPayload = step["data"]["payload"]
        return connection.data(step["data"]["id"], payload)
    if "keep_alive" in step:
        return connection.keep_alive()
    if "closed" in step:
        return connection.closed()
    if "preload" in step:
        for n in range(step["preload"]):
            start = {"id": f"sub-{n}", "type": "start", "payload": {"data": PRELOAD_QUERY}}
            assert isinstance(connection.receive(json.dumps(start))[0], Subscribe)
            assert isinstance(connection.subscription_started(f"sub-{n}")[0], SendFrame)
        return []
    raise AssertionError(f"unknown step {sorted(step)}")


@pytest.mark.parametrize("transcript", [pytest.param(t, id=t["name"]) for t in TRANSCRIPTS])
def test_transcript(transcript: dict[str, Any]) -> None:
    assert transcript.get("provenance"), "every transcript names where it comes from"
    handshake = transcript.get("handshake")
    if handshake is not None:
        headers = handshake_headers(handshake["subprotocols"], handshake.get("header"))
        assert headers == handshake["headers"]
    connection = RealtimeConnection(rejection=transcript.get("rejection"))
    for number, step in enumerate(transcript["steps"]):
        out = [rendered(action) for action in feed(connection, step)]
        assert out == step["out"], f"step {number}"
