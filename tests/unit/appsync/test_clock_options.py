"""`serve`'s --clock, --clock-start and --control-api, as the command line reads them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from appsync.clock_options import control_lines, manual_clock
from appsync.command_line import parser
from appsync.errors import ClockOptionError

START = "2024-03-01T00:00:00+00:00"


def test_a_manual_clock_starts_where_clock_start_says() -> None:
    arguments = parser().parse_args(["serve", "--clock", "manual", "--clock-start", START])
    clock = manual_clock(arguments)
    assert clock is not None
    assert (clock.start, clock.now()) == (datetime(2024, 3, 1, tzinfo=UTC),) * 2


def test_the_wall_clock_is_the_default_and_clock_start_alone_is_refused() -> None:
    assert manual_clock(parser().parse_args(["serve"])) is None
    with pytest.raises(ClockOptionError, match="--clock-start goes with --clock manual"):
        manual_clock(parser().parse_args(["serve", "--clock-start", START]))


def test_a_start_without_its_offset_is_refused_by_the_parser(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A time without an offset would be read in the machine's zone: ambiguous, so refused.
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["serve", "--clock", "manual", "--clock-start", "2024-03-01T00:00"])
    assert exited.value.code == 2
    assert "is not an ISO 8601 time with its offset" in capsys.readouterr().err


def test_the_banner_says_when_the_control_api_and_a_manual_clock_are_on() -> None:
    assert control_lines(None, False) == []
    [control] = control_lines(None, True)
    assert control.startswith("Control API: on (service appsync-local on the AWS endpoint")
    clock = manual_clock(
        parser().parse_args(["serve", "--clock", "manual", "--clock-start", START])
    )
    lines = control_lines(clock, False)
    assert lines[1] == f"Clock: manual, from {START} (moves when told)"
