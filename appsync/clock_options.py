"""`serve`'s `--clock`, `--clock-start` and `--control-api` (the testing kit's server options,
`appsync.control`), read from the command line, and the banner lines they add."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from appsync.clock import ManualClock


def add_control_options(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--clock",
        choices=["wall", "manual"],
        default="wall",
        help="manual: time moves only through the control API (AdvanceClock, SetClock), for "
        "tests; implies --control-api (default: wall)",
    )
    serve.add_argument(
        "--clock-start",
        type=_aware_time,
        metavar="TIME",
        help="where a manual clock starts, ISO 8601 with its offset (default: now)",
    )
    serve.add_argument(
        "--control-api",
        action="store_true",
        help="answer the local control API (AdvanceClock, SetClock, ResetState) for loopback "
        "clients signed with the AWS endpoint's keys",
    )


def _aware_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time with its offset (2024-03-01T00:00:00Z)"
        )
    return moment


def manual_clock(arguments: argparse.Namespace) -> ManualClock | None:
    """The manual clock `--clock manual` asks for (None: the wall clock); raises
    ClockOptionError for `--clock-start` alone."""
    if arguments.clock == "manual":
        return ManualClock(arguments.clock_start or datetime.now(UTC))
    if arguments.clock_start is not None:
        # Here, not at the top: this module is imported by `appsync-local stepfunctions` too,
        # which must not load appsync.errors' imports (graphql, the resolvers' errors).
        from appsync.errors import ClockOptionError

        raise ClockOptionError("--clock-start goes with --clock manual")
    return None


def control_lines(clock: ManualClock | None, control: bool) -> list[str]:
    """The banner's lines for the control API and a manual clock, when on."""
    lines = []
    if control or clock is not None:
        lines.append(
            "Control API: on (service appsync-local on the AWS endpoint, for loopback clients "
            "signed with its keys)"
        )
    if clock is not None:
        lines.append(f"Clock: manual, from {clock.start.isoformat()} (moves when told)")
    return lines
