"""The interpreter: drives executions to a terminal status and runs single states for TestState.

`Interpreter.run` takes an `Execution` record (what the service stores and describes) and drives
it, appending history events as they happen, so a DescribeExecution or a GetExecutionHistory
during the run sees RUNNING and the events so far. `stop` aborts a running execution, `redrive`
resumes a failed one from the state that failed, `test_state` runs one state for TestState, and
`send_task_*` / `get_activity_task` serve task tokens (callbacks and activities).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any

from stepfunctions.errors import HistoryLimitReachedError
from stepfunctions.language.model import StateMachineDefinition
from stepfunctions.language.paths import json_text
from stepfunctions.records.execution import (
    Execution,
    ExecutionStatus,
    MapRunStatus,
)
from stepfunctions.records.history import HISTORY_EVENT_LIMIT, HISTORY_LIMIT_CAUSE, History
from stepfunctions.records.tokens import TokenJournal
from stepfunctions.runtime.callbacks import (
    ACTIVITY_POLL_SECONDS,
    Callbacks,
    ExecutionCallbacks,
)
from stepfunctions.runtime.clock import Clock, race_deadline
from stepfunctions.runtime.environment import Env, Frame, Variables
from stepfunctions.runtime.errors import DeadlineReachedError, UncaughtError
from stepfunctions.runtime.mock import TestStateMock
from stepfunctions.runtime.program import run_program
from stepfunctions.runtime.replay import Replay, ResumePoint, resume_point
from stepfunctions.runtime.single_state import StateTestResult, run_single_state
from stepfunctions.runtime.task_registry import TaskRegistry

logger = logging.getLogger(__name__)


class Interpreter:
    """Runs executions on a clock, with Task states served by a TaskRegistry."""

    def __init__(
        self,
        clock: Clock,
        tasks: TaskRegistry,
        seed: int | None = None,
        history_limit: int | None = HISTORY_EVENT_LIMIT,
        journal: TokenJournal | None = None,
    ) -> None:
        self.clock = clock
        self.tasks = tasks
        # AWS's 25,000-event cap per execution; None lifts it (e.g. for benchmarks).
        self.history_limit = history_limit
        self.callbacks = Callbacks(clock, journal)
        self._activity_polls_ended = False
        # Retry jitter draws from here; a seed makes JitterStrategy FULL reproducible in tests.
        self.rng = random.Random(seed)

    async def run(self, execution: Execution) -> None:
        """Drive `execution` to a terminal status, appending its history as it goes.

        Execution-level `TimeoutSeconds` ends it as TIMED_OUT with an `ExecutionTimedOut` event;
        `stop` (StopExecution) ends it as ABORTED. A failing execution does not raise: the
        failure is recorded on the record (status, error, cause, history).
        """
        if execution.status is not ExecutionStatus.RUNNING:
            return  # stopped before it began
        history = History(execution.history, self.history_limit)
        if not execution.history:
            history.add(
                "ExecutionStarted",
                self.clock.now(),
                {
                    "input": execution.input,
                    "inputDetails": {"truncated": False},
                    "roleArn": execution.role_arn,
                    **_version_details(execution),
                },
                previous_event_id=0,
            )
        if execution.redrive_state is not None:
            start_name: str = execution.redrive_state
            state_input = execution.redrive_input
        else:
            start_name = execution.definition.program.start_at
            state_input = _decode(execution.input)
        await self._drive(execution, history, start_name, state_input)

    async def resume(self, execution: Execution) -> None:
        """Continue a RUNNING Standard execution loaded from a store after a restart.

        The top-level program continues at the last state it entered (see `replay`); a
        Parallel or Map that was running keeps its succeeded branches or iterations.
        """
        if execution.status is not ExecutionStatus.RUNNING:
            return
        history = History(execution.history, self.history_limit)
        if not execution.history:
            await self.run(execution)
            return
        point = resume_point(
            execution.definition.program, execution.history, _decode(execution.input)
        )
        now = self.clock.now()
        for map_run in execution.map_runs:
            if map_run.status is MapRunStatus.RUNNING:
                # Its running child executions were not stored: the Map starts a new run.
                # AWS differs: AWS would not interrupt a Map Run.
                map_run.status = MapRunStatus.ABORTED
                map_run.stop_date = now
        logger.info("resuming %s at %s", execution.execution_arn, point.state_name)
        await self._drive(execution, history, point.state_name, point.state_input, resume=point)

    def stop(self, execution: Execution, error: str | None, cause: str | None) -> None:
        """StopExecution: end a RUNNING execution as ABORTED with an ExecutionAborted event.

        Child executions of its Distributed Map runs are aborted too. Does nothing for an
        execution that has already ended.
        """
        if execution.status is not ExecutionStatus.RUNNING:
            return
        now = self.clock.now()
        details: dict[str, Any] = {}
        if error is not None:
            details["error"] = error
        if cause is not None:
            details["cause"] = cause
        # Without error and cause AWS still sends executionAbortedEventDetails, empty (AWS
        # recording in floci-io/floci#2965).
        History(execution.history).add("ExecutionAborted", now, details)
        execution.status = ExecutionStatus.ABORTED
        execution.stop_date = now
        execution.error, execution.cause = error, cause
        for child in execution._child_executions:
            self.stop(child, None, None)
        for map_run in execution.map_runs:
            if map_run.status is MapRunStatus.RUNNING:
                map_run.status = MapRunStatus.ABORTED
                map_run.stop_date = now
        if execution._task is not None and not execution._task.done():
            execution._task.cancel()

    async def redrive(self, execution: Execution) -> None:
        """RedriveExecution: resume a FAILED, TIMED_OUT or ABORTED execution.

        An `ExecutionRedriven` event is appended and the run resumes at the state that did not
        finish, with the input it had; `redrive_count` and `redrive_date` are updated. The
        service checks redrivability (type, status, age) before calling this.
        """
        now = self.clock.now()
        execution.redrive_count += 1
        execution.redrive_date = now
        execution.status = ExecutionStatus.RUNNING
        execution.stop_date = None
        execution.output = execution.error = execution.cause = None
        history = History(execution.history, self.history_limit)
        history.add("ExecutionRedriven", now, {"redriveCount": execution.redrive_count})
        if execution.redrive_state is not None:
            start_name: str = execution.redrive_state
            state_input = execution.redrive_input
        else:
            start_name = execution.definition.program.start_at
            state_input = _decode(execution.input)
        await self._drive(
            execution, history, start_name, state_input, dict(execution.redrive_partial)
        )

    def send_task_success(self, task_token: str, output: str) -> None:
        """SendTaskSuccess: `output` (JSON text) becomes the waiting Task's result.

        Raises `TaskTokenError` (code InvalidToken, TaskDoesNotExist or TaskTimedOut).
        """
        self.callbacks.succeed(task_token, output)

    def send_task_failure(self, task_token: str, error: str | None, cause: str | None) -> None:
        """SendTaskFailure: the waiting Task fails with `error` / `cause` (TaskTokenError)."""
        self.callbacks.fail(task_token, error, cause)

    def send_task_heartbeat(self, task_token: str) -> None:
        """SendTaskHeartbeat: restarts the Task's HeartbeatSeconds (TaskTokenError)."""
        self.callbacks.heartbeat(task_token)

    async def get_activity_task(
        self,
        activity_arn: str,
        worker_name: str | None = None,
        wait_seconds: float = ACTIVITY_POLL_SECONDS,
    ) -> tuple[str, str] | None:
        """GetActivityTask: (taskToken, input JSON text), or None when none came in time (or
        the polls were ended)."""
        if self._activity_polls_ended:
            return None
        return await self.callbacks.get_activity_task(activity_arn, worker_name, wait_seconds)

    def end_activity_polls(self) -> None:
        """The server is stopping: GetActivityTask polls waiting for a task are answered now
        without one, and later ones at once, so that no worker's 60-second long poll holds up
        the stop. No task is handed out from here on."""
        self._activity_polls_ended = True
        self.callbacks.release_workers()

    async def test_state(
        self,
        definition: StateMachineDefinition,
        state_name: str | None,
        state_input: Any,
        *,
        context: Mapping[str, Any] | None = None,
        variables: Mapping[str, Any] | None = None,
        mock: TestStateMock | None = None,
        role_arn: str | None = None,
        inspection_level: str = "INFO",
    ) -> StateTestResult:
        """TestState: run the single state `state_name` (or the definition's only state).

        Returns the state's output, next state, error/cause, and TestState's `inspectionData`
        (input, afterInputPath, afterParameters / afterArguments, result, afterResultSelector,
        afterResultPath, variables) as far as the state produced them. `context` replaces the
        generated context object fields; `variables` are the variables visible to the state;
        `mock` supplies a Task's result or error instead of calling the resource, and the
        retry / error-caused-by-state configuration of TestState's `stateConfiguration`.
        """
        return await run_single_state(
            self,
            definition,
            state_name,
            state_input,
            context=context,
            variables=variables,
            mock=mock,
            role_arn=role_arn,
            inspection_level=inspection_level,
        )

    def environment(
        self, execution: Execution, history: History, resume: ResumePoint | None = None
    ) -> Env:
        """The run environment of `execution` (used by `run` and by TestState)."""
        replay = Replay.of(self.clock, resume) if resume is not None else None
        clock: Clock = replay if replay is not None else self.clock
        callbacks = self.callbacks
        # Map children are not resumed (their parent's Map is not), so their tokens are not kept.
        journaled = execution.type == "STANDARD" and execution.parent_map_run_arn is None
        if callbacks.journal is not None and journaled:
            callbacks = callbacks.for_execution(execution.execution_arn, clock)
            # A branch's token cannot be told from another's: branches get new tokens.
            if resume is not None and not resume.branches:
                assert isinstance(callbacks, ExecutionCallbacks)
                journal = callbacks.journal
                record = journal.open_token(execution.execution_arn) if journal else None
                callbacks.resume(record, resume.activity_worker)
        return Env(
            execution=execution,
            clock=clock,
            tasks=self.tasks,
            history=history,
            rng=self.rng,
            interpreter=self,
            run_program=run_program,
            callbacks=callbacks,
            replay=replay,
        )

    async def _drive(
        self,
        execution: Execution,
        history: History,
        start_name: str,
        state_input: Any,
        resume_results: dict[int, Any] | None = None,
        resume: ResumePoint | None = None,
    ) -> None:
        env = self.environment(execution, history, resume)
        if resume is not None and resume.branches:
            resume_results = dict(execution.redrive_partial)
        if resume_results:
            env.resume_state, env.resume_results = start_name, resume_results
        frame = Frame(env, Variables(), history.last_id, top_level=True)
        if resume is not None:
            frame.variables.assign(resume.variables)
            frame.previous_event_id = resume.previous_event_id
        timeout = _timeout_seconds(execution)
        program = execution.definition.program
        outcome: list[Any] = []
        failure: list[UncaughtError] = []
        timed_out = False

        # A Standard child of a Distributed Map without its own TimeoutSeconds cannot reach its
        # deadline (a year after it started): its parent's comes first and stops it.
        unbounded = (
            execution.parent_map_run_arn is not None
            and execution.type == "STANDARD"
            and execution.definition.timeout_seconds is None
        )

        async def body() -> None:
            nonlocal timed_out
            # A redriven execution gets its time again from the redrive.
            started = execution.redrive_date or execution.start_date
            deadline = started + timedelta(seconds=timeout)
            try:
                if unbounded:
                    outcome.append(await run_program(program, state_input, frame, start_name))
                    return
                outcome.append(
                    await race_deadline(
                        self.clock,
                        deadline,
                        lambda: run_program(program, state_input, frame, start_name),
                    )
                )
            except UncaughtError as error:
                failure.append(error)
            except DeadlineReachedError:
                timed_out = True

        limit_reached = False
        crashed: BaseException | None = None
        if unbounded:
            # No task of its own: a Distributed Map starts thousands of these. The map worker
            # that runs it is the task StopExecution cancels.
            try:
                if not await _run_inline(execution, body):
                    return  # stopped meanwhile
            except HistoryLimitReachedError:
                limit_reached = True
            except Exception as error:  # the execution's edge: nothing may escape
                crashed = error
                logger.error("execution %s crashed", execution.execution_arn, exc_info=error)
        else:
            try:
                async with asyncio.TaskGroup() as group:
                    execution._task = group.create_task(body())
            except* HistoryLimitReachedError:
                limit_reached = True
            except* Exception as group_error:  # the execution's edge: nothing may escape
                # An engine defect must not leave the execution RUNNING forever: it fails with
                # States.Runtime and the defect is logged.
                crashed = group_error.exceptions[0]
                logger.error("execution %s crashed", execution.execution_arn, exc_info=group_error)
        execution._task = None
        if execution.status is not ExecutionStatus.RUNNING:
            return  # stopped meanwhile
        if limit_reached:
            cause = HISTORY_LIMIT_CAUSE.format(limit=history.limit)
            self._finish_failed(
                execution, history, UncaughtError("States.Runtime", cause, None, None)
            )
        elif crashed is not None:
            # AWS differs: an internal error of this engine; AWS has no counterpart.
            cause = f"Internal error: {type(crashed).__name__}: {crashed}"
            self._finish_failed(
                execution, history, UncaughtError("States.Runtime", cause, None, None)
            )
        elif failure:
            self._finish_failed(execution, history, failure[0])
        elif timed_out:
            self._finish_timed_out(execution, history)
        elif outcome:
            self._finish_succeeded(execution, history, outcome[0])

    def _finish_succeeded(self, execution: Execution, history: History, output: Any) -> None:
        now = self.clock.now()
        text = json_text(output)
        history.add(
            "ExecutionSucceeded", now, {"output": text, "outputDetails": {"truncated": False}}
        )
        execution.status = ExecutionStatus.SUCCEEDED
        execution.output = text
        execution.stop_date = now
        execution.redrive_state = None
        execution.redrive_input = None
        execution.redrive_partial = {}

    def _finish_failed(
        self, execution: Execution, history: History, failure: UncaughtError
    ) -> None:
        now = self.clock.now()
        details: dict[str, Any] = {}
        if failure.error is not None:
            details["error"] = failure.error
        if failure.cause is not None:
            details["cause"] = failure.cause
        history.add("ExecutionFailed", now, details)
        execution.status = ExecutionStatus.FAILED
        execution.error, execution.cause = failure.error, failure.cause
        execution.stop_date = now

    def _finish_timed_out(self, execution: Execution, history: History) -> None:
        now = self.clock.now()
        # AWS records ExecutionTimedOut with error States.Timeout and previousEventId 0;
        # DescribeExecution shows TIMED_OUT with neither error nor cause (corpus
        # `test_global_timeout`; AWS recording in floci-io/floci#2733).
        history.add("ExecutionTimedOut", now, {"error": "States.Timeout"}, previous_event_id=0)
        execution.status = ExecutionStatus.TIMED_OUT
        execution.stop_date = now


