"""The PYTHON runtime: APPSYNC_JS's resolver shape, written in Python.

A resolver or pipeline function is one Python file with a `request(ctx)` and a `response(ctx)`
function. `util`, `runtime` and `extensions` are already in the module's globals, exactly as
`import { util, runtime, extensions } from '@aws-appsync/utils'` provides them to APPSYNC_JS;
`from resolvers.runtimes.python import util, runtime, extensions` names the same objects for
editors and type checkers::

    def request(ctx):
        if not ctx.args.get("id"):
            util.error("id is required", "ValidationError")
        if ctx.stash.get("cached"):
            runtime.earlyReturn(ctx.stash["cached"])
        return {"payload": {"id": ctx.args["id"], "by": ctx.identity}}

    def response(ctx):
        if ctx.error:
            util.error(ctx.error.message, ctx.error.type)
        return ctx.result

`ctx` mirrors the APPSYNC_JS context (resolver-context-reference-js): `ctx.args` /
`ctx.arguments`, `ctx.source`, `ctx.identity`, `ctx.stash`, `ctx.result`, `ctx.error.message` /
`ctx.error.type`, `ctx.prev.result`, `ctx.info.fieldName`, `ctx.info.parentTypeName`,
`ctx.info.variables`, `ctx.info.selectionSetList`, `ctx.info.selectionSetGraphQL`,
`ctx.request.headers`, `ctx.request.domainName`, `ctx.env`. The structure is attributes, the
data (arguments, identity, stash, results, headers) are plain dicts and lists, as JSON arrives in
Python; `ctx.env` is a read-only mapping of strings.

The file is compiled and imported once at load. A syntax error, an error raised while importing
it, or a missing handler is a `TemplateError` naming the file, line and column. An exception
raised by a handler becomes AppSync's `Code` field error, `"<file>:<line>:<column>: <Type>:
<message>"`.
"""

from __future__ import annotations

import itertools
import sys
import traceback
import types
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resolvers.context import NO_ENVIRONMENT, ContextError, ResolverContext, SkipTo
from resolvers.errors import CodeError, EarlyReturn, ResolverError, TemplateError
from resolvers.util.namespace import Util, make_util
from resolvers.util.time import SYSTEM_CLOCK, Clock


@dataclass(slots=True)
class _Binding:
    """The field whose handler is running, and its `util` once the handler has asked for it."""

    ctx: ResolverContext
    clock: Clock
    util: Util | None = None


# The field being resolved while a handler runs: `util.appendError`, `extensions.*` and
# `util.unauthorized` act on the current field, as AppSync scopes them.
_current: ContextVar[_Binding] = ContextVar("appsync_python_resolver_context")
_module_ids = itertools.count()
# The name of each loaded resolver module begins so (`sys.modules` holds it while it serves).
MODULE_PREFIX = "appsync_resolver_"

Handler = Callable[[Any], Any]


# runtime.earlyReturn's `skipTo` values; RESOLVER is VTL's #return, not something code can ask for.
_SKIP_TO = {"END": SkipTo.END, "NEXT": SkipTo.NEXT}


class Runtime:
    """`runtime` (runtime-utils-js)."""

    __slots__ = ()

    def earlyReturn(
        self,
        obj: Any = None,
        returnOptions: dict[str, Any] | None = None,
    ) -> None:
        """Stop the handler; `obj` becomes the result. `returnOptions={"skipTo": "END"|"NEXT"}`."""
        skip_to = None
        if returnOptions is not None and returnOptions.get("skipTo") is not None:
            skip_to = _SKIP_TO.get(returnOptions["skipTo"])
            if skip_to is None:
                raise ValueError(f"skipTo must be 'END' or 'NEXT', not {returnOptions['skipTo']!r}")
        raise EarlyReturn(obj, skip_to)


class Extensions:
    """`extensions` (extensions-js): recorded on the field's context for the server to act on.

    Keys of `ctx.extensions`: "setSubscriptionFilter", "setSubscriptionInvalidationFilter" (the
    filter as given), "invalidateSubscriptions" and "evictFromApiCache" (lists of the calls'
    arguments, in call order).
    """

    __slots__ = ()

    def setSubscriptionFilter(self, filter: Any) -> None:
        _current.get().ctx.extensions["setSubscriptionFilter"] = filter

    def setSubscriptionInvalidationFilter(self, filter: Any) -> None:
        _current.get().ctx.extensions["setSubscriptionInvalidationFilter"] = filter

    def invalidateSubscriptions(self, obj: Any) -> None:
        _current.get().ctx.extensions.setdefault("invalidateSubscriptions", []).append(obj)

    def evictFromApiCache(
        self,
        typeName: str,
        fieldName: str,
        keyValuePair: dict[str, Any],
    ) -> None:
        entry = {"typeName": typeName, "fieldName": fieldName, "keyValuePair": keyValuePair}
        _current.get().ctx.extensions.setdefault("evictFromApiCache", []).append(entry)


