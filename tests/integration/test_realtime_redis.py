"""Several server processes behind one endpoint share mutations through a real Redis.

The test starts `redis-server` from its binary (the project's setup installs it) on a free
loopback port, and two server processes (this module run as a script) with a `RedisBroker`;
a mutation on one reaches a subscriber on the other.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from appsync.errors import BrokerError
from appsync.pubsub import Inbox, Publication, PublicationKind, RedisBroker
from appsync.realtime.endpoint import UVICORN_OPTIONS, RealtimeSettings
from tests.fixtures.loopback import free_port
from tests.fixtures.redis_server import RestartableRedis, running_process, running_redis
from tests.integration.realtime_support import (
    ADD_ANN,
    ON_ADD,
    RealtimeServer,
    api_key_header,
    build_app,
    mutate,
    raw_client,
)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with running_redis() as url:
        yield url


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
    with running_process([*args, str(code_dir)], port):
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
