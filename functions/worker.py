"""One warm worker process of a function: started once, then one invocation at a time.

The process loads the handler at start (Lambda's init phase) and answers `ready`, or its init
error. Each invocation sends the event with its request id and deadline and waits, up to the
function's timeout, for the result or the function's error. A worker that times out is killed
(its whole process group) and the invocation fails with Lambda's `Sandbox.Timedout` error; a
worker that exits mid-invocation fails it with `Runtime.ExitError` (see `failures`).

The worker's stdout and stderr are read line by line as long as it lives, each line going to the
function's log under the request id being served.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import os
import signal
import socket
import time
from asyncio.subprocess import DEVNULL, PIPE, Process
from dataclasses import dataclass, field
from pathlib import Path

from functions.errors import InitFailedError, WorkerProtocolError
from functions.failures import exit_error, exit_status, response_too_large_error, timeout_error
from functions.logs import FunctionLog, InvocationLog, LineSplitter, Report
from functions.protocol import (
    END_OF_OUTPUT,
    MAX_RESPONSE_BYTES,
    WORKER_FD_VARIABLE,
    Frame,
    InvokeHeader,
    encode_frame,
    read_frame,
)

logger = logging.getLogger(__name__)

_READ_CHUNK = 1 << 16
# How long an invocation's last lines may trail its answer, and a stopping worker may take to
# leave on its own before it is killed.
_OUTPUT_GRACE_SECONDS = 5.0
_STOP_GRACE_SECONDS = 2.0


class WorkerState(enum.Enum):
    STARTING = "starting"
    IDLE = "idle"
    BUSY = "busy"
    STOPPED = "stopped"


_TRANSITIONS = {
    WorkerState.STARTING: {WorkerState.IDLE, WorkerState.STOPPED},
    WorkerState.IDLE: {WorkerState.BUSY, WorkerState.STOPPED},
    WorkerState.BUSY: {WorkerState.IDLE, WorkerState.STOPPED},
    WorkerState.STOPPED: {WorkerState.STOPPED},
}


@dataclass(slots=True)
class Invocation:
    """One invocation sent to a worker."""

    request_id: str
    payload: bytes
    invoked_function_arn: str
    client_context: str | None = None
    cognito_identity: str | None = None
    # The execution log's tail, kept when the caller asked for it (LogType Tail).
    log: InvocationLog | None = None


@dataclass(slots=True)
class _OutputEnd:
    """The end of a phase's output on stdout and stderr: an invocation's (its request id) or
    the init phase's (the empty id), marked by the worker with `END_OF_OUTPUT`."""

    request_id: str
    reached: tuple[asyncio.Event, asyncio.Event] = field(
        default_factory=lambda: (asyncio.Event(), asyncio.Event())
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an invocation produced: the payload, and whether it is a function error."""

    payload: bytes
    function_error: bool


class Worker:
    """A started worker process of one function."""

    __slots__ = (
        "_awaited",
        "_current",
        "_group",
        "_log",
        "_max_memory_mb",
        "_memory_size",
        "_outputs_closed",
        "_process",
        "_reader",
        "_state",
        "_writer",
        "init_duration_ms",
    )

    def __init__(
        self,
        process: Process,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        log: FunctionLog,
        memory_size: int,
        group: asyncio.TaskGroup,
    ) -> None:
        self._process = process
        self._reader = reader
        self._writer = writer
        self._log = log
        self._memory_size = memory_size
        self._group = group
        self._state = WorkerState.STARTING
        self._current: Invocation | None = None
        self._awaited: _OutputEnd | None = None
        self._max_memory_mb = 0
        self._outputs_closed = [False, False]
        self.init_duration_ms: float | None = None

    @classmethod
    async def start(
        cls,
        argv: tuple[str, ...],
        env: dict[str, str],
        cwd: Path,
        *,
        log: FunctionLog,
        memory_size: int,
        init_timeout: float,
        group: asyncio.TaskGroup,
        request_id: str = "",
    ) -> Worker:
        """Start a process and wait for its handler to load; InitFailedError when it does not
        (a platform failure names `request_id`, the invocation that started the worker)."""
        started = time.monotonic()
        parent, child = socket.socketpair()
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=DEVNULL,
                stdout=PIPE,
                stderr=PIPE,
                env={**env, WORKER_FD_VARIABLE: str(child.fileno())},
                cwd=cwd,
                pass_fds=(child.fileno(),),
                # Its own process group, so that a timeout kills what the handler started too.
                start_new_session=True,
            )
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        try:
            reader, writer = await asyncio.open_unix_connection(sock=parent)
        except BaseException:
            parent.close()
            process.kill()
            await process.wait()
            raise
        worker = cls(process, reader, writer, log, memory_size, group)
        try:
            frame = await worker._ready(init_timeout, request_id)
        except BaseException:
            worker._kill_now()
            raise
        if frame.kind != "ready":
            await worker._kill()
            raise InitFailedError(frame.body)
        worker.init_duration_ms = (time.monotonic() - started) * 1000
        # What the init phase printed is logged before the first invocation starts.
        await worker._outputs_ended()
        worker._move(WorkerState.IDLE)
        return worker

    async def _ready(self, init_timeout: float, request_id: str) -> Frame:
        """Read the process's output from now on, and its first frame: `ready` or its init
        error; InitFailedError when it times out or exits instead."""
        stdout, stderr = self._process.stdout, self._process.stderr
        if stdout is None or stderr is None:
            raise RuntimeError("a worker's output is not piped")
        self._awaited = _OutputEnd("")
        self._watch(stdout, stderr)
        try:
            async with asyncio.timeout(init_timeout):
                return await read_frame(self._reader, MAX_RESPONSE_BYTES)
        except TimeoutError:
            await self._kill()
            raise InitFailedError(timeout_error(request_id, init_timeout)) from None
        except (asyncio.IncompleteReadError, ConnectionError, WorkerProtocolError):
            await self._ended()
            raise InitFailedError(exit_error(request_id, self._process.returncode)) from None

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._state is not WorkerState.STOPPED and self._process.returncode is None

    async def invoke(self, invocation: Invocation, time_limit: float) -> Outcome:
        """Run one invocation; on timeout or a crash the worker is gone afterwards."""
        self._move(WorkerState.BUSY)
        self._current = invocation
        request_id = invocation.request_id
        self._awaited = _OutputEnd(request_id)
        self._log.start(request_id, invocation.log)
        header: InvokeHeader = {
            "type": "invoke",
            "requestId": request_id,
            # The runtimes give `getRemainingTimeInMillis` from this epoch deadline.
            "deadlineMs": int((time.time() + time_limit) * 1000),
            "invokedFunctionArn": invocation.invoked_function_arn,
            "clientContext": invocation.client_context,
            "cognitoIdentity": invocation.cognito_identity,
        }
        started = time.monotonic()
        platform_error: str | None = None
        try:
            self._writer.write(encode_frame(header, invocation.payload))
            async with asyncio.timeout(time_limit):
                await self._writer.drain()
                frame = await read_frame(self._reader, MAX_RESPONSE_BYTES)
        except TimeoutError:
            await self._kill()
            self._log.timed_out(request_id, time_limit, invocation.log)
            outcome = Outcome(timeout_error(request_id, time_limit), function_error=True)
            platform_error = "Sandbox.Timedout"
        except (asyncio.IncompleteReadError, ConnectionError, WorkerProtocolError):
            await self._ended()
            outcome = Outcome(exit_error(request_id, self._process.returncode), True)
            platform_error = "Runtime.ExitError"
        except BaseException:
            # Cancelled mid-invocation: what the process does next is unknown, so it goes.
            self._kill_now()
            raise
        else:
            outcome = self._outcome(frame)
            marked = frame.header.get("marked")
            if isinstance(marked, list):
                # A stream the invocation wrote nothing to carries no marker to wait for.
                for reached, mark in zip(self._awaited_reached(), marked, strict=False):
                    if not mark:
                        reached.set()
            if frame.header.get("exiting"):
                # The runtime ends its process after an uncaught exception, as Lambda's does;
                # the next invocation gets a fresh worker.
                await self._ended()
        duration_ms = (time.monotonic() - started) * 1000
        await self._outputs_ended()
        report = Report(
            duration_ms,
            self._memory_size,
            self._max_memory_mb,
            self.init_duration_ms,
            platform_error,
        )
        self.init_duration_ms = None
        self._log.end(request_id, report, invocation.log)
        self._current = None
        if self._state is WorkerState.BUSY:
            self._move(WorkerState.IDLE)
        return outcome

    def _outcome(self, frame: Frame) -> Outcome:
        memory = frame.header.get("maxRssKiB")
        if isinstance(memory, int):
            self._max_memory_mb = max(self._max_memory_mb, memory // 1024)
        if frame.discarded:
            return Outcome(response_too_large_error(), function_error=True)
        return Outcome(frame.body, function_error=frame.kind != "result")

    def _awaited_reached(self) -> tuple[asyncio.Event, ...]:
        return () if self._awaited is None else self._awaited.reached

    async def _outputs_ended(self) -> None:
        """Wait until both output streams have passed the awaited end (or closed)."""
        awaited = self._awaited
        if awaited is None:
            return
        if all(
            event.is_set() or closed
            for event, closed in zip(awaited.reached, self._outputs_closed, strict=True)
        ):
            self._awaited = None
            return
        try:
            async with asyncio.timeout(_OUTPUT_GRACE_SECONDS):
                for event, closed in zip(awaited.reached, self._outputs_closed, strict=True):
                    if not closed:
                        await event.wait()
        except TimeoutError:
            logger.warning("worker %s: the last output of %r did not arrive", self.pid, awaited)
        finally:
            self._awaited = None

    async def stop(self) -> None:
        """Stop the process: an idle worker leaves when its channel closes, a busy one is killed."""
        if self._state is WorkerState.STOPPED:
            return
        graceful = self._state is WorkerState.IDLE
        self._move(WorkerState.STOPPED)
        self._writer.close()
        if graceful:
            await self._ended()
        else:
            await self._kill()

    async def _ended(self) -> None:
        """The channel closed: let the process finish exiting (its status is the error's), then
        make sure it and what it started are gone."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_STOP_GRACE_SECONDS):
                await self._process.wait()
        await self._kill()

    async def _kill(self) -> None:
        self._kill_now()
        await self._process.wait()

    def _kill_now(self) -> None:
        if self._state is not WorkerState.STOPPED:
            self._move(WorkerState.STOPPED)
        self._writer.close()
        # The process group outlives its leader while the handler's own children run.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, signal.SIGKILL)

    def _move(self, state: WorkerState) -> None:
        if state not in _TRANSITIONS[self._state]:
            raise RuntimeError(f"worker {self.pid}: illegal move from {self._state} to {state}")
        self._state = state

    def _watch(self, stdout: asyncio.StreamReader, stderr: asyncio.StreamReader) -> None:
        """Read the process's output for its whole life, and notice when it exits."""
        self._group.create_task(self._forward(stdout, 0))
        self._group.create_task(self._forward(stderr, 1))
        self._group.create_task(self._exited())

    async def _exited(self) -> None:
        await self._process.wait()
        if self._state is WorkerState.IDLE:
            logger.info("worker %s exited (%s)", self.pid, exit_status(self._process.returncode))
            self._kill_now()

    async def _forward(self, stream: asyncio.StreamReader, index: int) -> None:
        splitter = LineSplitter()
        try:
            while chunk := await stream.read(_READ_CHUNK):
                for line in splitter.feed(chunk):
                    self._line(line, index)
        except OSError as exc:
            logger.debug("worker %s: output stream failed: %s", self.pid, exc)
        for line in splitter.flush():
            self._line(line, index)
        self._outputs_closed[index] = True
        if self._awaited is not None:
            self._awaited.reached[index].set()

    def _line(self, line: bytes, index: int) -> None:
        current = self._current
        marker = line.find(END_OF_OUTPUT)
        if marker >= 0:
            ended = line[marker + len(END_OF_OUTPUT) :].decode("utf-8", errors="replace")
            line = line[:marker]
            if line:
                self._emit(line, current)
            awaited = self._awaited
            if awaited is not None and awaited.request_id == ended:
                awaited.reached[index].set()
            return
        self._emit(line, current)

    def _emit(self, line: bytes, current: Invocation | None) -> None:
        if current is None:
            self._log.line(line, None, None)
        else:
            self._log.line(line, current.request_id, current.log)
