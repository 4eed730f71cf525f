"""What every state executor shares: the execution environment, frames, and the data flow.

An `Env` exists once per run of an execution; a `Frame` is one thread of control in it (the
top level, a Parallel branch or a Map iteration) with its own variable scope and its own chain
of previous-event ids; a `StateRun` is one entry into one state. The data-flow helpers apply the
States Language's filters in its order: InputPath -> Parameters -> (work) -> ResultSelector ->
ResultPath -> OutputPath for JSONPath, and Arguments -> (work) -> Assign/Output with `$states`
for JSONata.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import ChainMap
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeVar

from stepfunctions.errors import StatesError
from stepfunctions.language.model import (
    Assign,
    Dynamic,
    JsonataExpr,
    JsonataTemplate,
    PathExpr,
    PayloadExpr,
    Program,
    QueryLanguage,
    RecoverableState,
    State,
    StateType,
)
from stepfunctions.language.paths import Scope, apply_result_path, json_text
from stepfunctions.records.history import History
from stepfunctions.runtime.clock import Clock
from stepfunctions.runtime.context_object import (
    context_object,
    execution_section,
    iso_millis,
    state_machine_section,
)
from stepfunctions.runtime.errors import ExecutionFailure
from stepfunctions.runtime.task_registry import TaskRegistry

if TYPE_CHECKING:
    from stepfunctions.records.execution import Execution
    from stepfunctions.runtime.callbacks import Callbacks
    from stepfunctions.runtime.mock import TestStateMock
    from stepfunctions.runtime.replay import Replay

T = TypeVar("T")

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


class Variables:
    """A variable scope: Assign writes here; reads fall through to the enclosing scopes."""

    __slots__ = ("own", "view")

    def __init__(self, parent: Variables | None = None) -> None:
        self.own: dict[str, Any] = {}
        self.view: ChainMap[str, Any] = (
            ChainMap(self.own, *parent.view.maps) if parent is not None else ChainMap(self.own)
        )

    def child(self) -> Variables:
        """The scope of a Parallel branch or Map iteration: reads outer, writes its own."""
        return Variables(self)

    def assign(self, values: Mapping[str, Any]) -> None:
        self.own.update(values)


ProgramRunner = Callable[[Program, Any, "Frame", str | None], Awaitable[Any]]


class ExecutionRunner(Protocol):
    """What a state needs from the interpreter that runs it: a Distributed Map runs its child
    executions, and a state entered after DeleteStateMachine stops its own execution."""

    async def run(self, execution: Execution) -> None: ...

    def stop(self, execution: Execution, error: str | None, cause: str | None) -> None: ...


@dataclass(slots=True, eq=False)
class Env:
    """One run of one execution."""

    execution: Execution
    clock: Clock
    tasks: TaskRegistry
    history: History
    rng: random.Random
    interpreter: ExecutionRunner
    run_program: ProgramRunner
    callbacks: Callbacks
    # TestState: a mocked Task outcome, and one attempt only (retries are reported, not run).
    mock: TestStateMock | None = None
    single_state: bool = False
    # A redrive: the state it resumes at and the branch / iteration results already done there.
    resume_state: str | None = None
    resume_results: dict[int, Any] = field(default_factory=dict)
    # A resume after a restart: the recorded events of the state being replayed (also the clock).
    replay: Replay | None = None
    _execution_context: dict[str, Any] | None = None
    _machine_context: dict[str, Any] | None = None

    # Built on first use: most states never read the context object, and a Distributed Map
    # starts thousands of executions whose single Pass state does not.
    @property
    def execution_context(self) -> dict[str, Any]:
        """`$$.Execution`, built once per run."""
        if self._execution_context is None:
            execution = self.execution
            self._execution_context = execution_section(
                execution.execution_arn,
                json.loads(execution.input) if execution.input else {},
                execution.name,
                execution.role_arn,
                execution.start_date,
                execution.redrive_count if execution.type == "STANDARD" else None,
            )
        return self._execution_context

    @property
    def machine_context(self) -> dict[str, Any]:
        """`$$.StateMachine`."""
        if self._machine_context is None:
            execution = self.execution
            self._machine_context = state_machine_section(
                execution.state_machine_arn, execution.state_machine_name
            )
        return self._machine_context


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


@dataclass(slots=True, eq=False)
class Frame:
    """One thread of control: its variables and the id its next event follows."""

    env: Env
    variables: Variables
    previous_event_id: int
    map_item: dict[str, Any] | None = None
    # TestState's inspectionData, collected while a single state runs; None otherwise.
    inspection: dict[str, Any] | None = None
    # The error a catcher took (TestState reports it with CAUGHT_ERROR).
    caught_error: tuple[str | None, str | None] | None = None
    # The execution's own top-level program (not a branch or iteration): where a redrive resumes.
    top_level: bool = False
    # TestState's `context`: replaces the whole context object when given.
    context_override: Mapping[str, Any] | None = None
    # The last state output and its JSON text, reused for the next Entered event.
    last_output: Any = None
    last_output_text: str | None = None

    def event(self, event_type: str, details: Mapping[str, Any] | None = None) -> int:
        """Append an event that follows this frame's previous event; returns its id.

        While a resumed execution replays the state it was in, an event already recorded is
        taken from the history instead of being written twice.
        """
        replay = self.env.replay
        if replay is not None:
            if not self.top_level:
                replay.end()
            else:
                recorded = replay.take(event_type)
                if recorded is not None:
                    self.previous_event_id = recorded.id
                    return recorded.id
        event = self.env.history.add(
            event_type,
            self.env.clock.now(),
            details,
            previous_event_id=self.previous_event_id,
            top=self.top_level,
        )
        self.previous_event_id = event.id
        return event.id

    def child(self, map_item: dict[str, Any] | None = None) -> Frame:
        return Frame(self.env, self.variables.child(), self.previous_event_id, map_item)

    def inspect(self, key: str, value: Any) -> None:
        """Record an intermediate value for TestState as JSON text (no-op outside TestState)."""
        if self.inspection is not None:
            self.inspection[key] = json_text(value)

    def inspect_raw(self, key: str, value: Any) -> None:
        """Record a TestState inspection field that is not JSON text (numbers, errorDetails)."""
        if self.inspection is not None:
            self.inspection[key] = value


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

    def failure(self, error: StatesError) -> ExecutionFailure:
        """Turn an uncaught error into the failure that ends this program."""
        final = self.prefixed(error)
        self.evaluation_failed(final)
        return ExecutionFailure(final.error, final.cause, self.state.name, self.raw_input)

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


# --- JSONPath data flow -----------------------------------------------------------------------


def effective_input(run: StateRun) -> Any:
    """InputPath: `$` by default, `null` gives `{}`."""
    state = run.state
    if state.input_path_null:
        run.frame.inspect("afterInputPath", {})
        return {}
    if state.input_path is None:
        value = run.raw_input
    else:
        value = state.input_path.evaluate(run.scope(run.raw_input), "InputPath")
    run.frame.inspect("afterInputPath", value)
    return value


def evaluate_payload(run: StateRun, payload: PayloadExpr, data: Any) -> Any:
    return payload.evaluate(run.scope(data))


def output_of(
    run: StateRun, result: Any, result_path: PathExpr | None, result_path_null: bool
) -> Any:
    """ResultPath over the raw input, then OutputPath."""
    combined = apply_result_path(result_path, run.raw_input, result, discard=result_path_null)
    run.frame.inspect("afterResultPath", combined)
    return filter_output(run, combined)


def state_result(
    run: StateRun, state: RecoverableState, result: Any
) -> tuple[Any, dict[str, Any] | None]:
    """A result through ResultSelector, ResultPath and OutputPath (JSONata: Output), and the
    values Assign produces from it; an evaluation failure is recorded with AWS's prefix."""
    try:
        if run.jsonata:
            # Assign is evaluated before Output: when both fail, Assign's error is the one reported.
            states = run.states(result=result)
            assigned = evaluate_assign(run, state.assign, None, states)
            return jsonata_output(run, states, result), assigned
        assigned = evaluate_assign(run, state.assign, result, None)
        if state.result_selector is not None:
            result = evaluate_payload(run, state.result_selector, result)
        run.frame.inspect("afterResultSelector", result)
        return output_of(run, result, state.result_path, state.result_path_null), assigned
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error


