"""Run a program (a state machine, a Parallel branch or a Map ItemProcessor) state by state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from stepfunctions.language.model import Program, State, StateType
from stepfunctions.runtime.environment import Frame
from stepfunctions.runtime.flow_states import run_choice, run_fail, run_pass, run_succeed, run_wait
from stepfunctions.runtime.map_state import run_map
from stepfunctions.runtime.parallel_state import run_parallel
from stepfunctions.runtime.task_state import run_task

Executor = Callable[[Any, Any, Frame], Awaitable[tuple[Any, str | None]]]

_EXECUTORS: dict[StateType, Executor] = {
    StateType.PASS: run_pass,
    StateType.TASK: run_task,
    StateType.CHOICE: run_choice,
    StateType.WAIT: run_wait,
    StateType.SUCCEED: run_succeed,
    StateType.FAIL: run_fail,
    StateType.PARALLEL: run_parallel,
    StateType.MAP: run_map,
}


def executor_for(state: State) -> Executor:
    """The coroutine function that runs one entry into `state`."""
    return _EXECUTORS[state.type]


async def run_program(
    program: Program, program_input: Any, frame: Frame, start_at: str | None = None
) -> Any:
    """Run from `start_at` (default StartAt) until a state ends the program; return its output.

    A failure that no state catches propagates as `UncaughtError`.
    """
    states = program.states
    name: str | None = start_at or program.start_at
    data = program_input
    execution = frame.env.execution if frame.top_level else None
    while name is not None:
        state: State = states[name]
        if execution is not None and execution.redrive_state != name:
            # A redrive of a failed, timed-out or aborted execution resumes here.
            execution.redrive_state, execution.redrive_input = name, data
            execution.redrive_partial = {}
        elif execution is not None:
            execution.redrive_input = data
        data, name = await _EXECUTORS[state.type](state, data, frame)
    return data
