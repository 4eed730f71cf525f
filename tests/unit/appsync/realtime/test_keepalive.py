"""The keep-alive wheel: each registered connection is due once per interval, on one timer."""

from __future__ import annotations

import anyio
import pytest

from appsync.realtime.keepalive import KeepAliveWheel

# An interval no test waits for: the ticks are driven by hand.
LONG = 3600.0


class Connection:
    def __init__(self) -> None:
        self.due = 0
        self.twice = anyio.Event()

    def keep_alive_due(self) -> None:
        self.due += 1
        if self.due == 2:
            self.twice.set()


@pytest.mark.anyio
async def test_a_connection_is_due_once_per_turn_of_the_wheel() -> None:
    wheel = KeepAliveWheel(LONG, slots=4)
    connection = Connection()
    wheel.add(connection)
    for _ in range(3):
        wheel.tick()
    assert connection.due == 0
    wheel.tick()
    assert connection.due == 1
    for _ in range(4):
        wheel.tick()
    assert connection.due == 2
    wheel.discard(connection)


@pytest.mark.anyio
async def test_connections_joining_at_different_ticks_are_due_a_full_turn_after_joining() -> None:
    wheel = KeepAliveWheel(LONG, slots=3)
    first, second = Connection(), Connection()
    wheel.add(first)
    wheel.tick()
    wheel.add(second)
    wheel.tick()
    wheel.tick()
    assert (first.due, second.due) == (1, 0)
    wheel.tick()
    assert (first.due, second.due) == (1, 1)
    wheel.discard(first)
    wheel.discard(second)


@pytest.mark.anyio
async def test_a_discarded_connection_is_not_due_and_the_last_one_stops_the_timer() -> None:
    wheel = KeepAliveWheel(LONG, slots=2)
    staying, leaving = Connection(), Connection()
    wheel.add(staying)
    wheel.add(leaving)
    assert (wheel.armed, len(wheel)) == (True, 2)
    wheel.discard(leaving)
    wheel.tick()
    wheel.tick()
    assert (staying.due, leaving.due) == (1, 0)
    assert (wheel.armed, len(wheel)) == (True, 1)
    wheel.discard(staying)
    assert (wheel.armed, len(wheel)) == (False, 0)


@pytest.mark.anyio
async def test_the_timer_fires_the_wheel_on_its_own() -> None:
    wheel = KeepAliveWheel(0.01, slots=2)
    connection = Connection()
    wheel.add(connection)
    # Bounded, not timed: wait until the loop timer has turned the wheel twice.
    with anyio.fail_after(5):
        await connection.twice.wait()
    wheel.discard(connection)
    assert not wheel.armed


def test_an_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive interval"):
        KeepAliveWheel(0)


@pytest.mark.anyio
async def test_members_are_every_registered_connection() -> None:
    wheel = KeepAliveWheel(LONG, slots=4)
    first, second = Connection(), Connection()
    wheel.add(first)
    wheel.tick()
    wheel.add(second)
    assert set(map(id, wheel.members())) == {id(first), id(second)}
    wheel.discard(first)
    assert list(map(id, wheel.members())) == [id(second)]
    wheel.discard(second)
    assert wheel.members() == []
