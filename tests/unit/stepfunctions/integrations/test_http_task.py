"""HTTP Tasks (`http:invoke`) against a real HTTP server on 127.0.0.1.

Request and answer shapes follow the developer guide ("Call HTTPS APIs in Step Functions
workflows"): the connection's authorization is added to the request, a JSON body is sent as JSON,
the answer is `{"Headers", "ResponseBody", "StatusCode", "StatusText"}` and a non-2xx status is
the error `States.Http.StatusCode.<code>`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from stepfunctions.integrations.aws import AwsClients, IntegrationEndpoints
from stepfunctions.integrations.catalog import register_integrations
from stepfunctions.integrations.http_task import (
    ConnectionAuth,
    HttpTaskIntegration,
    PrefixRoutes,
    StaticConnections,
)
from stepfunctions.runtime.task_registry import TaskRegistry
from tests.unit.stepfunctions.integrations.conftest import run

pytestmark = pytest.mark.timeout(30)
CONNECTION = "arn:aws:events:us-east-1:123456789012:connection/appsync/0c4e"
CLOUD = "https://abc123.appsync-api.us-east-1.amazonaws.com"


class _Handler(BaseHTTPRequestHandler):
    seen: list[dict[str, Any]] = []  # noqa: RUF012 - shared with the test on purpose

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length) or b"null")
        _Handler.seen.append({"path": self.path, "headers": dict(self.headers), "body": body})
        if self.headers.get("x-api-key") != "da2-key":
            self._send(401, {"errors": [{"errorType": "UnauthorizedException"}]})
            return
        self._send(200, {"data": {"echo": body["variables"]["text"]}})

    def _send(self, status: int, answer: dict[str, Any]) -> None:
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def graphql() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Handler.seen.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


def _tasks(local: str, key: str) -> TaskRegistry:
    tasks = TaskRegistry()
    http = HttpTaskIntegration(
        StaticConnections({CONNECTION: ConnectionAuth(headers={"x-api-key": key})}),
        PrefixRoutes({CLOUD: local}),
    )
    register_integrations(tasks, AwsClients(IntegrationEndpoints()), http=http)
    return tasks


def _definition(**more: Any) -> dict[str, Any]:
    return {
        "StartAt": "Mutate",
        "States": {
            "Mutate": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {
                    "ApiEndpoint": f"{CLOUD}/graphql",
                    "Method": "POST",
                    "Authentication": {"ConnectionArn": CONNECTION},
                    "RequestBody": {
                        "query": "mutation($text: String!) { echo(text: $text) }",
                        "variables": {"text.$": "$.text"},
                    },
                },
                **more,
                "End": True,
            },
            **({"Denied": {"Type": "Pass", "End": True}} if "Catch" in more else {}),
        },
    }


@pytest.mark.anyio
async def test_a_graphql_operation_runs_on_the_routed_endpoint(graphql: str) -> None:
    result = await run(_tasks(graphql, "da2-key"), _definition(), {"text": "hi"})
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    output = result.output
    assert output["StatusCode"] == 200
    assert output["StatusText"] == "OK"
    assert output["ResponseBody"] == {"data": {"echo": "hi"}}
    assert output["Headers"]["content-type"] == ["application/json;charset=UTF-8"]
    request = _Handler.seen[0]
    assert request["path"] == "/graphql"
    assert request["headers"]["x-api-key"] == "da2-key"
    assert request["headers"]["Content-Type"] == "application/json; charset=UTF-8"
    assert request["body"]["variables"] == {"text": "hi"}
    scheduled = result.details("TaskScheduled")
    assert (scheduled["resourceType"], scheduled["resource"]) == ("http", "invoke")


@pytest.mark.anyio
async def test_a_refused_request_is_a_status_code_error_for_catch(graphql: str) -> None:
    catch = [
        {"ErrorEquals": ["States.Http.StatusCode.401"], "ResultPath": "$.error", "Next": "Denied"}
    ]
    result = await run(_tasks(graphql, "wrong"), _definition(Catch=catch), {"text": "hi"})
    assert result.execution.status == "SUCCEEDED", result.execution.cause
    error = result.output["error"]
    assert error["Error"] == "States.Http.StatusCode.401"
    assert json.loads(error["Cause"])["StatusCode"] == 401


@pytest.mark.anyio
async def test_forbidden_headers_and_unknown_connections_fail(graphql: str) -> None:
    definition = _definition()
    definition["States"]["Mutate"]["Parameters"]["Headers"] = {"Authorization": "x"}
    result = await run(_tasks(graphql, "da2-key"), definition, {"text": "hi"})
    assert result.execution.status == "FAILED"
    assert result.execution.error == "States.Runtime"
    definition = _definition()
    definition["States"]["Mutate"]["Parameters"]["Authentication"]["ConnectionArn"] = "arn:x"
    result = await run(_tasks(graphql, "da2-key"), definition, {"text": "hi"})
    assert result.execution.error == "Events.ConnectionResource.ResourceNotFound"
    assert _Handler.seen == []
