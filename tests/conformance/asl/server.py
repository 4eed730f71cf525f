"""uvicorn serving the Step Functions API on 127.0.0.1 in a background thread, the engine on a
FakeClock, and a boto3 client for it. Used by the corpus suite and the integration test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import UTC, datetime

import boto3
import uvicorn
from botocore.config import Config
from mypy_boto3_stepfunctions import SFNClient

from appsync.stepfunctions_api import build_stepfunctions_app
from appsync.uvicorn_server import LongPollServer
from stepfunctions.runtime.clock import Clock, FakeClock, SystemClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


class ServerThread:
    """uvicorn and the service on their own event loop in a daemon thread."""

    def __init__(
        self,
        tasks: TaskRegistry | None = None,
        *,
        virtual_time: bool = True,
        clock: Clock | None = None,
        read_timeout: float = 60.0,  # botocore's default
    ) -> None:
        self.port = 0
        self._tasks = tasks if tasks is not None else TaskRegistry()
        self._virtual_time = virtual_time
        self._clock = clock
        self._read_timeout = read_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._server: LongPollServer | None = None
        self._thread = threading.Thread(target=self._main, name="sfn-test-server", daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(timeout=30):
            raise RuntimeError("the Step Functions server did not start")

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        self._thread.join(timeout=30)

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        # Virtual time starts at the wall clock: recorded inputs carry real timestamps (a Wait until
        # a past TimestampPath ends at once, as it did when AWS recorded it). It jumps whenever the
        # loop idles, so a task that waits for a worker needs `virtual_time=False` (or a `clock`
        # that only the test moves, through `run_on_loop`).
        self._loop = asyncio.get_running_loop()
        clock: Clock
        if self._clock is not None:
            clock = self._clock
        else:
            clock = FakeClock(datetime.now(UTC)) if self._virtual_time else SystemClock()
        service = StepFunctionsService(clock, self._tasks, region=REGION, account_id=ACCOUNT_ID)
        self.configure(service, self._tasks)
        config = uvicorn.Config(
            build_stepfunctions_app(service),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
        )
        server = LongPollServer(config, service)
        self._server = server
        async with service.running(), asyncio.TaskGroup() as group:
            serving = group.create_task(server.serve())
            # uvicorn reports readiness only as a flag, so it is polled.
            while not server.started and not serving.done():  # noqa: ASYNC110
                await asyncio.sleep(0.01)
            self.port = server.servers[0].sockets[0].getsockname()[1]
            self._ready.set()

    def configure(self, service: StepFunctionsService, tasks: TaskRegistry) -> None:
        """Called on the server's loop once the service exists, before it serves: a subclass
        registers integrations here."""

    def run_on_loop(self, action: Callable[[], None]) -> None:
        """Run `action` on the server's event loop and wait for it (e.g. moving a FakeClock)."""
        assert self._loop is not None

        async def step() -> None:
            action()

        asyncio.run_coroutine_threadsafe(step(), self._loop).result(timeout=10)

    def client(self) -> SFNClient:
        """boto3's stepfunctions client with `endpoint_url` on this server.

        Host-prefix injection is off: StartSyncExecution's model asks for a `sync-` host prefix,
        which an IP-literal endpoint cannot carry.
        """
        client: SFNClient = boto3.client(
            "stepfunctions",
            endpoint_url=f"http://127.0.0.1:{self.port}",
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            config=Config(
                inject_host_prefix=False,
                retries={"max_attempts": 1},
                read_timeout=self._read_timeout,
            ),
        )
        return client