# An Express execution runs at most five minutes, a Standard one at most a year (dg
# "Standard vs Express workflows"); the definition's TimeoutSeconds can only shorten that.
EXPRESS_MAX_SECONDS = 300
STANDARD_MAX_SECONDS = 365 * 24 * 3600


def _timeout_seconds(execution: Execution) -> int:
    limit = EXPRESS_MAX_SECONDS if execution.type == "EXPRESS" else STANDARD_MAX_SECONDS
    declared = execution.definition.timeout_seconds
    return limit if declared is None else min(declared, limit)


async def _run_inline(execution: Execution, body: Callable[[], Awaitable[None]]) -> bool:
    """Run `body` in the current task; False when StopExecution ended the execution.

    `stop` cancels `execution._task`, here the current task: that one cancellation is taken
    back so the caller (a map worker) goes on, while any other cancellation goes on up.
    """
    current = asyncio.current_task()
    execution._task = current
    try:
        await body()
    except asyncio.CancelledError:
        execution._task = None
        stopped = execution.status is not ExecutionStatus.RUNNING
        if not stopped or current is None or current.cancelling() != 1:
            raise
        current.uncancel()
        return False
    return True


def _decode(text: str) -> Any:
    return json.loads(text) if text else {}


def _version_details(execution: Execution) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if execution.state_machine_version_arn is not None:
        details["stateMachineVersionArn"] = execution.state_machine_version_arn
    if execution.state_machine_alias_arn is not None:
        details["stateMachineAliasArn"] = execution.state_machine_alias_arn
    return details
