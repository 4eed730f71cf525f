"""A real server for the corpus: uvicorn on 127.0.0.1 serving the Step Functions API, the engine
on a FakeClock (waits and timeouts finish at once), driven by boto3 with `endpoint_url`.

Also prints, at the end of the run, how many cases pass per corpus feature group.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient

from tests.conformance.asl.corpus import feature_groups
from tests.conformance.asl.server import ServerThread

# nodeid -> the feature groups of its case; filled by the test modules at collection.
CASE_GROUPS: dict[str, list[str]] = {}
_RESULTS: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


@pytest.fixture(scope="session")
def sfn_server() -> Iterator[ServerThread]:
    server = ServerThread()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sfn(sfn_server: ServerThread) -> SFNClient:
    """boto3's stepfunctions client on the local server."""
    return sfn_server.client()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        if not isinstance(case, dict):
            continue
        suite = getattr(getattr(item, "module", None), "SUITE", None)
        CASE_GROUPS[item.nodeid] = [suite] if suite else feature_groups(case)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    groups = CASE_GROUPS.get(report.nodeid)
    if groups is None or report.when != "call":
        return
    verdict = "pass" if report.passed else ("known-gap" if hasattr(report, "wasxfail") else "fail")
    for group in groups:
        _RESULTS[group][verdict] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _RESULTS:
        return
    terminalreporter.section("Step Functions corpus: passes per feature group")
    for group in sorted(_RESULTS):
        counts = _RESULTS[group]
        total = sum(counts.values())
        terminalreporter.write_line(
            f"{group:40s} {counts['pass']:4d}/{total:<4d} "
            f"known gaps {counts['known-gap']:3d}  fail {counts['fail']:3d}"
        )
