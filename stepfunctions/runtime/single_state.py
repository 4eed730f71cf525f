"""Run one state on its own, for the TestState API.

The state runs through the same executors as in an execution, on a throwaway execution record,
with TestState's mock in place of the Task's resource and with retries reported rather than run.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from stepfunctions.language.model import (
    MapState,
    ParallelState,
    Program,
    State,
    StateMachineDefinition,
)
from stepfunctions.language.paths import json_text
from stepfunctions.records.execution import Execution
from stepfunctions.records.history import History
from stepfunctions.runtime.clock import Clock
from stepfunctions.runtime.environment import Env, Frame, Variables
from stepfunctions.runtime.errors import RetriableError, UncaughtError
from stepfunctions.runtime.mock import TestStateMock
from stepfunctions.runtime.program import executor_for
from stepfunctions.runtime.task_registry import TaskRegistry


class Environments(Protocol):
    """What a single state needs from the interpreter: the clock, the TaskRegistry (whose region
    and account name the throwaway execution) and the environment every run gets."""

    clock: Clock
    tasks: TaskRegistry

    def environment(self, execution: Execution, history: History) -> Env: ...


@dataclass(frozen=True, slots=True)
class StateTestResult:
    """What TestState reports for one state.

    `status` is TestState's: SUCCEEDED, FAILED, RETRIABLE (a retrier would retry the error) or
    CAUGHT_ERROR (a catcher took it; `next_state` is the catcher's Next). `inspection_data` holds
    TestState's inspectionData keys with JSON text values, as AWS returns them.
    """

    status: str
    output: Any = None
    has_output: bool = False
    next_state: str | None = None
    error: str | None = None
    cause: str | None = None
    inspection_data: dict[str, Any] = field(default_factory=dict)


TEST_STATE_MACHINE = "TestStateMachine"
TEST_STATE_NAME = "StateName"


async def run_single_state(
    interpreter: Environments,
    definition: StateMachineDefinition,
    state_name: str | None,
    state_input: Any,
    *,
    context: Mapping[str, Any] | None,
    variables: Mapping[str, Any] | None,
    mock: TestStateMock | None,
    role_arn: str | None,
    inspection_level: str,
) -> StateTestResult:
    """See `Interpreter.test_state`."""
    program = definition.program
    name = state_name if state_name is not None else program.start_at
    found = find_state(program, name)
    if found is None:
        raise KeyError(name)
    # TestState's context object names the state "StateName" whatever it is called
    # (test_state_with_variables, with stateName "State0").
    state = replace(found, name=TEST_STATE_NAME)
    tasks = interpreter.tasks
    execution_name = str(uuid.uuid4())
    prefix = f"arn:aws:states:{tasks.region}:{tasks.account_id}"
    execution = Execution(
        execution_arn=f"{prefix}:express:{TEST_STATE_MACHINE}:{execution_name}",
        name=execution_name,
        state_machine_arn=f"{prefix}:stateMachine:{TEST_STATE_MACHINE}",
        state_machine_name=TEST_STATE_MACHINE,
        definition=definition,
        role_arn=role_arn or "",
        input=json_text(state_input),
        type="EXPRESS",
        start_date=interpreter.clock.now(),
    )
    history = History(execution.history)
    env = interpreter.environment(execution, history)
    env.mock = mock if mock is not None else TestStateMock()
    env.single_state = True
    # Without a roleArn the context object's RoleArn is null (TestState recordings).
    env.execution_context["RoleArn"] = role_arn
    scope = Variables()
    if variables:
        scope.assign(variables)
    inspection: dict[str, Any] = {"input": json_text(state_input)}
    frame = Frame(env, scope, 0, inspection=inspection, context_override=context)
    if scope.own:
        inspection["variables"] = json_text(dict(scope.own))
    try:
        output, next_state = await executor_for(state)(state, state_input, frame)
    except RetriableError as retriable:
        return StateTestResult(
            status="RETRIABLE",
            error=retriable.error.error or None,
            cause=retriable.error.cause or None,
            inspection_data=_inspection(inspection, inspection_level),
        )
    except UncaughtError as failure:
        return StateTestResult(
            status="FAILED",
            error=failure.error,
            cause=failure.cause,
            inspection_data=_inspection(inspection, inspection_level),
        )
    if frame.variables.own:
        inspection["variables"] = json_text(dict(frame.variables.own))
    caught = frame.caught_error
    return StateTestResult(
        status="CAUGHT_ERROR" if caught is not None else "SUCCEEDED",
        output=output,
        has_output=True,
        next_state=next_state,
        error=caught[0] if caught is not None else None,
        cause=caught[1] if caught is not None else None,
        inspection_data=_inspection(inspection, inspection_level),
    )


def find_state(program: Program, name: str) -> State | None:
    """`name` in the program or in any Parallel branch or Map ItemProcessor within it."""
    if name in program.states:
        return program.states[name]
    for state in program.states.values():
        inner: tuple[Program, ...] = ()
        if isinstance(state, ParallelState):
            inner = state.branches
        elif isinstance(state, MapState):
            inner = (state.item_processor,)
        for child in inner:
            found = find_state(child, name)
            if found is not None:
                return found
    return None


def _inspection(data: dict[str, Any], level: str) -> dict[str, Any]:
    # INFO shows no inspection data; DEBUG and TRACE show the data-flow stages.
    return {} if level == "INFO" else dict(data)
