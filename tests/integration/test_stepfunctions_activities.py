"""Activity workers on the real Step Functions API: boto3 workers in their own threads.

The server runs on a manual `FakeClock` (`auto_advance=False`): a worker idles between its HTTP
calls, and on a clock that jumps whenever the loop idles its task would time out at once. Each
test moves virtual time itself, so HeartbeatSeconds, TimeoutSeconds and retry intervals fire
exactly when the test says. The workers run the loop of the AWS docs' example activity worker
(GetActivityTask until a token comes back, then SendTaskHeartbeat / SendTaskSuccess /
SendTaskFailure).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from mypy_boto3_stepfunctions import SFNClient
from mypy_boto3_stepfunctions.type_defs import HistoryEventTypeDef

from stepfunctions.runtime.clock import FakeClock
from tests.conformance.asl.server import ServerThread
from tests.unit.stepfunctions.runtime.runs import ACTIVITY_SUCCEEDED_HISTORY

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

ROLE = "arn:aws:iam::123456789012:role/sfn"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
# A bound on how long the test waits (wall time) for the server to react to a step; never asserted.
REACTION_SECONDS = 20.0


class ManualServer(ServerThread):
    """The test server on virtual time that only the test moves."""

    def __init__(self) -> None:
        self.clock = FakeClock(datetime.now(UTC), auto_advance=False)
        super().__init__(clock=self.clock, read_timeout=REACTION_SECONDS)

    def advance(self, seconds: float) -> None:
        """Move virtual time on the server's loop (FakeClock wakes sleepers on its own thread)."""
        self.run_on_loop(lambda: self.clock.advance(seconds))


@pytest.fixture(scope="module")
def server() -> Iterator[ManualServer]:
    running = ManualServer()
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def sfn(server: ManualServer) -> SFNClient:
    return server.client()


Handler = Callable[[SFNClient, str, Any], None]


class Worker(threading.Thread):
    """One activity worker: polls until it gets a task, hands it to `handler`, then ends."""

    def __init__(self, server: ManualServer, activity_arn: str, name: str, handler: Handler):
        super().__init__(name=name, daemon=True)
        self._sfn = server.client()
        self._activity_arn = activity_arn
        self._handler = handler
        self.token: str | None = None
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while True:
                task = self._sfn.get_activity_task(
                    activityArn=self._activity_arn, workerName=self.name
                )
                # After the long poll with nothing to do AWS answers without a token: poll again.
                if "taskToken" in task:
                    break
            self.token = task["taskToken"]
            self._handler(self._sfn, task["taskToken"], json.loads(task["input"]))
        except BaseException as exc:  # a thread cannot fail the test itself: `finish` re-raises
            self.failure = exc

    def finish(self) -> None:
        self.join(timeout=REACTION_SECONDS)
        assert not self.is_alive(), f"worker {self.name} did not finish"
        if self.failure is not None:
            raise self.failure


def _history(sfn: SFNClient, arn: str) -> list[HistoryEventTypeDef]:
    pages = sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
    return [event for page in pages for event in page["events"]]


def _types(events: list[HistoryEventTypeDef]) -> list[str]:
    return [event["type"] for event in events]


def _until_events(sfn: SFNClient, arn: str, event_type: str, count: int = 1) -> None:
    """Wait (wall time, bounded) until the history holds `count` events of `event_type`."""
    deadline = time.monotonic() + REACTION_SECONDS
    while _types(_history(sfn, arn)).count(event_type) < count:
        assert time.monotonic() < deadline, f"no {event_type} #{count} in {arn}"
        time.sleep(0.01)


def _finished(sfn: SFNClient, arn: str) -> Any:
    deadline = time.monotonic() + REACTION_SECONDS
    described = sfn.describe_execution(executionArn=arn)
    while described["status"] == "RUNNING":
        assert time.monotonic() < deadline, f"{arn} is still running"
        time.sleep(0.01)
        described = sfn.describe_execution(executionArn=arn)
    return described


