"""Task, Parallel and Map share one shape: attempts, Retry, Catch, then exit or fail.

An attempt either returns the state's output and assignments, or raises a `StatesError` (after
writing its own failure events, e.g. `TaskFailed` or `MapIterationFailed`). The first retrier
that matches decides whether to wait and try again (history shows nothing for the wait; the next
attempt writes its own `...Scheduled` / `MapStateStarted` / `ParallelStateStarted`). When no
retry is left, Map and Parallel write `MapStateFailed` / `ParallelStateFailed` (corpus
`test_map_state_retry`, `test_parallel_state_retry`); a matching catcher then produces the
output and the state exits towards the catcher's Next (corpus `test_parallel_state_catch`:
`ParallelStateFailed`, `ParallelStateExited`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping
from datetime import timedelta
from typing import Any

from stepfunctions.errors import StatesError
from stepfunctions.language.model import Catcher
from stepfunctions.language.paths import apply_result_path
from stepfunctions.language.retry import Retrier, RetryCounters
from stepfunctions.runtime.data_flow import evaluate_assign, evaluate_template
from stepfunctions.runtime.environment import Frame
from stepfunctions.runtime.errors import RetriableError, UncaughtError
from stepfunctions.runtime.state_run import StateRun

Attempt = Callable[[], Awaitable[tuple[Any, Mapping[str, Any] | None]]]
# Errors after which nothing is retried or caught and no `...StateFailed` event is written
# (corpus `test_map_state_tolerated_failure_count_path`: MapStateStarted, then ExecutionFailed).
_TERMINAL = frozenset({"States.Runtime", "States.DataLimitExceeded"})


async def run_attempts(
    run: StateRun,
    attempt: Attempt,
    retriers: tuple[Retrier, ...],
    catchers: tuple[Catcher, ...],
    next_state: str | None,
    failed_event: str | None,
) -> tuple[Any, str | None]:
    """Run attempts until one succeeds, a catcher takes the error, or the state fails."""
    counters = RetryCounters(len(retriers))
    env = run.frame.env
    while True:
        try:
            output, assigned = await attempt()
            run.exit(output, assigned)
            return output, next_state
        except StatesError as raised:
            error = run.prefixed(raised)
        error_name = error.error
        if error_name in _TERMINAL:
            raise _uncaught(run, error)
        if env.single_state and env.mock is not None:
            counters.preset(retriers, error_name, env.mock.retrier_retry_count)
            retry_index = _first_match(retriers, error_name)
            if retry_index is not None:
                run.frame.inspect_raw("errorDetails", {"retryIndex": retry_index})
        delay = counters.next_delay(retriers, error_name, env.rng)
        if delay is not None and env.single_state:
            details = {"retryBackoffIntervalSeconds": int(delay), "retryIndex": retry_index}
            run.frame.inspect_raw("errorDetails", details)
            raise RetriableError(error)
        if delay is not None:
            if run.retry_count is not None:
                run.retry_count += 1
            await env.clock.sleep_until(env.clock.now() + timedelta(seconds=delay))
            continue
        if failed_event is not None:
            run.frame.event(failed_event)
        for index, catcher in enumerate(catchers):
            if catcher.matches(error_name):
                run.frame.inspect_raw("errorDetails", {"catchIndex": index})
                return _caught(run, catcher, error)
        raise _uncaught(run, error)


def _first_match(retriers: tuple[Retrier, ...], error: str) -> int | None:
    return next((i for i, retrier in enumerate(retriers) if retrier.matches(error)), None)


def _uncaught(run: StateRun, error: StatesError) -> UncaughtError:
    return UncaughtError(error.error or None, error.cause or None, run.state.name, run.raw_input)


def _caught(run: StateRun, catcher: Catcher, error: StatesError) -> tuple[Any, str | None]:
    """The error output `{"Error", "Cause"}` through the catcher's ResultPath or Output."""
    error_output = {"Error": error.error, "Cause": error.cause}
    run.frame.caught_error = (error.error or None, error.cause or None)
    try:
        if run.jsonata:
            states = run.states(errorOutput=error_output)
            assigned = evaluate_assign(run, catcher.assign, None, states)
            if catcher.output is not None:
                output = evaluate_template(run, catcher.output, states, "Output")
            else:
                output = error_output
        else:
            assigned = evaluate_assign(run, catcher.assign, error_output, None)
            # A catcher's output is not filtered by the state's OutputPath.
            output = apply_result_path(
                catcher.result_path, run.raw_input, error_output, discard=catcher.result_path_null
            )
        run.exit(output, assigned)
    except StatesError as failure:
        raise run.failure(failure) from failure
    return output, catcher.next


async def run_branches(frame: Frame, branches: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run a Parallel state's branches, or a Map state's iteration workers, together. The first
    to fail cancels the others, and its failure is the error the state raises.

    A Fail state without Error/Cause fails with neither; the enclosing state carries that on
    (corpus `test_map_state_catch_empty_fail`), as an empty name that no catcher but
    States.ALL matches.
    """
    failure: UncaughtError | None = None
    try:
        async with asyncio.TaskGroup() as group:
            for branch in branches:
                group.create_task(branch)
    except* UncaughtError as failures:
        first = failures.exceptions[0]
        assert isinstance(first, UncaughtError)
        failure = first
    frame.previous_event_id = frame.env.history.last_id
    if failure is not None:
        raise StatesError(failure.error or "", failure.cause or "", prefixed=True)
