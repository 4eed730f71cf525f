"""The warm workers of one function and its concurrency.

A worker starts on the first invocation that finds none idle and stays warm for the next ones
(the most recently used first). At most `capacity` invocations run at once: the function's
reserved concurrency (Lambda's ReservedConcurrentExecutions) or the local limit, whichever is
lower. Past the reserved concurrency Lambda throttles a synchronous invocation at once with
TooManyRequestsException, Reason `ReservedFunctionConcurrentInvocationLimitExceeded` (Invoke API,
"Errors"; botocore's ThrottleReason); past a local limit AWS would not have reached, the
invocation waits for a worker instead, and only a full waiting line is throttled. A worker that
crashed or timed out is dropped; the next invocation starts a fresh one. A Python function's
requirements are installed before its first worker starts (`requirements`).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass

from functions.environment import AwsEnvironment, worker_environment
from functions.errors import InitFailedError, InvokerClosedError, TooManyRequestsError
from functions.logs import FunctionLog, Report
from functions.model import FunctionSpec, Runtime
from functions.requirements import Requirements
from functions.runtimes import WorkerCommand
from functions.worker import Invocation, Outcome, Worker

logger = logging.getLogger(__name__)

RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"


@dataclass(frozen=True, slots=True)
class PoolLimits:
    """The local limits: workers per function where the function sets none, invocations that
    may wait for one, and how long a worker may take to load its handler (Lambda's init phase
    is limited to 10 seconds)."""

    concurrency: int = 4
    max_waiting: int = 100
    init_timeout: float = 10.0


class FunctionPool:
    """The workers of one function."""

    def __init__(
        self,
        spec: FunctionSpec,
        runtime: Runtime,
        command: WorkerCommand,
        aws: AwsEnvironment,
        limits: PoolLimits,
        requirements: Requirements | None = None,
    ) -> None:
        self.spec = spec
        self._requirements = requirements
        # One install at a time; the invocations that wait for it find it done.
        self._installing = asyncio.Lock()
        self.runtime = runtime
        self._command = command
        # Replaced when the invoker learns the AWS endpoint: workers started after take it.
        self.aws = aws
        self._limits = limits
        local = spec.concurrency_limit if spec.concurrency_limit is not None else limits.concurrency
        reserved = spec.reserved_concurrency
        self.capacity = local if reserved is None else min(reserved, local)
        # Past the capacity, AWS itself would throttle: the reserved concurrency is the bound.
        self._aws_bound = reserved is not None and reserved <= local
        self._log = FunctionLog(spec.name)
        self._idle: list[Worker] = []
        self._workers: set[Worker] = set()
        self._in_use = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._closed = False

    @property
    def worker_count(self) -> int:
        return sum(1 for worker in self._workers if worker.alive)

    async def invoke(
        self, invocation: Invocation, group: asyncio.TaskGroup, *, may_throttle: bool = True
    ) -> Outcome:
        """Run `invocation` on a warm worker (or a new one), once a slot is free.

        `may_throttle` is False for asynchronous invocations, which Lambda queues rather than
        throttles: they wait for a slot whatever the line.
        """
        await self._acquire(may_throttle)
        try:
            worker = self._take_idle()
            if worker is None:
                if self._requirements is not None and not self._requirements.installed:
                    async with self._installing:
                        await self._requirements.install()
                try:
                    worker = await self._start(group, invocation.request_id)
                except InitFailedError as failure:
                    return self._init_failed(invocation, failure)
                if self._closed:
                    # Stopped while this worker was starting: it never joined the pool.
                    await worker.stop()
                    raise InvokerClosedError(f"Function {self.spec.name} was unloaded.")
            outcome = await worker.invoke(invocation, self.spec.timeout)
            if worker.alive and not self._closed:
                self._idle.append(worker)
            else:
                self._workers.discard(worker)
            return outcome
        finally:
            self._release()

    async def stop(self) -> None:
        """Stop every worker; invocations still waiting for one fail."""
        self._closed = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(InvokerClosedError(f"Function {self.spec.name} was unloaded."))
        workers, self._workers, self._idle = list(self._workers), set(), []
        async with asyncio.TaskGroup() as group:
            for worker in workers:
                group.create_task(worker.stop())

    def _take_idle(self) -> Worker | None:
        while self._idle:
            worker = self._idle.pop()
            if worker.alive:
                return worker
            self._workers.discard(worker)
        return None

    async def _start(self, group: asyncio.TaskGroup, request_id: str) -> Worker:
        variables = worker_environment(self.spec, self.runtime, self.aws, self._command.variables)
        worker = await Worker.start(
            self._command.argv,
            variables,
            self.spec.code_dir,
            log=self._log,
            memory_size=self.spec.memory_size,
            init_timeout=self._limits.init_timeout,
            group=group,
            request_id=request_id,
        )
        if not self._closed:
            self._workers.add(worker)
        logger.debug("function %s: worker %s started", self.spec.name, worker.pid)
        return worker

    def _init_failed(self, invocation: Invocation, failure: InitFailedError) -> Outcome:
        """The invocation fails with the init error, as Lambda reports a failed init phase."""
        self._log.start(invocation.request_id, invocation.log)
        report = Report(0.0, self.spec.memory_size, 0, error_type=failure.error_type)
        self._log.end(invocation.request_id, report, invocation.log)
        return Outcome(failure.payload, function_error=True)

    async def _acquire(self, may_throttle: bool) -> None:
        if self._closed:
            raise InvokerClosedError(f"Function {self.spec.name} was unloaded.")
        if self._in_use < self.capacity and not self._waiters:
            self._in_use += 1
            return
        if self.capacity == 0 or (may_throttle and self._aws_bound):
            raise TooManyRequestsError(RESERVED_LIMIT)
        if may_throttle and len(self._waiters) >= self._limits.max_waiting:
            # AWS differs: AWS would have run this invocation; the local limit throttles it.
            raise TooManyRequestsError(ACCOUNT_LIMIT)
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a slot this invocation no longer uses
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def _release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot passes to the next in line
                return
        self._in_use -= 1