def _start_activity_task(
    sfn: SFNClient,
    name: str,
    payload: Any,
    work: dict[str, Any] | None = None,
    others: dict[str, Any] | None = None,
) -> tuple[str, str]:
    """Create an activity and a machine, both `name`, and start the machine on `payload`.

    The machine starts at "Work", a Task on the activity with `work`'s fields that ends the
    execution unless a Catch leads to one of `others`. Returns the activity's and execution's ARNs.
    """
    activity = sfn.create_activity(name=name)["activityArn"]
    states = {"Work": {"Type": "Task", "Resource": activity, **(work or {}), "End": True}}
    definition = {"StartAt": "Work", "States": {**states, **(others or {})}}
    created = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE)
    started = sfn.start_execution(
        stateMachineArn=created["stateMachineArn"], input=json.dumps(payload)
    )
    return activity, started["executionArn"]


def _run_worker(server: ManualServer, activity_arn: str, name: str, handler: Handler) -> Worker:
    """A worker that has taken one task from the activity and handled it."""
    worker = Worker(server, activity_arn, name, handler)
    worker.start()
    worker.finish()
    return worker


def _succeeded_output(sfn: SFNClient, arn: str) -> Any:
    """The output of the execution once it has finished, which it must have done by succeeding."""
    described = _finished(sfn, arn)
    assert described["status"] == "SUCCEEDED"
    return json.loads(described["output"])


def _greet(sfn: SFNClient, token: str, task_input: Any) -> None:
    sfn.send_task_success(
        taskToken=token, output=json.dumps({"greeting": f"Hi {task_input['who']}"})
    )


def _silent(release: threading.Event) -> Handler:
    """A worker that takes the task and answers nothing until `release` is set."""

    def handler(sfn: SFNClient, token: str, task_input: Any) -> None:
        release.wait(timeout=REACTION_SECONDS)

    return handler


def test_a_worker_completes_the_task_and_the_history_has_the_activity_events(
    server: ManualServer, sfn: SFNClient
) -> None:
    activity, arn = _start_activity_task(sfn, "greet", {"who": "Ada"})
    _run_worker(server, activity, "greeter", _greet)
    assert _succeeded_output(sfn, arn) == {"greeting": "Hi Ada"}
    events = _history(sfn, arn)
    assert _types(events) == ACTIVITY_SUCCEEDED_HISTORY
    scheduled = events[2]["activityScheduledEventDetails"]
    assert scheduled["resource"] == activity
    assert json.loads(scheduled["input"]) == {"who": "Ada"}
    assert events[3]["activityStartedEventDetails"]["workerName"] == "greeter"
    succeeded = events[4]["activitySucceededEventDetails"]
    assert json.loads(succeeded["output"]) == {"greeting": "Hi Ada"}


def _reject(sfn: SFNClient, token: str, task_input: Any) -> None:
    sfn.send_task_failure(taskToken=token, error="OrderRejected", cause="out of stock")


def test_send_task_failure_fails_the_execution_with_the_workers_error_and_cause(
    server: ManualServer, sfn: SFNClient
) -> None:
    activity, arn = _start_activity_task(sfn, "reject", {"order": 7})
    _run_worker(server, activity, "rejecter", _reject)
    described = _finished(sfn, arn)
    assert (described["status"], described["error"], described["cause"]) == (
        "FAILED",
        "OrderRejected",
        "out of stock",
    )
    events = _history(sfn, arn)
    assert _types(events)[-2:] == ["ActivityFailed", "ExecutionFailed"]
    assert events[-2]["activityFailedEventDetails"] == {
        "error": "OrderRejected",
        "cause": "out of stock",
    }
    assert events[-1]["executionFailedEventDetails"] == {
        "error": "OrderRejected",
        "cause": "out of stock",
    }


