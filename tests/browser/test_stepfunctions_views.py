"""The Step Functions views rendered from real executions, through the component harness.

Each execution is a case of the shared corpus (definitions and histories recorded against AWS by
LocalStack's snapshot tests), run by the server's engine and read back through its AWS JSON API;
its history's event types must equal the corpus's recorded ones, so the views are fed what AWS
itself returns. The graph's colours, the history rows and the timeline are checked against that
history. (The pages on the console API, live: test_console_pages.py.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.harness import RecordedExecution, corpus_case, open_harness, render, run_case
from tests.integration.conftest import Server

MAP_BREAK = "scenarios/test_base_scenarios::TestBaseScenarios::test_map_state_break_condition"
PARALLEL_CATCH = "scenarios/test_base_scenarios::TestBaseScenarios::test_parallel_state_catch"


@pytest.fixture(scope="module")
def executions(blog: Server) -> dict[str, RecordedExecution]:
    recorded = {
        MAP_BREAK: run_case(blog, MAP_BREAK, "map-break"),
        PARALLEL_CATCH: run_case(blog, PARALLEL_CATCH, "parallel-catch"),
    }
    for case_id, execution in recorded.items():
        expected = corpus_case(case_id)["expected"]
        assert execution.execution["status"] == expected["status"]
        assert [event["type"] for event in execution.events] == expected["history_types"]
    return recorded


def _show(page: Page, blog: Server, execution: RecordedExecution) -> None:
    open_harness(page, blog)
    spec: dict[str, Any] = {
        "view": "execution",
        "execution": execution.execution,
        "definition": execution.definition,
        "events": execution.events,
    }
    render(page, spec)
    page.get_by_role("group", name="State machine graph").wait_for()


def _statuses(page: Page) -> dict[str, str]:
    nodes = page.locator("[data-state][data-status]")
    return {
        str(node.get_attribute("data-state")): str(node.get_attribute("data-status"))
        for node in nodes.all()
    }


def test_graph_coloured_by_a_failed_map_iteration(
    page: Page, blog: Server, executions: dict[str, RecordedExecution]
) -> None:
    _show(page, blog, executions[MAP_BREAK])
    # Items 1, "Hello", {}, 3.3 take the Default branch to Pass; the fifth (3) goes to Break,
    # a Fail state, which fails the Map and the execution; Final never runs.
    assert _statuses(page) == {
        "StartState": "SUCCEEDED",
        "MapState": "FAILED",
        "Equals3": "SUCCEEDED",
        "Pass": "SUCCEEDED",
        "Break": "FAILED",
        "Final": "NOT_RUN",
    }
    # The iterator's states are drawn inside the Map, and the Choice's edges are labelled.
    assert page.locator('[data-state="MapState"] [data-state="Equals3"]').count() == 1
    labels = page.locator(".sfn-edge-label text").all_text_contents()
    assert "Default" in labels
    assert any("== 3" in label for label in labels)
    assert page.get_by_test_id("execution-status").inner_text() == "FAILED"


def test_caught_parallel_failure(
    page: Page, blog: Server, executions: dict[str, RecordedExecution]
) -> None:
    _show(page, blog, executions[PARALLEL_CATCH])
    assert _statuses(page) == {
        "ParallelState": "CAUGHT_ERROR",
        "Branch1": "FAILED",
        "FinalCaught": "SUCCEEDED",
        "Final": "NOT_RUN",
    }
    assert page.locator('[data-state="ParallelState"] [data-state="Branch1"]').count() == 1
    assert page.locator(".sfn-edge-catch").count() == 1
    assert "FailureType" in page.locator(".sfn-edge-label text").all_text_contents()


def test_history_table_lists_every_event_in_order(
    page: Page, blog: Server, executions: dict[str, RecordedExecution]
) -> None:
    execution = executions[MAP_BREAK]
    _show(page, blog, execution)
    page.get_by_role("tab", name="Event history").click()
    rows = page.locator("table.history-table tbody tr[data-event-id]")
    assert rows.count() == len(execution.events)
    shown = [row.get_attribute("data-event-type") for row in rows.all()]
    assert shown == [event["type"] for event in execution.events]
    # Each state's events carry its name in the Step column.
    steps = {
        row.get_attribute("data-event-type"): row.locator("td").nth(2).inner_text()
        for row in rows.all()
        if row.get_attribute("data-event-type") in ("MapStateEntered", "FailStateEntered")
    }
    assert steps == {"MapStateEntered": "MapState", "FailStateEntered": "Break"}
    # A row opens onto its details, as GetExecutionHistory gave them.
    page.get_by_role("button", name="Event 1 details").click()
    details = page.locator("tr.details-row pre").first.inner_text()
    assert json.loads(details) == execution.events[0]["executionStartedEventDetails"]


def test_timeline_has_a_bar_per_state_entered(
    page: Page, blog: Server, executions: dict[str, RecordedExecution]
) -> None:
    execution = executions[MAP_BREAK]
    _show(page, blog, execution)
    page.get_by_role("tab", name="Timeline").click()
    entered = [event for event in execution.events if event["type"].endswith("StateEntered")]
    bars = page.locator(".gantt-row[data-state]")
    assert bars.count() == len(entered)
    assert [bar.get_attribute("data-state") for bar in bars.all()] == [
        event["stateEnteredEventDetails"]["name"] for event in entered
    ]
    assert page.locator(".gantt-bar.status-failed").count() == 2  # Break, and the Map holding it


def test_selecting_a_state_shows_its_input_and_output(
    page: Page, blog: Server, executions: dict[str, RecordedExecution]
) -> None:
    execution = executions[MAP_BREAK]
    _show(page, blog, execution)
    start = page.get_by_role("button", name="StartState, Pass state: Succeeded")
    start.focus()
    page.keyboard.press("Enter")
    exited = next(event for event in execution.events if event["type"] == "PassStateExited")
    output = page.get_by_test_id("state-output").inner_text()
    assert json.loads(output) == json.loads(exited["stateExitedEventDetails"]["output"])
