"""The JavaScript engine behind APPSYNC_JS: one QuickJS context per API.

The engine is QuickJS (the maintained quickjs-ng fork, through the `quickjs-ng` wheel), chosen by
measurement against V8 (`mini-racer`) and SpiderMonkey (`pythonmonkey`) in `bench/js_engines.py`:
it is the one that calls back into Python synchronously (resolver code is synchronous, and every
`util` helper is Python shared with VTL and PYTHON), stops a runaway loop (a CPU time limit) and a
runaway allocation (a heap limit) per context, starts a context in under a millisecond at about
150 KiB, and costs tens of microseconds per handler call; V8's JIT is faster on long computations
but mini-racer crosses threads on every call (hundreds of microseconds) and only offers
asynchronous callbacks, and pythonmonkey has one realm per process and no way to stop a loop.

`JsRuntime` holds the context: the prelude (`prelude.js`, the `@aws-appsync/utils` modules) is
evaluated once, each resolver's module is compiled once into a factory (`module.py`), and a
handler call is one crossing each way: in, the JSON text of the ctx fields the handler is seen
to read (any other is fetched when read); out, the value's JSON text, with a changed stash and
console output reported beside it (any other end is fetched as an outcome document). Text
crosses through `interchange.py`. Calling the factory per request gives each request a fresh
module scope, and the prelude freezes the globals and built-ins, so no state leaks from one
request or resolver to the next.

Handlers run on the caller's thread, as VTL and PYTHON handlers do, and the binding holds the
GIL while JavaScript runs, so a handler that loops stalls the server's event loop. In the server
(`off_loop`) a handler therefore gets a short slice of the loop; one still running at its end is
stopped and run again from the start on the runtime's own thread, in a second context. There it
only holds the GIL between the binding's periodic releases: measured, the event loop kept
serving other clients while a handler looped there (bench/js_runtime.py prints the share). A
context serves one call at a time, so each context belongs to one thread at a time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Any

import quickjs

from resolvers.context import ResolverContext
from resolvers.errors import JsEngineError, ResolverError
from resolvers.runtimes.js.host import PENDING_ERROR, TYPE_ERROR, HostCall, host_names
from resolvers.runtimes.js.interchange import dumps, loads
from resolvers.util.time import SYSTEM_CLOCK, Clock

LOGGER = logging.getLogger(__name__)

# AWS differs: AppSync documents no time limit of its own for resolver code, only its 30 s limit
# on a whole request ("AppSync has a 30 second hard limit for request execution time", AWS
# re:Post QUw61RAiFGSHiWKxSnjppUfA; aws-appsync-community#43; the quotas page, AWS AppSync
# endpoints and quotas, lists none for resolver code). One API's handlers share a context, so a
# handler that runs away is stopped after this many seconds instead, and answers as AppSync
# answers a request past its limit: "Execution timed out." with errorType ExecutionTimeout (an
# AppSync response recorded in a public client's source).
#
# The deadline is checked by the code itself, at the top of every loop body and function body
# (`module.TICK`): quickjs-ng's own CPU time limit refuses every call into Python while it is set
# ("Can not call into Python with a time limit set.", module.c), and every `util` helper is one.
# The subset leaves no other way to loop for ever: no while, no for(;;), no recursion; an array
# that grows without end is stopped by the memory limit.
DEFAULT_TIME_LIMIT = 1.0
# AWS differs: AppSync does not document the memory a handler may use; this bounds one API's
# context, so a runaway allocation ends the handler instead of the server.
DEFAULT_MEMORY_LIMIT = 64 * 1024 * 1024
# How long a handler may hold the server's event loop before it is run again off the loop:
# long enough for any handler that does not loop at length (they take microseconds), short
# enough that a runaway one is a hiccup for other clients.
LOOP_SLICE = 0.02
TIMEOUT_MESSAGE = "Execution timed out."
TIMEOUT_ERROR_TYPE = "ExecutionTimeout"

# An engine error's text ends with its stack: `at f (<input>:line:column)` lines, or once the
# prelude's Error.prepareStackTrace is installed, its frames joined by commas:
# `line,column,internal,...`.
_POSITION = re.compile(r"<input>:(\d+):(\d+)|(\d+),(\d+),false\b")


# Made per call: slotted, not frozen.
@dataclass(slots=True)
class Outcome:
    """How one handler call ended, as the prelude's run wrapper reports it.

    `kind` is "return" (`value`), "earlyReturn", "error", "unauthorized" (`args` as given to
    `runtime.earlyReturn` / `util.error`), "host" (a helper's ResolverError, in `pending`),
    "timeout" (past the deadline), "slice" (past its slice of the event loop), or "exception"
    (`name`, `message`, `position` in the factory's text); `logs` is its console output:
    level, where in the factory's text, and the arguments written out.
    """

    kind: str
    value: Any
    args: list[Any]
    name: str
    message: str
    position: tuple[int, int] | None
    logs: list[tuple[str, tuple[int, int] | None, str]]
    pending: ResolverError | None


def engine_position(message: str) -> tuple[int, int] | None:
    """The first `<input>:line:column` of an engine error's text."""
    found = _POSITION.search(message)
    if found is None:
        return None
    line, column = found.group(1, 2) if found.group(1) else found.group(3, 4)
    return int(line), int(column)


def _decode_outcome(text: str, host: HostCall) -> Outcome:
    document = loads(text)
    position = document.get("p")
    return Outcome(
        kind=document["k"],
        value=document.get("v"),
        args=list(document.get("a") or []),
        name=str(document.get("n") or "Error"),
        message=str(document.get("m") or ""),
        position=(int(position[0]), int(position[1])) if position else None,
        logs=[],
        pending=host.pending,
    )


def _error(ctx: ResolverContext) -> Any:
    return ctx.error.to_context() if ctx.error is not None else None


# The fields of the handler's `ctx` (resolver-context-reference-js), each read from the field's
# ResolverContext when the handler first reads it; `args` is `arguments` on the JavaScript side.
CONTEXT_FIELDS: dict[str, Callable[[ResolverContext], Any]] = {
    "arguments": lambda ctx: ctx.arguments,
    "identity": lambda ctx: ctx.identity,
    "source": lambda ctx: ctx.source,
    "stash": lambda ctx: ctx.stash,
    "prev": lambda ctx: {"result": ctx.prev_result},
    "result": lambda ctx: ctx.result,
    "error": _error,
    "info": lambda ctx: ctx.info.to_context(),
    "request": lambda ctx: ctx.request.to_context(),
    # The API's environment variables (`environmentVariables`), strings by name.
    "env": lambda ctx: dict(ctx.env or {}),
}


class _Context:
    """One QuickJS context with the prelude evaluated in it, and the handler call under way."""

    def __init__(self, memory_limit: int) -> None:
        self._context = quickjs.Context()
        self._context.set_memory_limit(memory_limit)
        self._host: HostCall | None = None
        self._context.add_callable("__appsync_host", self._invoke_host)
        self._context.add_callable("__appsync_ctx", self._context_field)
        self._context.add_callable("__appsync_report", self._report)
        prelude = resources.files(__package__).joinpath("prelude.js").read_text("utf-8")
        installed = self._context.eval(
            "(function () { const host = __appsync_host, piece = __appsync_ctx,"
            " report = __appsync_report; delete globalThis.__appsync_host;"
            " delete globalThis.__appsync_ctx; delete globalThis.__appsync_report;"
            f" return ({prelude})(host, piece, report, {json.dumps(host_names())},"
            f" {json.dumps(PENDING_ERROR)}, {json.dumps(TYPE_ERROR)}); }})()"
        )
        member = self._context.eval("(object, name) => object[name]")
        self._run = member(installed, "run")
        self._take = member(installed, "take")
        exports = json.loads(member(installed, "exports").json())
        self.module_exports: dict[str, frozenset[str]] = {
            name: frozenset(members) for name, members in exports.items()
        }

    def _invoke_host(self, name: str, arguments: str) -> str:
        host = self._host
        if host is None:
            return f"{TYPE_ERROR}{name} called outside a handler"
        return host.invoke(name, arguments)

    def _context_field(self, name: str) -> str:
        host = self._host
        read = CONTEXT_FIELDS.get(name)
        if host is None or read is None:
            return "null"
        return dumps(read(host.ctx))

    def _report(self, kind: str, text: str) -> None:
        """What goes back beside the call's answer: the changed stash ("s"), the console
        output ("l")."""
        host = self._host
        if host is not None:
            if kind == "s":
                host.stash_text = text
            else:
                host.logs_text = text

    def compile(self, text: str) -> None:
        self._context.eval(text)

    def call(self, code: int, host: HostCall, limit_ms: float, prefetch: tuple[str, ...]) -> Any:
        """Run handler `code` (`handler_code`) for at most `limit_ms` (negative: a slice);
        its value when it returned and logged nothing, else its `Outcome`. A stash it changed
        is written back to the field's context."""
        self._host = host
        try:
            if prefetch:
                ctx = host.ctx
                parts = []
                stash_text = None
                for name in prefetch:
                    field = dumps(CONTEXT_FIELDS[name](ctx))
                    parts.append(f'"{name}":{field}')
                    if name == "stash":
                        stash_text = field
                answer = self._run(code, limit_ms, "{" + ",".join(parts) + "}", stash_text)
            else:
                answer = self._run(code, limit_ms, "", None)
            ended: str | None = None if isinstance(answer, str) else self._take()
        except quickjs.JSException as error:
            detail = str(error)
            # An end the wrapper could not report: memory it could not get to report it.
            self._context.gc()
            message = detail.splitlines()[0] if detail else "InternalError: out of memory"
            raise JsEngineError(message, engine_position(detail)) from error
        finally:
            self._host = None
        if host.stash_text is not None:
            stash = loads(host.stash_text)
            if isinstance(stash, dict):
                host.ctx.stash.clear()
                host.ctx.stash.update(stash)
        if ended is None:
            value = loads(answer)
            if host.logs_text is None:
                return value
            outcome = Outcome("return", value, [], "", "", None, [], None)
        else:
            outcome = _decode_outcome(ended, host)
        if host.logs_text is not None:
            outcome.logs = [
                (str(level), (int(at[0]), int(at[1])) if at else None, str(line))
                for level, at, line in loads(host.logs_text)
            ]
        return outcome


def handler_code(unit: int, handler: str) -> int:
    """What the prelude's `run` takes for `handler` ("request", "response") of `unit`."""
    return unit * 2 + (handler == "response")


class JsRuntime:
    """The QuickJS context holding the `@aws-appsync/utils` modules and every resolver loaded
    into it (load them with `resolvers.runtimes.js.code.load_js_code`).

    `call` runs a handler on the caller's thread. With `off_loop` (the server) it runs there
    for at most `LOOP_SLICE`: a handler still running then is stopped, what it did to the
    field's context undone, and its outcome is "slice"; `call_off_loop` runs it again on the
    runtime's own thread, in a second context holding the same units, for the whole time limit.
    """

    def __init__(
        self,
        clock: Clock = SYSTEM_CLOCK,
        time_limit: float = DEFAULT_TIME_LIMIT,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
        *,
        off_loop: bool = False,
        loop_slice: float = LOOP_SLICE,
    ) -> None:
        self.clock = clock
        self._memory_limit = memory_limit
        self._time_limit_ms = time_limit * 1000
        self._slice_ms = min(loop_slice * 1000, self._time_limit_ms) if off_loop else None
        self._main = _Context(memory_limit)
        self.module_exports = self._main.module_exports
        # Each unit's registration script, for the second context.
        self._units: list[str] = []
        self._thread: ThreadPoolExecutor | None = None
        self._thread_context: _Context | None = None
        self._thread_units = 0

    def compile(self, text: str) -> None:
        """Evaluate a script that registers nothing (a check); raises `quickjs.JSException`."""
        self._main.compile(text)

    def next_unit(self) -> int:
        return len(self._units)

    def define(self, text: str) -> None:
        """Evaluate unit number `next_unit()`'s registration; raises `quickjs.JSException`."""
        self._main.compile(text)
        self._units.append(text)

    def call(
        self, unit: int, handler: str, ctx: ResolverContext, prefetch: tuple[str, ...] = ()
    ) -> Any:
        """Run `handler` of unit number `unit` on `ctx`, on this thread; `prefetch` names the
        ctx fields to send with the call (the handler fetches any other it reads). The value
        the handler returned, or how it ended otherwise (an `Outcome`)."""
        host = HostCall(ctx, self.clock)
        code = handler_code(unit, handler)
        if self._slice_ms is None:
            return self._main.call(code, host, self._time_limit_ms, prefetch)
        result = self._main.call(code, host, -self._slice_ms, prefetch)
        if type(result) is Outcome and result.kind == "slice":
            host.undo()
        return result

    async def call_off_loop(
        self, unit: int, handler: str, ctx: ResolverContext, prefetch: tuple[str, ...] = ()
    ) -> Any:
        """`call` on the runtime's own thread, for a handler that outlasted its slice."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="appsync-js")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._thread, self._call_on_thread, handler_code(unit, handler), ctx, prefetch
        )

    def _call_on_thread(self, code: int, ctx: ResolverContext, prefetch: tuple[str, ...]) -> Any:
        context = self._thread_context
        if context is None:
            context = self._thread_context = _Context(self._memory_limit)
        while self._thread_units < len(self._units):
            context.compile(self._units[self._thread_units])
            self._thread_units += 1
        return context.call(code, HostCall(ctx, self.clock), self._time_limit_ms, prefetch)

    def close(self) -> None:
        """Stop the runtime's thread (a handler running there ends at its time limit)."""
        if self._thread is not None:
            self._thread.shutdown(wait=False, cancel_futures=True)
            self._thread = None
