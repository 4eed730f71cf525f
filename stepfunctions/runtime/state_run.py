"""One entry into one state: its Entered and Exited events, its context object, its failures.

A `StateRun` writes the state's `*StateEntered` event when it is made and `*StateExited` when
the state exits, checks the 256 KiB payload quota, and words a failure with AWS's "An error
occurred while executing the state ..." prefix where AWS adds it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, NoReturn

from stepfunctions.errors import StatesError
from stepfunctions.language.model import (
    QueryLanguage,
    State,
    StateType,
)
from stepfunctions.language.paths import Scope, json_text
from stepfunctions.runtime.context_object import (
    context_object,
    iso_millis,
)
from stepfunctions.runtime.environment import Env, Frame
from stepfunctions.runtime.errors import UncaughtError

# Step Functions' payload quota: 256 KiB for input, output and state data.
PAYLOAD_LIMIT_BYTES = 262_144
# Errors whose cause AWS prefixes with the state's name and entered-event id (corpus: every
# recorded States.Runtime and States.QueryEvaluationError cause carries it; user errors,
# States.DataLimitExceeded and Lambda errors do not).
_PREFIXED_ERRORS = frozenset({"States.Runtime", "States.QueryEvaluationError"})

RETRY_STATES = frozenset({"Task", "Parallel", "Map"})
_ENTERED = {state_type: f"{state_type}StateEntered" for state_type in StateType}
_EXITED = {state_type: f"{state_type}StateExited" for state_type in StateType}
# Shared, never mutated: the wire copy is made by HistoryEvent.to_wire.
_NOT_TRUNCATED: Mapping[str, bool] = {"truncated": False}


class StateRun:
    """One entry into one state: its entered event, raw input and context object."""

    __slots__ = (
        "_entered",
        "entered_at",
        "entered_id",
        "frame",
        "raw_input",
        "retry_count",
        "state",
        "task_token",
    )

    def __init__(self, state: State, frame: Frame, raw_input: Any) -> None:
        if frame.env.execution.terminating:
            terminate(frame.env)
        self.state = state
        self.frame = frame
        self.raw_input = raw_input
        self.entered_at = frame.env.clock.now()
        self._entered: str | None = None
        self.task_token: str | None = None
        self.retry_count: int | None = 0 if state.type in RETRY_STATES else None
        # A state's input is usually the previous state's output: reuse its JSON text.
        if raw_input is frame.last_output and frame.last_output_text is not None:
            text = frame.last_output_text
        else:
            text = json_text(raw_input)
        self.entered_id = frame.event(
            _ENTERED[state.type],
            {"name": state.name, "input": text, "inputDetails": _NOT_TRUNCATED},
        )

    @property
    def entered_time(self) -> str:
        """`$$.State.EnteredTime`, formatted on first use."""
        if self._entered is None:
            self._entered = iso_millis(self.entered_at)
        return self._entered

    @property
    def jsonata(self) -> bool:
        return self.state.query_language is QueryLanguage.JSONATA

    def context(self) -> Mapping[str, Any]:
        if self.frame.context_override is not None:
            return self.frame.context_override
        env = self.frame.env
        return context_object(
            env.execution_context,
            env.machine_context,
            self.state.name,
            self.entered_time,
            self.retry_count,
            self.frame.map_item,
            self.task_token,
        )

    def scope(self, data: Any) -> Scope:
        return Scope(data, self.context(), self.frame.variables.view)

    def states(self, **extra: Any) -> dict[str, Any]:
        """JSONata's `$states`: input and context, plus result / errorOutput where defined."""
        states = {"input": self.raw_input, "context": self.context()}
        states.update(extra)
        return states

    # --- failures ----------------------------------------------------------------------------

    def prefixed(self, error: StatesError) -> StatesError:
        """AWS's "An error occurred while executing the state ..." prefix, where AWS adds it."""
        if error.prefixed or error.error not in _PREFIXED_ERRORS:
            return error
        cause = (
            f"An error occurred while executing the state '{self.state.name}' "
            f"(entered at the event id #{self.entered_id}). {error.cause}"
        )
        result = StatesError(error.error, cause, prefixed=True, location=error.location)
        result.__cause__ = error
        return result

    def evaluation_failed(self, error: StatesError) -> None:
        """The EvaluationFailed event AWS writes before a States.QueryEvaluationError fails."""
        if error.error != "States.QueryEvaluationError":
            return
        details: dict[str, Any] = {"error": error.error, "cause": error.cause}
        if error.location is not None:
            details["location"] = error.location
        details["state"] = self.state.name
        self.frame.event("EvaluationFailed", details)

    def failure(self, error: StatesError) -> UncaughtError:
        """Turn an uncaught error into the failure that ends this program."""
        final = self.prefixed(error)
        self.evaluation_failed(final)
        return UncaughtError(final.error, final.cause, self.state.name, self.raw_input)

    # --- exit ---------------------------------------------------------------------------------

    def exit(self, output: Any, assigned: Mapping[str, Any] | None) -> str:
        """Check the payload quota, write the Exited event and apply the state's assignments."""
        text = json_text(output)
        check_size(text, self.state.name)
        details: dict[str, Any] = {
            "name": self.state.name,
            "output": text,
            "outputDetails": _NOT_TRUNCATED,
        }
        if assigned:
            details["assignedVariables"] = {k: json_text(v) for k, v in assigned.items()}
            details["assignedVariablesDetails"] = _NOT_TRUNCATED
        frame = self.frame
        frame.event(_EXITED[self.state.type], details)
        frame.last_output = output
        frame.last_output_text = text
        if assigned:
            frame.variables.assign(assigned)
        return text


def terminate(env: Env) -> NoReturn:
    """DeleteStateMachine's "on the next state transition, the executions are terminated" (API
    reference): the execution ends as StopExecution ends it, instead of entering the state."""
    # AWS differs: AWS does not document the status of an execution so terminated; ABORTED.
    env.interpreter.stop(env.execution, None, None)
    raise asyncio.CancelledError


def check_size(text: str, state_name: str) -> None:
    """States.DataLimitExceeded when a state's output passes 256 KiB."""
    if len(text) * 4 <= PAYLOAD_LIMIT_BYTES:
        return
    if len(text.encode("utf-8")) > PAYLOAD_LIMIT_BYTES:
        raise StatesError(
            "States.DataLimitExceeded",
            f"The state/task '{state_name}' returned a result with a size exceeding the maximum "
            "number of bytes service limit.",
            prefixed=True,
        )


def partial_results(run: StateRun) -> tuple[dict[int, Any], dict[int, Any] | None]:
    """For a top-level Parallel or Map: the results a redrive keeps, and where to record new ones.

    The first entry into the state a redrive resumes at gets the branch / iteration results that
    succeeded before; every attempt of a top-level Parallel / Map records its successes on the
    execution so that a later redrive can skip them.
    """
    frame = run.frame
    if not frame.top_level:
        return {}, None
    env = frame.env
    resumed: dict[int, Any] = {}
    if env.resume_state == run.state.name:
        resumed, env.resume_state, env.resume_results = env.resume_results, None, {}
    record = env.execution.redrive_partial
    record.clear()
    record.update(resumed)
    return resumed, record
