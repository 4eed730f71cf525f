"""The Parallel state: every branch on the same input, results in branch order.

Events (corpus `test_parallel_state_*`): ParallelStateEntered, ParallelStateStarted, the
branches' events, ParallelStateSucceeded, ParallelStateExited; a branch failure cancels the
other branches and the state fails with the branch's error (ParallelStateFailed once no retry is
left). Branches read the enclosing variables and assign only their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.model import ParallelState
from stepfunctions.runtime.data_flow import (
    effective_input,
    evaluate_payload,
    evaluate_template,
    state_result,
)
from stepfunctions.runtime.environment import Frame
from stepfunctions.runtime.error_handling import run_attempts, run_branches
from stepfunctions.runtime.state_run import StateRun, partial_results


async def run_parallel(
    state: ParallelState, raw_input: Any, frame: Frame
) -> tuple[Any, str | None]:
    run = StateRun(state, frame, raw_input)

    async def attempt() -> tuple[Any, Mapping[str, Any] | None]:
        return await _attempt(run, state)

    return await run_attempts(
        run,
        attempt,
        state.retriers,
        state.catchers,
        state.next,
        failed_event="ParallelStateFailed",
    )


async def _attempt(run: StateRun, state: ParallelState) -> tuple[Any, Mapping[str, Any] | None]:
    try:
        if run.jsonata:
            branch_input = (
                evaluate_template(run, state.arguments, run.states(), "Arguments")
                if state.arguments is not None
                else run.raw_input
            )
        else:
            data = effective_input(run)
            branch_input = (
                evaluate_payload(run, state.parameters, data)
                if state.parameters is not None
                else data
            )
    except StatesError as error:
        final = run.prefixed(error)
        run.evaluation_failed(final)
        raise final from error
    frame = run.frame
    frame.event("ParallelStateStarted")
    mock = frame.env.mock if frame.env.single_state else None
    if mock is not None and mock.error is not None:
        raise StatesError(mock.error, mock.cause or "", prefixed=True)
    if mock is not None and mock.has_result:
        # TestState: the mock is the Parallel's result; no branch runs, and AWS reports no
        # input stages for it (test_io_parallel_state_mock_success).
        if frame.inspection is not None:
            frame.inspection.pop("afterInputPath", None)
        return state_result(run, state, mock.result)
    results: list[Any] = [None] * len(state.branches)
    run_program = frame.env.run_program
    resumed, record = partial_results(run)

    async def run_branch(index: int) -> None:
        child = frame.child()
        results[index] = await run_program(state.branches[index], branch_input, child, None)
        if record is not None:
            record[index] = results[index]

    for index in range(len(state.branches)):
        if index in resumed:
            results[index] = resumed[index]
    await run_branches(
        frame, (run_branch(index) for index in range(len(state.branches)) if index not in resumed)
    )
    frame.event("ParallelStateSucceeded")
    return state_result(run, state, results)
