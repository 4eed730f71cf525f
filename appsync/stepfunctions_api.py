"""The Step Functions AWS JSON 1.0 endpoint: HTTP glue around `StepFunctionsService.handle`.

boto3 and the AWS CLI POST to `/` with `X-Amz-Target: AWSStepFunctions.<Operation>` and
`Content-Type: application/x-amz-json-1.0`; the answer is JSON with the same content type, and an
error is `{"__type": "<Code>", "message": ...}` (botocore reads the code from `__type`).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stepfunctions.integrations.states import ServiceNestedExecutions, StatesIntegration
from stepfunctions.runtime.clock import SystemClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from stepfunctions.store.memory import DEFAULT_RETENTION, MemoryStore
from stepfunctions.store.protocol import Store
from stepfunctions.store.sqlite import SqliteStore

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "AWSStepFunctions."


def _response(status: int, body: dict[str, Any]) -> Response:
    headers = {"x-amzn-RequestId": str(uuid.uuid4())}
    error_type = body.get("__type")
    if status >= 400 and isinstance(error_type, str):
        headers["x-amzn-ErrorType"] = error_type
    return Response(
        json.dumps(body, separators=(",", ":")),
        status_code=status,
        media_type=CONTENT_TYPE,
        headers=headers,
    )


def is_stepfunctions_request(request: Request) -> bool:
    """True when a request carries the Step Functions target header (to mount beside /graphql)."""
    return request.headers.get("x-amz-target", "").startswith(TARGET_PREFIX)


def stepfunctions_endpoint(
    service: StepFunctionsService,
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint that answers Step Functions API calls with `service`."""

    async def endpoint(request: Request) -> Response:
        target = request.headers.get("x-amz-target", "")
        if not target.startswith(TARGET_PREFIX):
            return _response(
                400,
                {
                    "__type": "UnknownOperationException",
                    "message": f"Unknown operation {target or '(no X-Amz-Target)'}",
                },
            )
        operation = target[len(TARGET_PREFIX) :]
        body = await request.body()
        status, payload = await service.handle(operation, body)
        logger.debug("%s -> %s", operation, status)
        return _response(status, payload)

    return endpoint


def stepfunctions_route(service: StepFunctionsService, path: str = "/") -> Route:
    """The POST route the GraphQL server mounts on its own port."""
    return Route(path, stepfunctions_endpoint(service), methods=["POST"])


def build_stepfunctions_app(service: StepFunctionsService) -> Starlette:
    """An app serving only the Step Functions API; the caller runs `service` (see `running`)."""
    return Starlette(routes=[stepfunctions_route(service)])


def stepfunctions_store(database: str | None, retention: int = DEFAULT_RETENTION) -> Store:
    """The store behind the engine: SQLite at `database` (`:memory:` allowed), else memory."""
    if database is None:
        return MemoryStore(retention)
    return SqliteStore(database, retention)


async def serve_stepfunctions(
    host: str,
    port: int,
    *,
    database: str | None = None,
    retention: int = DEFAULT_RETENTION,
) -> None:
    """`appsync-local stepfunctions`: the engine alone, on the wall clock, until cancelled.

    With `database` (a SQLite file) state machines, activities and Standard executions survive
    a restart: executions left RUNNING continue from their last recorded event. Nested
    executions (`arn:aws:states:::states:startExecution[.sync|.waitForTaskToken]`) run on the
    same engine.
    """
    tasks = TaskRegistry()
    store = stepfunctions_store(database, retention)
    service = StepFunctionsService(SystemClock(), tasks, retention=retention, store=store)
    tasks.register_integration("states", StatesIntegration(ServiceNestedExecutions(service)))
    config = uvicorn.Config(
        build_stepfunctions_app(service), host=host, port=port, log_level="info", lifespan="off"
    )
    try:
        async with service.running():
            await uvicorn.Server(config).serve()
    finally:
        # Executions still running were written as RUNNING: the next start resumes them.
        if isinstance(store, SqliteStore):
            store.close()
