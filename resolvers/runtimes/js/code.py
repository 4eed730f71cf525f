"""APPSYNC_JS resolver and function code: loaded and checked once, called per request.

`load_js_code(path, runtime)` reads one ES module (a resolver, a pipeline function, or a
pipeline's before/after code), refuses what AppSync would refuse when it is saved (a syntax error,
a construct outside the APPSYNC_JS subset, an import AppSync does not provide, a missing
`request` or `response` export, more than 32768 characters) with a `TemplateError` naming the
file, line and column, and compiles it once into the runtime's context. The result implements
the `ResolverCode` protocol (`resolvers.runtimes.base`) exactly as the VTL and PYTHON runtimes
do: `request(ctx)` returns the data source request, or the early return's value with
`ctx.early_return` set; `response(ctx)` returns the field's value; `util.error` raises
`UtilError`, `util.unauthorized` `UnauthorizedFieldError`; `util.appendError` and `extensions.*`
record on `ctx`; stash changes are written back to `ctx.stash` for the next pipeline step.

A JavaScript error at run time (TypeError, ReferenceError ...) is AppSync's `Code` field error,
`"<file>:<line>:<column>: <Name>: <message>"` (aws-appsync-community#328 shows
`"code.js:162:13: ReferenceError: ..."` with `"errorType": "Code"`). Positions in a bundle with an
inline source map name the original file and line (`sourcemap.py`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import quickjs

from resolvers.context import ResolverContext
from resolvers.errors import CodeError, EarlyReturn, JsEngineError, ResolverError, TemplateError
from resolvers.runtimes.js import subset
from resolvers.runtimes.js.engine import (
    TIMEOUT_ERROR_TYPE,
    TIMEOUT_MESSAGE,
    JsRuntime,
    Outcome,
    engine_position,
)
from resolvers.runtimes.js.module import HANDLERS, FactoryText, factory_text, plan_module
from resolvers.runtimes.js.sourcemap import SourceMap, inline_source_map
from resolvers.runtimes.js.syntax import JsSource, parse
from resolvers.runtimes.python import runtime
from resolvers.util.namespace import Util

LOGGER = logging.getLogger(__name__)

# The `code` property of a resolver or function: "Length Constraints: Minimum length of 1.
# Maximum length of 32768." (AppSync API reference, Resolver and FunctionConfiguration).
MAX_CODE_LENGTH = 32768


@dataclass(frozen=True, slots=True)
class CodeUnit:
    """Where a compiled module's positions come from: its file, the compiled text (its first
    line's shift, the text inserted) and the file's inline source map."""

    file: str
    compiled: FactoryText | None
    source_map: SourceMap | None

    def locate(self, position: tuple[int, int] | None) -> tuple[str, int, int]:
        """The file, line and column a position in the compiled text stands for (a position
        in the file itself when there is no compiled text)."""
        if position is None:
            return self.file, 1, 1
        line, column = position
        if self.compiled is not None:
            if line == 1:
                column = max(column - self.compiled.line_one_offset, 1)
            column = max(self.compiled.original_column(line, column), 1)
        if self.source_map is not None:
            original = self.source_map.original(line, column)
            if original is not None:
                return original.source, original.line, original.column
        return self.file, line, column


@dataclass(frozen=True, slots=True)
class JsResolverCode:
    """A loaded APPSYNC_JS module's `request` and `response` (the `ResolverCode` protocol)."""

    runtime: JsRuntime
    unit: int
    location: CodeUnit

    def request(self, ctx: ResolverContext) -> Any:
        return self._finish(self.run("request", ctx), ctx)

    def response(self, ctx: ResolverContext) -> Any:
        return self._finish(self.run("response", ctx), ctx)

    def run(self, handler: str, ctx: ResolverContext) -> Outcome:
        """One handler call as it ended, its console output logged; raises only when the
        engine stopped it (the time limit)."""
        try:
            outcome = self.runtime.call(self.unit, handler, ctx)
        except JsEngineError as error:
            raise CodeError(*self.location.locate(error.position), error.message) from error
        for level, line in outcome.logs:
            if ctx.observer is not None:
                ctx.observer.user_log(level, f"{self.location.file}: {line}")
            else:
                LOGGER.info("%s %s: %s", level, self.location.file, line)
        return outcome

    def _finish(self, outcome: Outcome, ctx: ResolverContext) -> Any:
        """The handler's value, with its stash written back, or its end raised."""
        if isinstance(outcome.stash, dict) and outcome.stash is not ctx.stash:
            ctx.stash.clear()
            ctx.stash.update(outcome.stash)
        kind = outcome.kind
        if kind == "return":
            return outcome.value
        if kind == "earlyReturn":
            value, options = (*outcome.args, None, None)[:2]
            try:
                runtime.earlyReturn(value, options if isinstance(options, dict) else None)
            except EarlyReturn as early:
                ctx.early_return = True
                ctx.early_return_skip_to = early.skip_to
                return early.value
            except ValueError as error:
                raise CodeError(*self.location.locate(None), f"TypeError: {error}") from error
        util = Util(ctx, self.runtime.clock)
        if kind == "error":
            util.error(*(*outcome.args, None, None, None, None)[:4])
        if kind == "unauthorized":
            util.unauthorized()
        if kind == "host" and outcome.pending is not None:
            raise outcome.pending
        if kind == "timeout":
            raise ResolverError(TIMEOUT_MESSAGE, TIMEOUT_ERROR_TYPE)
        file, line, column = self.location.locate(outcome.position)
        raise CodeError(file, line, column, _describe(outcome))


