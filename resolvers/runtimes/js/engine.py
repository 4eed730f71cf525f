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
handler call is one crossing each way: the context as JSON text in, one JSON document out (the
value or how the handler ended, the stash, the console output). Calling the factory per request
gives each request a fresh module scope, and the prelude freezes the globals and built-ins, so no
state leaks from one request or resolver to the next.

Handlers run on the caller's thread, as VTL and PYTHON handlers do; the context is not
thread-safe, so one `JsRuntime` belongs to one thread (the server's event loop).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import quickjs

from resolvers.context import ResolverContext
from resolvers.errors import JsEngineError, ResolverError
from resolvers.runtimes.js.host import PENDING_ERROR, TYPE_ERROR, HostCall, host_names
from resolvers.util.core import to_json
from resolvers.util.time import SYSTEM_CLOCK, Clock

LOGGER = logging.getLogger(__name__)

# AWS differs: AppSync documents no time limit of its own for resolver code, only its 30 s limit
# on a whole request ("AppSync has a 30 second hard limit for request execution time", AWS
# re:Post QUw61RAiFGSHiWKxSnjppUfA; aws-appsync-community#43). A handler runs on the server's
# event loop, so one that runs away is stopped after this many seconds instead, and answers as
# AppSync answers a request past its limit: "Execution timed out." with errorType
# ExecutionTimeout (an AppSync response recorded in a public client's source).
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
    "timeout" (past the deadline), or "exception" (`name`, `message`, `position` in the
    factory's text). `stash` is the handler's
    `ctx.stash` afterwards (None when it did not read it); `logs` its console output as
    (level, text) pairs.
    """

    kind: str
    value: Any
    args: list[Any]
    name: str
    message: str
    position: tuple[int, int] | None
    stash: Any
    logs: list[tuple[str, str]]
    pending: ResolverError | None


def engine_position(message: str) -> tuple[int, int] | None:
    """The first `<input>:line:column` of an engine error's text."""
    found = _POSITION.search(message)
    if found is None:
        return None
    line, column = found.group(1, 2) if found.group(1) else found.group(3, 4)
    return int(line), int(column)


_DECODER = json.JSONDecoder()


def _decode_outcome(text: str, host: HostCall) -> Outcome:
    document = _DECODER.decode(text)
    if isinstance(document, list):
        # A plain return that left the stash unread and logged nothing: `[value]`.
        return Outcome("return", document[0], [], "", "", None, None, [], None)
    position = document.get("p")
    logs = [(str(level), str(line)) for level, line in document.get("l") or []]
    return Outcome(
        kind=document["k"],
        value=document.get("v"),
        args=list(document.get("a") or []),
        name=str(document.get("n") or "Error"),
        message=str(document.get("m") or ""),
        position=(int(position[0]), int(position[1])) if position else None,
        stash=document.get("s"),
        logs=logs,
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
    # AppSync's environment variables (GraphqlApi environmentVariables): none configured here.
    "env": lambda ctx: {},
}


class JsRuntime:
    """One QuickJS context holding the `@aws-appsync/utils` modules and every resolver loaded
    into it (load them with `resolvers.runtimes.js.code.load_js_code`)."""

    def __init__(
        self,
        clock: Clock = SYSTEM_CLOCK,
        time_limit: float = DEFAULT_TIME_LIMIT,
        memory_limit: int = DEFAULT_MEMORY_LIMIT,
    ) -> None:
        self.clock = clock
        self._context = quickjs.Context()
        self._context.set_memory_limit(memory_limit)
        self._time_limit_ms = time_limit * 1000
        self._host: HostCall | None = None
        self._context.add_callable("__appsync_host", self._invoke_host)
        self._context.add_callable("__appsync_ctx", self._context_field)
        prelude = resources.files(__package__).joinpath("prelude.js").read_text("utf-8")
        installed = self._context.eval(
            "(function () { const host = __appsync_host, piece = __appsync_ctx;"
            " delete globalThis.__appsync_host; delete globalThis.__appsync_ctx;"
            f" return ({prelude})(host, piece, {json.dumps(host_names())},"
            f" {json.dumps(PENDING_ERROR)}, {json.dumps(TYPE_ERROR)}); }})()"
        )
        member = self._context.eval("(object, name) => object[name]")
        self._run = member(installed, "run")
        exports = json.loads(member(installed, "exports").json())
        self.module_exports: dict[str, frozenset[str]] = {
            name: frozenset(members) for name, members in exports.items()
        }
        self._units = 0

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
        return to_json(read(host.ctx))

    def compile(self, text: str) -> None:
        """Evaluate a script (a unit's registration); raises `quickjs.JSException`."""
        self._context.eval(text)

    def next_unit(self) -> int:
        unit = self._units
        self._units += 1
        return unit

    def call(self, unit: int, handler: str, ctx: ResolverContext) -> Outcome:
        """Run `handler` of unit number `unit` on `ctx`."""
        host = HostCall(ctx, self.clock)
        self._host = host
        try:
            text = self._run(unit, handler, self._time_limit_ms)
        except quickjs.JSException as error:
            detail = str(error)
            # An end the wrapper could not report: memory it could not get to report it.
            self._context.gc()
            message = detail.splitlines()[0] if detail else "InternalError: out of memory"
            raise JsEngineError(message, engine_position(detail)) from error
        finally:
            self._host = None
        return _decode_outcome(text, host)