class UtilProxy:
    """`util`: the shared `resolvers.util` helpers, bound to the field being resolved.

    One module-level name for the user's code; each attribute is looked up on the `Util` of the
    field whose handler is running, made on first use in that handler call.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        binding = _current.get()
        if binding.util is None:
            binding.util = make_util(binding.ctx, binding.clock)
        return getattr(binding.util, name)


util = UtilProxy()
runtime = Runtime()
extensions = Extensions()


class _Prev:
    __slots__ = ("_ctx",)

    def __init__(self, ctx: ResolverContext) -> None:
        self._ctx = ctx

    @property
    def result(self) -> Any:
        return self._ctx.prev_result


class _Info:
    __slots__ = ("_ctx",)

    def __init__(self, ctx: ResolverContext) -> None:
        self._ctx = ctx

    @property
    def fieldName(self) -> str:
        return self._ctx.info.field_name

    @property
    def parentTypeName(self) -> str:
        return self._ctx.info.parent_type_name

    @property
    def variables(self) -> dict[str, Any]:
        return self._ctx.info.variables

    @property
    def selectionSetList(self) -> list[str]:
        return self._ctx.info.selection_set_list

    @property
    def selectionSetGraphQL(self) -> str:
        return self._ctx.info.selection_set_graphql


class _Request:
    __slots__ = ("_ctx",)

    def __init__(self, ctx: ResolverContext) -> None:
        self._ctx = ctx

    @property
    def headers(self) -> dict[str, str]:
        return self._ctx.request.headers

    @property
    def domainName(self) -> str | None:
        return self._ctx.request.domain_name


class Context:
    """The `ctx` a PYTHON handler receives: a live view of the field's `ResolverContext`."""

    __slots__ = ("_ctx",)

    def __init__(self, ctx: ResolverContext) -> None:
        self._ctx = ctx

    @property
    def arguments(self) -> dict[str, Any]:
        return self._ctx.arguments

    @property
    def args(self) -> dict[str, Any]:
        return self._ctx.arguments

    @property
    def source(self) -> Any:
        return self._ctx.source

    @property
    def identity(self) -> dict[str, Any] | None:
        return self._ctx.identity

    @property
    def stash(self) -> dict[str, Any]:
        return self._ctx.stash

    @property
    def result(self) -> Any:
        return self._ctx.result

    @property
    def error(self) -> ContextError | None:
        return self._ctx.error

    @property
    def prev(self) -> _Prev:
        return _Prev(self._ctx)

    @property
    def info(self) -> _Info:
        return _Info(self._ctx)

    @property
    def request(self) -> _Request:
        return _Request(self._ctx)

    @property
    def env(self) -> Mapping[str, str]:
        """The API's environment variables (`environmentVariables`), read-only as in AppSync."""
        return NO_ENVIRONMENT if self._ctx.env is None else self._ctx.env


@dataclass(frozen=True, slots=True)
class PythonResolverCode:
    """A loaded PYTHON resolver module's two handlers (the `ResolverCode` protocol)."""

    path: Path
    request_handler: Handler
    response_handler: Handler
    clock: Clock = SYSTEM_CLOCK

    def request(self, ctx: ResolverContext) -> Any:
        return self._run(self.request_handler, ctx)

    def response(self, ctx: ResolverContext) -> Any:
        return self._run(self.response_handler, ctx)

    def _run(self, handler: Handler, ctx: ResolverContext) -> Any:
        token = _current.set(_Binding(ctx, self.clock))
        try:
            return handler(Context(ctx))
        except EarlyReturn as early:
            ctx.early_return = True
            ctx.early_return_skip_to = early.skip_to
            return early.value
        except ResolverError:
            raise
        except Exception as exc:  # user code is an edge: anything it raises is a Code error
            raise _code_error(self.path, exc) from exc
        finally:
            _current.reset(token)


def _position_in(path: Path, exc: BaseException) -> tuple[int, int]:
    """The line and column (1-based) of the innermost frame of `exc` that is in `path`."""
    line, column = 1, 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == str(path) and frame.lineno is not None:
            line = frame.lineno
            column = (frame.colno or 0) + 1
    return line, column


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _code_error(path: Path, exc: Exception) -> CodeError:
    line, column = _position_in(path, exc)
    return CodeError(path.name, line, column, _describe(exc))


def load_python_code(path: Path, clock: Clock = SYSTEM_CLOCK) -> PythonResolverCode:
    """Compile and import one PYTHON resolver file; raise `TemplateError` when it cannot load.

    `clock` is what `util.time` and the time-based ids read (a fake one in tests).
    """
    file = str(path)
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(file, 1, 1, f"cannot read the resolver file: {exc}") from exc
    try:
        code = compile(source, file, "exec")
    except SyntaxError as exc:
        raise TemplateError(file, exc.lineno or 1, exc.offset or 1, exc.msg) from exc
    module = types.ModuleType(f"{MODULE_PREFIX}{next(_module_ids)}_{path.stem}")
    module.__file__ = file
    module.__dict__.update(util=util, runtime=runtime, extensions=extensions)
    # Registered so that dataclasses and pickling inside the user's module find it.
    sys.modules[module.__name__] = module
    try:
        exec(code, module.__dict__)
    except Exception as exc:  # importing user code is an edge: report where it failed
        del sys.modules[module.__name__]
        line, column = _position_in(path, exc)
        raise TemplateError(file, line, column, _describe(exc)) from exc
    handlers = []
    for name in ("request", "response"):
        handler = module.__dict__.get(name)
        if not callable(handler):
            raise TemplateError(file, 1, 1, f"the module defines no {name}(ctx) function")
        handlers.append(handler)
    return PythonResolverCode(path, handlers[0], handlers[1], clock)
