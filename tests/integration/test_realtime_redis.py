"""Several server processes behind one endpoint share mutations through a real Redis.

The test starts `redis-server` from its binary (the project's setup installs it) on a free
loopback port, and two server processes (this module run as a script) with a `RedisBroker`;
a mutation on one reaches a subscriber on the other.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from appsync.errors import BrokerError
from appsync.pubsub import Inbox, Publication, PublicationKind, RedisBroker
from appsync.realtime.endpoint import UVICORN_OPTIONS, RealtimeSettings
from tests.conftest import REPO_ROOT
from tests.fixtures.loopback import free_port
from tests.integration.realtime_support import (
    ADD_ANN,
    ON_ADD,
    RealtimeServer,
    api_key_header,
    build_app,
    mutate,
    raw_client,
)


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process {process.args!r} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


@contextmanager
def _process(args: list[str], port: int) -> Iterator[None]:
    process = subprocess.Popen(args, cwd=REPO_ROOT)
    try:
        _wait_for_port(port, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _redis_server(port: int) -> list[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not on PATH; the project's setup installs it")
    return [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    port = free_port()
    with _process(_redis_server(port), port):
        yield f"redis://127.0.0.1:{port}/0"


class RestartableRedis:
    """A redis-server of this test's own, stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(_redis_server(self.port), cwd=REPO_ROOT)
        _wait_for_port(self.port, self._process)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None


@pytest.fixture
def restartable_redis() -> Iterator[RestartableRedis]:
    redis = RestartableRedis()
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition did not become true within 20 s")


@contextmanager
def _server_process(url: str, code_dir: Path) -> Iterator[RealtimeServer]:
    port = free_port()
    args = [sys.executable, "-m", "tests.integration.test_realtime_redis", str(port), url]
    with _process([*args, str(code_dir)], port):
        yield RealtimeServer("127.0.0.1", port)


@pytest.mark.anyio
async def test_publications_through_redis_arrive_in_order(redis_url: str) -> None:
    broker = RedisBroker(redis_url, channel_prefix="order-test:")
    inbox = Inbox()
    broker.subscribe(["mutation:addTodo"], inbox)
    async with broker.running():
        for n in range(50):
            await broker.publish(Publication(PublicationKind.MUTATION, "addTodo", {"n": n}))
        received = [(await asyncio.wait_for(inbox.get(), 10)).payload["n"] for _ in range(50)]
    assert received == list(range(50))
    assert broker.subscriber_count("mutation:addTodo") == 1


@pytest.mark.anyio
async def test_a_mutation_on_one_process_reaches_a_subscriber_on_the_other(
    redis_url: str, tmp_path: Path
) -> None:
    with (
        _server_process(redis_url, tmp_path) as first,
        _server_process(redis_url, tmp_path) as second,
    ):
        async with raw_client(second) as client:
            ack = await client.start("s", ON_ADD, {}, api_key_header(second))
            assert ack == {"type": "start_ack", "id": "s"}
            await mutate(first, ADD_ANN)
            frame = await asyncio.wait_for(client.receive(), 10)
            assert frame == {
                "type": "data",
                "id": "s",
                "payload": {"data": {"onAddTodo": {"id": "1", "name": "milk", "owner": "ann"}}},
            }


@pytest.mark.anyio
async def test_the_broker_reconnects_when_redis_restarts(
    restartable_redis: RestartableRedis,
) -> None:
    broker = RedisBroker(restartable_redis.url, backoff_initial=0.05, backoff_max=0.5)
    inbox = Inbox()
    broker.subscribe(["mutation:addTodo"], inbox)

    async def round_trip(n: int) -> int:
        await broker.publish(Publication(PublicationKind.MUTATION, "addTodo", {"n": n}))
        received: int = (await asyncio.wait_for(inbox.get(), 10)).payload["n"]
        return received

    async with broker.running():
        assert await round_trip(1) == 1
        restartable_redis.stop()
        await _until(lambda: not broker.connected)
        # Redis is away: the server stays up and this process's subscribers still hear it.
        assert await round_trip(2) == 2
        restartable_redis.start()
        await _until(lambda: broker.connected)
        assert broker.reconnects == 1
        assert await round_trip(3) == 3


@pytest.mark.anyio
async def test_a_broker_without_redis_fails_the_start() -> None:
    broker = RedisBroker(f"redis://127.0.0.1:{free_port()}/0", connect_timeout=0.5)
    with pytest.raises(BrokerError, match="did not answer"):
        async with broker.running():
            pass


def test_a_malformed_redis_url_is_refused() -> None:
    with pytest.raises(BrokerError, match="not a Redis URL"):
        RedisBroker("http://127.0.0.1:6379")


@pytest.mark.anyio
async def test_processes_share_mutations_again_after_redis_restarts(
    restartable_redis: RestartableRedis, tmp_path: Path
) -> None:
    with (
        _server_process(restartable_redis.url, tmp_path) as first,
        _server_process(restartable_redis.url, tmp_path) as second,
    ):
        async with raw_client(second) as client:
            ack = await client.start("s", ON_ADD, {}, api_key_header(second))
            assert ack == {"type": "start_ack", "id": "s"}
            restartable_redis.stop()
            restartable_redis.start()
            # Each process reconnects on its own backoff; a mutation made before the
            # subscriber's process is back is not seen there (pub/sub keeps nothing), so
            # mutate until one arrives.
            for n in range(100):
                body = await mutate(
                    first,
                    f'mutation {{ addTodo(id: "{n}", name: "m", owner: "o") {{ id name owner }} }}',
                )
                assert body == {"data": {"addTodo": {"id": str(n), "name": "m", "owner": "o"}}}
                try:
                    frame = await asyncio.wait_for(client.receive(), 0.2)
                except TimeoutError:
                    continue
                assert frame["type"] == "data"
                # A late frame may be that of an earlier mutation.
                assert 0 <= int(frame["payload"]["data"]["onAddTodo"]["id"]) <= n
                break
            else:
                raise AssertionError("no mutation reached the other process after the restart")


def main() -> None:
    """One server process: `python -m tests.integration.test_realtime_redis PORT URL DIR`."""
    port, url, code_dir = sys.argv[1:4]
    settings = RealtimeSettings(keep_alive_interval_seconds=3600)
    app = build_app(Path(code_dir), RedisBroker(url), settings)
    uvicorn.run(app, host="127.0.0.1", port=int(port), log_level="warning", **UVICORN_OPTIONS)


if __name__ == "__main__":
    main()
