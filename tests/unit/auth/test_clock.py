"""The clocks auth reads: the wall clock, and the manual one tests move by hand."""

from __future__ import annotations

import time

from auth.clock import Clock, ManualClock, SystemClock


def test_the_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(1_700_000_000)
    assert clock.time() == 1_700_000_000
    clock.advance(90.5)
    assert clock.time() == 1_700_000_090.5
    clock.set(42)
    assert clock.time() == 42


def test_the_system_clock_reads_the_wall_clock() -> None:
    clock: Clock = SystemClock()
    before = time.time()
    now = clock.time()
    assert before <= now <= time.time()
