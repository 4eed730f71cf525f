"""The services moto serves (Cognito, S3, SQS, SNS, STS, IAM, Secrets Manager, SSM, EventBridge,
...), answered in this process by moto's own dispatch: `DomainDispatcherApplication`, the WSGI
application moto_server runs, called without a server.

Each verified request becomes a WSGI environ (PEP 3333) and runs under the embedded backends'
lock (`BACKEND_LOCK`, shared with the resolvers' DynamoDB calls) in a small thread pool of its
own: moto blocks, and the engine's Task states, which reach this endpoint from the default
executor's threads, must never wait for a thread of that same pool. moto's answers leave
without its CORS headers (Flask-CORS adds `Access-Control-Allow-Origin: *`).

moto's dispatch tells the service from the `Authorization` header's credential scope; a
pre-signed URL has none, and moto then takes it for S3's (its default). A pre-signed call of
another service (an SNS or SQS action as a GET, which their query APIs take) is given an
`Authorization` naming the URL's own credential scope, for moto's dispatch alone: the signature
was verified before this route.

A long poll (ReceiveMessage with `WaitTimeSeconds`, or a queue's
`ReceiveMessageWaitTimeSeconds`) waits inside moto's call; holding the lock all that while
would keep every other call out (a message sent meanwhile could not even arrive), for up to 20
seconds. So moto's queues wait with the lock released (`release_lock_while_waiting`), and take
it back to look again.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs, unquote_to_bytes

from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from appsync.aws.resource_journal import journaled
from appsync.errors import ResourceJournalError
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

logger = logging.getLogger(__name__)

# moto calls are short and serialised by the backend lock: a few threads are enough.
_THREADS = 4


class MotoServices:
    """The fallback route: every service moto's dispatch knows, in process."""

    def __init__(self) -> None:
        # moto's DomainDispatcherApplication (untyped), made on first use.
        self._dispatcher: Any = None
        self._executor: ThreadPoolExecutor | None = None

    def serves(self, service: str) -> bool:
        """Whether moto has a backend for the service a signature names (`sns`, `s3` ...)."""
        if not service:
            return False
        from moto.moto_server.werkzeug_app import SIGNING_ALIASES

        name = SIGNING_ALIASES.get(service, service)
        return self._app().get_backend_for_host(f"{name}.us-east-1.amazonaws.com") is not None

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(_THREADS, thread_name_prefix="moto")
        environ = _environ(request)
        if call.service not in ("", "s3") and "HTTP_AUTHORIZATION" not in environ:
            credential = _query_credential(request.query_string)
            if credential is not None:
                environ["HTTP_AUTHORIZATION"] = (
                    f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders=host, Signature=-"
                )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, environ)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _app(self) -> Any:
        if self._dispatcher is None:
            # Imported on first use: moto's server brings Flask and every backend's URLs.
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                create_backend_app,
            )

            self._dispatcher = DomainDispatcherApplication(create_backend_app)
            release_lock_while_waiting()
        return self._dispatcher

    def _call(self, environ: dict[str, Any]) -> AwsResponse:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
            started[:] = [status, headers]

        try:
            with journaled():
                try:
                    chunks: Iterable[bytes] = self._app()(environ, start_response)
                    body = b"".join(chunks)
                except Exception as error:  # moto is third-party code: its bugs must not escape
                    # Often a request moto cannot take: no traceback in the log unless asked.
                    method, uri = environ["REQUEST_METHOD"], environ["RAW_URI"]
                    logger.warning("moto failed on %s %s: %r", method, uri, error)
                    logger.debug("moto's traceback", exc_info=True)
                    started.clear()
        except ResourceJournalError as error:
            # Applied in memory, not kept: not answered as done (README, "Durability").
            logger.error("%s", error)
            started.clear()
        if not started:
            return AwsResponse(500, b"", [("content-type", "text/plain")])
        status, headers = started
        kept = [
            (name, value)
            for name, value in headers
            if not name.lower().startswith("access-control-")
        ]
        return AwsResponse(int(status.split(" ", 1)[0]), body, kept)


def release_lock_while_waiting() -> None:
    """moto's SQS queues wait for messages with the embedded backends' lock released (see the
    module's docstring); once per process."""
    from moto.sqs.models import Queue

    waiting = Queue.wait_for_messages
    if getattr(waiting, "releases_backend_lock", False):
        return

    def wait_for_messages(self: Any, timeout: int) -> None:
        try:
            BACKEND_LOCK.release()
        except RuntimeError:  # not held by this thread: nothing to let go of
            waiting(self, timeout)
            return
        try:
            waiting(self, timeout)
        finally:
            BACKEND_LOCK.acquire()

    wait_for_messages.releases_backend_lock = True  # type: ignore[attr-defined]
    Queue.wait_for_messages = wait_for_messages  # type: ignore[method-assign]


def _environ(request: AwsRequest) -> dict[str, Any]:
    host = request.header("host") or "localhost"
    name, _, port = host.rpartition(":") if host.rsplit(":", 1)[-1].isdigit() else (host, "", "80")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        # PEP 3333: the decoded path's bytes, as latin-1 text; moto reads the raw one from RAW_URI.
        "PATH_INFO": unquote_to_bytes(request.path).decode("latin-1"),
        "RAW_URI": request.path + (f"?{request.query_string}" if request.query_string else ""),
        "QUERY_STRING": request.query_string,
        "SERVER_NAME": name,
        "SERVER_PORT": port or "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": request.source_ip or "127.0.0.1",
        "CONTENT_LENGTH": str(len(request.body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(request.body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for header, value in request.headers.items():
        key = header.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if key == "CONTENT_TYPE":
                environ[key] = value
            continue
        environ[f"HTTP_{key}"] = value
    return environ


def _query_credential(query_string: str) -> str | None:
    """A pre-signed URL's `X-Amz-Credential` (`<key>/<date>/<region>/<service>/aws4_request`)."""
    found = parse_qs(query_string).get("X-Amz-Credential")
    return found[0] if found else None