def test_a_catch_on_the_workers_error_handles_send_task_failure(
    server: ManualServer, sfn: SFNClient
) -> None:
    catch = [{"ErrorEquals": ["OrderRejected"], "ResultPath": "$.error", "Next": "Rejected"}]
    activity, arn = _start_activity_task(
        sfn,
        "reject-caught",
        {"order": 7},
        {"Catch": catch},
        {"Rejected": {"Type": "Pass", "End": True}},
    )
    _run_worker(server, activity, "rejecter", _reject)
    # A Catch's error output is {"Error": ..., "Cause": ...} (dg, "Handling errors").
    assert _succeeded_output(sfn, arn) == {
        "order": 7,
        "error": {"Error": "OrderRejected", "Cause": "out of stock"},
    }
    types = _types(_history(sfn, arn))
    assert types[types.index("ActivityFailed") :] == [
        "ActivityFailed",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_a_retry_on_the_workers_error_schedules_the_activity_again(
    server: ManualServer, sfn: SFNClient
) -> None:
    retry = [{"ErrorEquals": ["OrderRejected"], "IntervalSeconds": 3, "MaxAttempts": 1}]
    activity, arn = _start_activity_task(sfn, "reject-retried", {"who": "Bo"}, {"Retry": retry})
    _run_worker(server, activity, "rejecter", _reject)
    _until_events(sfn, arn, "ActivityFailed")
    server.advance(2)
    assert _types(_history(sfn, arn)).count("ActivityScheduled") == 1
    server.advance(1)
    _until_events(sfn, arn, "ActivityScheduled", 2)
    _run_worker(server, activity, "greeter", _greet)
    assert _succeeded_output(sfn, arn) == {"greeting": "Hi Bo"}


def test_heartbeats_keep_a_task_alive_past_its_heartbeat_seconds(
    server: ManualServer, sfn: SFNClient
) -> None:
    activity, arn = _start_activity_task(sfn, "beat", {"who": "Cy"}, {"HeartbeatSeconds": 10})
    ticks: queue.Queue[bool] = queue.Queue()
    beats: queue.Queue[int] = queue.Queue()

    def beating(client: SFNClient, token: str, task_input: Any) -> None:
        # Told by the test that 8 s have passed, the worker reports progress; False ends the work.
        count = 0
        while ticks.get(timeout=REACTION_SECONDS):
            client.send_task_heartbeat(taskToken=token)
            count += 1
            beats.put(count)
        _greet(client, token, task_input)

    worker = Worker(server, activity, "beater", beating)
    worker.start()
    _until_events(sfn, arn, "ActivityStarted")
    for expected in range(1, 5):
        server.advance(8)
        ticks.put(True)
        assert beats.get(timeout=REACTION_SECONDS) == expected
    # 32 s of virtual time with HeartbeatSeconds 10: alive only thanks to the heartbeats.
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    assert "ActivityTimedOut" not in _types(_history(sfn, arn))
    server.advance(8)
    ticks.put(False)
    worker.finish()
    assert _succeeded_output(sfn, arn) == {"greeting": "Hi Cy"}
    types = _types(_history(sfn, arn))
    # SendTaskHeartbeat writes no history event of its own (API reference, SendTaskHeartbeat).
    assert types == ACTIVITY_SUCCEEDED_HISTORY
    scheduled = _history(sfn, arn)[2]["activityScheduledEventDetails"]
    assert scheduled["heartbeatInSeconds"] == 10


def test_a_missed_heartbeat_times_out_and_a_retry_gives_the_task_to_another_worker(
    server: ManualServer, sfn: SFNClient
) -> None:
    retry = [{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 2, "MaxAttempts": 1}]
    activity, arn = _start_activity_task(
        sfn, "slow", {"who": "Di"}, {"HeartbeatSeconds": 10, "Retry": retry}
    )
    release = threading.Event()
    late: list[str] = []

    def slow(client: SFNClient, token: str, task_input: Any) -> None:
        release.wait(timeout=REACTION_SECONDS)
        try:
            client.send_task_heartbeat(taskToken=token)
        except client.exceptions.TaskTimedOut as exc:
            late.append(exc.response["Error"]["Code"])

    first = Worker(server, activity, "slow", slow)
    first.start()
    _until_events(sfn, arn, "ActivityStarted")
    server.advance(9)
    assert "ActivityTimedOut" not in _types(_history(sfn, arn))
    server.advance(1)
    _until_events(sfn, arn, "ActivityTimedOut")
    timed_out = next(e for e in _history(sfn, arn) if e["type"] == "ActivityTimedOut")
    assert timed_out["activityTimedOutEventDetails"]["error"] == "States.HeartbeatTimeout"
    release.set()
    first.finish()
    # The slow worker's heartbeat after the timeout: the token has expired (API reference,
    # SendTaskHeartbeat: TaskTimedOut).
    assert late == ["TaskTimedOut"]
    server.advance(2)
    _until_events(sfn, arn, "ActivityScheduled", 2)
    _run_worker(server, activity, "fresh", _greet)
    assert _succeeded_output(sfn, arn) == {"greeting": "Hi Di"}
    events = _history(sfn, arn)
    assert _types(events)[2:] == [
        "ActivityScheduled",
        "ActivityStarted",
        "ActivityTimedOut",
        "ActivityScheduled",
        "ActivityStarted",
        "ActivitySucceeded",
        "TaskStateExited",
        "ExecutionSucceeded",
    ]
    workers = [
        e["activityStartedEventDetails"]["workerName"]
        for e in events
        if e["type"] == "ActivityStarted"
    ]
    assert workers == ["slow", "fresh"]


def test_a_missed_heartbeat_without_retry_fails_the_execution_with_states_heartbeat_timeout(
    server: ManualServer, sfn: SFNClient
) -> None:
    activity, arn = _start_activity_task(sfn, "slow-uncaught", {}, {"HeartbeatSeconds": 10})
    release = threading.Event()
    worker = Worker(server, activity, "slow", _silent(release))
    worker.start()
    _until_events(sfn, arn, "ActivityStarted")
    server.advance(10)
    described = _finished(sfn, arn)
    release.set()
    worker.finish()
    assert (described["status"], described["error"]) == ("FAILED", "States.HeartbeatTimeout")
    assert _types(_history(sfn, arn))[-2:] == ["ActivityTimedOut", "ExecutionFailed"]


def test_timeout_seconds_times_the_task_out_with_states_timeout_and_a_catch_handles_it(
    server: ManualServer, sfn: SFNClient
) -> None:
    catch = [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "GaveUp"}]
    activity, arn = _start_activity_task(
        sfn,
        "capped",
        {"who": "Ed"},
        {"TimeoutSeconds": 5, "Catch": catch},
        {"GaveUp": {"Type": "Pass", "End": True}},
    )
    release = threading.Event()
    worker = Worker(server, activity, "stuck", _silent(release))
    worker.start()
    _until_events(sfn, arn, "ActivityStarted")
    server.advance(4)
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    server.advance(1)
    described = _finished(sfn, arn)
    release.set()
    worker.finish()
    assert described["status"] == "SUCCEEDED"
    output = json.loads(described["output"])
    assert output["who"] == "Ed"
    assert output["error"]["Error"] == "States.Timeout"
    events = _history(sfn, arn)
    timed_out = [e for e in events if e["type"] == "ActivityTimedOut"]
    assert [e["activityTimedOutEventDetails"]["error"] for e in timed_out] == ["States.Timeout"]
    assert events[2]["activityScheduledEventDetails"]["timeoutInSeconds"] == 5
    types = _types(events)
    assert types[types.index("ActivityTimedOut") :] == [
        "ActivityTimedOut",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]