def _describe(outcome: Outcome) -> str:
    if outcome.name == "InternalError" and outcome.message == "out of memory":
        return "RangeError: the handler ran out of memory"
    return f"{outcome.name}: {outcome.message}" if outcome.message else outcome.name


def _load_error(
    location: CodeUnit, position: tuple[int, int] | None, message: str
) -> TemplateError:
    return TemplateError(*location.locate(position), message)


def _check(source: JsSource, runtime: JsRuntime, location: CodeUnit) -> None:
    """Refuse the module as AppSync refuses it when it is saved."""
    plan = plan_module(source, runtime.module_exports)
    if source.has_syntax_error:
        # The parser knows there is an error, the engine's compiler says what and where.
        check = factory_text(plan, 0, register=False)
        try:
            runtime.compile(check.text)
        except quickjs.JSException as error:
            detail = str(error)
            lines = detail.splitlines() or ["SyntaxError"]
            compiled = CodeUnit(location.file, check, location.source_map)
            raise _load_error(compiled, engine_position(detail), lines[0]) from error
    problems = [(r.line, r.column, r.message) for r in subset.refusals(source)]
    problems += [(*source.position(node), message) for node, message in plan.problems]
    problems.sort()
    if problems:
        line, column, message = problems[0]
        if len(problems) > 1:
            message += f" (and {len(problems) - 1} more)"
        raise _load_error(location, (line, column), message)
    for handler in HANDLERS:
        if handler not in plan.exports:
            raise TemplateError(
                location.file, 1, 1, f"the module does not export a {handler}(ctx) function"
            )


def load_js_code(path: Path, runtime: JsRuntime) -> JsResolverCode:
    """Read, check and compile one APPSYNC_JS file into `runtime`; `TemplateError` when AppSync
    would not accept it."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(file, 1, 1, f"cannot read the resolver file: {error}") from error
    return compile_js_code(file, text, runtime)


def compile_js_code(file: str, text: str, runtime: JsRuntime) -> JsResolverCode:
    """`load_js_code` for code in hand (EvaluateCode's `code`, a definition's inline code)."""
    if len(text) > MAX_CODE_LENGTH:
        raise TemplateError(
            file,
            1,
            1,
            f"the code is {len(text)} characters long; AppSync takes at most {MAX_CODE_LENGTH}",
        )
    source_map = inline_source_map(text)
    source = parse(file, text)
    _check(source, runtime, CodeUnit(file, None, source_map))
    unit = runtime.next_unit()
    compiled = factory_text(plan_module(source, runtime.module_exports), unit)
    location = CodeUnit(file, compiled, source_map)
    try:
        runtime.compile(compiled.text)
    except quickjs.JSException as error:
        detail = str(error)
        lines = detail.splitlines() or ["SyntaxError"]
        raise _load_error(location, engine_position(detail), lines[0]) from error
    return JsResolverCode(runtime, unit, location)