def filter_output(run: StateRun, value: Any) -> Any:
    state = run.state
    if state.output_path_null:
        return {}
    if state.output_path is None:
        return value
    return state.output_path.evaluate(run.scope(value), "OutputPath")


# --- JSONata ----------------------------------------------------------------------------------


def with_location(error: StatesError, location: str) -> StatesError:
    if error.location is None:
        error.location = location
    return error


def evaluate_template(
    run: StateRun, template: JsonataTemplate, states: Mapping[str, Any], location: str
) -> Any:
    try:
        return template.evaluate(states, run.frame.variables.view)
    except StatesError as error:
        raise with_location(error, location) from None


def evaluate_expression(
    run: StateRun, expression: JsonataExpr, states: Mapping[str, Any], location: str
) -> Any:
    try:
        return expression.evaluate(states, run.frame.variables.view, location)
    except StatesError as error:
        raise with_location(error, location) from None


def evaluate_assign(
    run: StateRun, assign: Assign | None, data: Any, states: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The values an Assign field produces (applied when the state exits)."""
    if assign is None:
        return None
    if assign.jsonata is not None:
        if states is None:
            states = run.states()
        value = evaluate_template(run, assign.jsonata, states, "Assign")
    elif assign.payload is not None:
        value = assign.payload.evaluate(run.scope(data))
    else:
        return None
    return dict(value) if isinstance(value, Mapping) else None


def jsonata_output(run: StateRun, states: Mapping[str, Any], default: Any) -> Any:
    """A JSONata state's Output, or `default` when it has none."""
    if run.state.output is None:
        return default
    return evaluate_template(run, run.state.output, states, "Output")


def dynamic_value(
    run: StateRun, value: Dynamic, data: Any, states: Mapping[str, Any] | None
) -> Any:
    """The value of a literal / `...Path` / JSONata field."""
    if value.path is not None:
        return value.path.evaluate(run.scope(data), value.field)
    if value.jsonata is not None:
        return evaluate_expression(
            run, value.jsonata, states if states is not None else run.states(), value.field
        )
    return value.literal