def test_a_worker_that_dies_mid_task_is_replaced_after_the_heartbeat_timeout(
    server: ManualServer, sfn: SFNClient
) -> None:
    retry = [{"ErrorEquals": ["States.HeartbeatTimeout"], "IntervalSeconds": 1, "MaxAttempts": 2}]
    activity, arn = _start_activity_task(
        sfn, "fragile", {"who": "Flo"}, {"HeartbeatSeconds": 10, "Retry": retry}
    )

    def dies(client: SFNClient, token: str, task_input: Any) -> None:
        """Takes the task and ends without a word, as a crashed worker would."""

    dead = _run_worker(server, activity, "doomed", dies)
    assert dead.token is not None
    _until_events(sfn, arn, "ActivityStarted")
    server.advance(10)
    _until_events(sfn, arn, "ActivityTimedOut")
    server.advance(1)
    _until_events(sfn, arn, "ActivityScheduled", 2)
    _run_worker(server, activity, "replacement", _greet)
    assert _succeeded_output(sfn, arn) == {"greeting": "Hi Flo"}
    # The dead worker's answer arrives too late: its token has expired. AWS returns TaskTimedOut,
    # "The task token has either expired or the task associated with the token has already been
    # closed." (API reference, SendTaskSuccess errors), not InvalidToken, which is for a token
    # that is malformed.
    with pytest.raises(sfn.exceptions.TaskTimedOut) as refused:
        sfn.send_task_success(taskToken=dead.token, output='{"greeting": "too late"}')
    # AWS's message, recorded in aws-samples/amazon-mwaa-examples issue 61.
    assert (
        refused.value.response["Error"]["Message"]
        == "Task Timed Out: 'Provided task does not exist anymore'"
    )
    types = _types(_history(sfn, arn))
    assert types.count("ActivityTimedOut") == 1
    assert types[-3:] == ["ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"]
