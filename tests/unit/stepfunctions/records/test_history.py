"""History events: the details key of every event type and boto3's HistoryEvent shape.

Expected keys come from botocore's `stepfunctions` service model (AWS's API definition).
"""

from __future__ import annotations

from datetime import UTC, datetime

import botocore.session
from botocore.model import StringShape, StructureShape

from stepfunctions.records.history import History, HistoryEvent, details_key

WHEN = datetime(2024, 1, 1, tzinfo=UTC)
_MODEL = botocore.session.get_session().get_service_model("stepfunctions")


def _members(shape_name: str) -> set[str]:
    shape = _MODEL.shape_for(shape_name)
    assert isinstance(shape, StructureShape)
    return set(shape.members)


def _event_types() -> list[str]:
    shape = _MODEL.shape_for("HistoryEventType")
    assert isinstance(shape, StringShape)
    return list(shape.enum)


def test_every_details_member_of_the_aws_model_is_some_event_types_key() -> None:
    members = _members("HistoryEvent")
    detail_members = {m for m in members if m.endswith("EventDetails")}
    keys = {details_key(t) for t in _event_types()}
    assert detail_members <= keys
    # Every *StateEntered / *StateExited collapses into one shared member.
    assert details_key("PassStateEntered") == "stateEnteredEventDetails"
    assert details_key("MapStateExited") == "stateExitedEventDetails"
    assert details_key("MapIterationStarted") == "mapIterationStartedEventDetails"
    assert details_key("EvaluationFailed") == "evaluationFailedEventDetails"
    # Types the model gives no details member, e.g. ParallelStateStarted, MapStateSucceeded.
    assert details_key("ParallelStateStarted") not in members
    assert details_key("MapStateSucceeded") not in members


def test_events_get_consecutive_ids_and_follow_the_previous_event() -> None:
    history = History([])
    first = history.add("ExecutionStarted", WHEN, {"input": "{}"}, previous_event_id=0)
    second = history.add("PassStateEntered", WHEN, {"name": "A", "input": "{}"})
    branch = history.add("PassStateEntered", WHEN, {"name": "B"}, previous_event_id=first.id)
    assert [e.id for e in history.events] == [1, 2, 3]
    assert second.previous_event_id == 1
    assert branch.previous_event_id == 1
    assert history.last_id == 3


def test_to_wire_has_boto3_history_event_members() -> None:
    event = HistoryEvent(
        4,
        3,
        WHEN,
        "PassStateExited",
        {"stateExitedEventDetails": {"name": "A", "output": "{}", "outputDetails": {}}},
    )
    wire = event.to_wire()
    assert set(wire) <= _members("HistoryEvent")
    assert wire == {
        "timestamp": WHEN,
        "type": "PassStateExited",
        "id": 4,
        "previousEventId": 3,
        "stateExitedEventDetails": {"name": "A", "output": "{}", "outputDetails": {}},
    }


def test_without_execution_data_inputs_and_outputs_are_left_out() -> None:
    # GetExecutionHistory(includeExecutionData=false) omits input and output (API reference).
    event = HistoryEvent(
        2,
        1,
        WHEN,
        "PassStateEntered",
        {"stateEnteredEventDetails": {"name": "A", "input": "{}", "inputDetails": {}}},
    )
    assert event.to_wire(include_execution_data=False)["stateEnteredEventDetails"] == {"name": "A"}


def test_an_event_without_details_has_only_the_common_members() -> None:
    wire = HistoryEvent(3, 2, WHEN, "ParallelStateStarted", None).to_wire()
    assert set(wire) == {"timestamp", "type", "id", "previousEventId"}
