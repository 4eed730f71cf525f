"""The control API's ResetState: the embedded services back as the server started them,
without a restart, so that tests stay independent.

In order: the Step Functions engine (running executions cancelled first, so none writes to a
table afterwards; machines and activities made at run time gone, the declared ones created
again), the embedded DynamoDB (the tables created at start deleted and created again, seeded
unless asked not to; tables made at run time through the AWS endpoint dropped), every realtime
connection closed with its subscriptions, and a manual clock put back at its start. Whatever
else keeps state between requests joins through `Resettable` (the API cache's entries).

moto's other services (S3, SQS, Cognito users ...) keep their state: they are process-wide in
moto, shared by every server of the process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Protocol

from appsync.aws.dynamodb import DynamoDBRoute
from appsync.clock import ManualClock
from appsync.engine_start import StepFunctionsEngine
from appsync.realtime.endpoint import RealtimeRuntime
from definition.model import EmbeddedDynamoDBSettings, StepFunctionsSettings
from resolvers.datasources.dynamodb_tables import EmbeddedDynamoDB

logger = logging.getLogger(__name__)

# The close code a reset's sockets get: 1001, "going away" (RFC 6455 7.4.1), as when a
# server shuts down; the reason says why.
RESET_CLOSE_CODE = 1001
RESET_CLOSE_REASON = "appsync-local reset"


class Resettable(Protocol):
    """State kept between requests that a reset empties."""

    async def reset(self) -> None: ...


@dataclass(frozen=True, slots=True)
class ResetOutcome:
    tables: tuple[str, ...]  # the embedded tables created again
    connections_closed: int
    clock_reset: bool
    seconds: float  # how long it took


@dataclass(slots=True)
class StateReset:
    step_functions: StepFunctionsEngine
    dynamodb: EmbeddedDynamoDB | None
    dynamodb_route: DynamoDBRoute
    realtime: RealtimeRuntime
    clock: ManualClock | None
    # The activities and state machines the API declares (a reload may have changed them).
    step_functions_settings: StepFunctionsSettings
    others: list[Resettable] = field(default_factory=list)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def reset(self, *, seed: bool = True, clock: bool = True) -> ResetOutcome:
        """Put everything back (`seed`: the declared tables' seed files loaded again; `clock`:
        a manual clock back at its start)."""
        started = time.perf_counter()
        async with self._lock:
            await self.step_functions.reset(self.step_functions_settings)
            made_at_run_time = sorted(self.dynamodb_route.created_tables)
            # Without a DynamoDB data source there is nothing to put back, but tables a test
            # made through the AWS endpoint still go.
            dynamodb = self.dynamodb or EmbeddedDynamoDB(EmbeddedDynamoDBSettings(), ())
            tables = await dynamodb.reset(seed=seed, also=made_at_run_time)
            self.dynamodb_route.created_tables.clear()
            closed = await self.realtime.close_connections(RESET_CLOSE_CODE, RESET_CLOSE_REASON)
            for other in self.others:
                await other.reset()
            clock_reset = clock and self.clock is not None
            if self.clock is not None and clock:
                self.clock.set(self.clock.start)
        seconds = time.perf_counter() - started
        logger.info(
            "reset in %.1f ms: tables %s, %d connections closed",
            seconds * 1000,
            ", ".join(tables) or "none",
            closed,
        )
        return ResetOutcome(tuple(tables), closed, clock_reset, seconds)
