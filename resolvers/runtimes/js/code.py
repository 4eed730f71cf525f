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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import quickjs

from resolvers.context import ResolverContext
from resolvers.errors import (
    CodeError,
    CodeProblem,
    CodeRefusedError,
    EarlyReturn,
    HandlerOffloaded,
    JsEngineError,
    ResolverError,
    TemplateError,
)
from resolvers.runtimes.js import subset
from resolvers.runtimes.js.engine import (
    TIMEOUT_ERROR_TYPE,
    TIMEOUT_MESSAGE,
    JsRuntime,
    Outcome,
    engine_position,
)
from resolvers.runtimes.js.module import (
    HANDLERS,
    FactoryText,
    Passthrough,
    factory_text,
    plan_module,
)
from resolvers.runtimes.js.sourcemap import SourceMap, inline_source_map
from resolvers.runtimes.js.syntax import JsSource, parse, walk
from resolvers.runtimes.python import runtime
from resolvers.util.namespace import Util

LOGGER = logging.getLogger(__name__)

# The `code` property of a resolver or function: "Length Constraints: Minimum length of 1.
# Maximum length of 32768." (AppSync API reference, Resolver and FunctionConfiguration).
MAX_CODE_LENGTH = 32768


# Where a `console.*(...)` call starts and ends in the file: (line, column) pairs.
ConsoleCall = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class CodeUnit:
    """Where a compiled module's positions come from: its file, the compiled text (its first
    line's shift, the text inserted), the file's inline source map, and its console calls."""

    file: str
    compiled: FactoryText | None
    source_map: SourceMap | None
    console_calls: tuple[ConsoleCall, ...] = ()

    def locate(self, position: tuple[int, int] | None) -> tuple[str, int, int]:
        """The file, line and column a position in the compiled text stands for (a position
        in the file itself when there is no compiled text)."""
        if position is None:
            return self.file, 1, 1
        return self._original(*self._in_file(position))

    def locate_log(self, position: tuple[int, int] | None) -> tuple[str, int, int]:
        """Where the console call that logged at `position` starts, as AppSync reports a
        log line (the engine's own position falls inside the call, on an argument)."""
        if position is None:
            return self.file, 1, 1
        at = self._in_file(position)
        starts = [start for start, end in self.console_calls if start <= at <= end]
        return self._original(*(max(starts) if starts else at))

    def _in_file(self, position: tuple[int, int]) -> tuple[int, int]:
        line, column = position
        if self.compiled is not None:
            if line == 1:
                column = max(column - self.compiled.line_one_offset, 1)
            column = max(self.compiled.original_column(line, column), 1)
        return line, column

    def _original(self, line: int, column: int) -> tuple[str, int, int]:
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
    # The ctx fields each handler is seen to read, sent with its call (module.handler_reads).
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The handlers that return `ctx.result` or `ctx.prev.result` as it stands
    # (module.passthrough): their value is taken from the field's context, without a call.
    passthroughs: Mapping[str, Passthrough] = field(default_factory=dict)

    def request(self, ctx: ResolverContext) -> Any:
        if "request" in self.passthroughs:
            return _passed_through(self.passthroughs["request"], ctx)
        result = self.run("request", ctx)
        return self.finish(result, ctx) if type(result) is Outcome else result

    def response(self, ctx: ResolverContext) -> Any:
        if "response" in self.passthroughs:
            return _passed_through(self.passthroughs["response"], ctx)
        result = self.run("response", ctx)
        return self.finish(result, ctx) if type(result) is Outcome else result

    def run(self, handler: str, ctx: ResolverContext) -> Any:
        """One handler call: the value it returned, or how it ended otherwise (an `Outcome`,
        its console output logged); raises `CodeError` when the engine stopped it, and
        `HandlerOffloaded` when it outlasted its slice of the loop."""
        try:
            result = self.runtime.call(self.unit, handler, ctx, self.reads.get(handler, ()))
        except JsEngineError as error:
            raise CodeError(*self.location.locate(error.position), error.message) from error
        if type(result) is not Outcome:
            return result
        if result.kind == "slice":
            raise HandlerOffloaded(partial(self._rerun, handler, ctx))
        return self._logged(result)

    async def _rerun(self, handler: str, ctx: ResolverContext) -> Any:
        try:
            result = await self.runtime.call_off_loop(
                self.unit, handler, ctx, self.reads.get(handler, ())
            )
        except JsEngineError as error:
            raise CodeError(*self.location.locate(error.position), error.message) from error
        return self.finish(self._logged(result), ctx) if type(result) is Outcome else result

    def _logged(self, outcome: Outcome) -> Outcome:
        for line in self.log_lines(outcome):
            LOGGER.info("%s", line)
        return outcome

    def log_lines(self, outcome: Outcome) -> list[str]:
        """The handler's console output as AppSync writes it in EvaluateCode's `logs`:
        `INFO - code.js:5:3: "current id" "record-id"` (AppSync developer guide,
        test-resolvers)."""
        lines = []
        for level, position, text in outcome.logs:
            file, line, column = self.location.locate_log(position)
            lines.append(f"{level} - {file}:{line}:{column}: {text}")
        return lines

    def finish(self, outcome: Outcome, ctx: ResolverContext) -> Any:
        """The value of a handler that ended as `outcome` (`run`), or its end raised."""
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


def _passed_through(kind: Passthrough, ctx: ResolverContext) -> Any:
    return ctx.result if kind is Passthrough.RESULT else ctx.prev_result


def _describe(outcome: Outcome) -> str:
    if outcome.name == "InternalError" and outcome.message == "out of memory":
        return "RangeError: the handler ran out of memory"
    return f"{outcome.name}: {outcome.message}" if outcome.message else outcome.name


def _load_error(
    location: CodeUnit, position: tuple[int, int] | None, message: str
) -> TemplateError:
    return TemplateError(*location.locate(position), message)


def _check(
    source: JsSource, runtime: JsRuntime, location: CodeUnit, handlers: Sequence[str]
) -> None:
    """Refuse the module as AppSync refuses it when it is saved: a `CodeRefusedError` with
    every problem (a syntax error alone, since nothing else can be known then)."""
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
            where = compiled.locate(engine_position(detail))
            message = lines[0]
            if _past_the_end(source, where):
                # The engine read on into the factory's closing text: an unclosed block.
                last = source.text.split("\n")
                where = (where[0], len(last), len(last[-1]) + 1)
                message = "SyntaxError: unexpected end of input"
            raise CodeRefusedError([CodeProblem("PARSER_ERROR", *where, -1, message)]) from error
    found = [(r.line, r.column, r.span, r.message) for r in subset.refusals(source)]
    found += [
        (*source.position(node), len(source.text_of(node)), message)
        for node, message in plan.problems
    ]
    problems = [
        CodeProblem("LINT_ERROR", *location.locate((line, column)), span, message)
        for line, column, span, message in sorted(found)
    ]
    # A missing handler is told once the module is otherwise sound (a default export, say,
    # already explains it).
    for handler in handlers if not problems else ():
        if handler not in plan.exports:
            message = f"the module does not export a {handler}(ctx) function"
            problems.append(CodeProblem("LINT_ERROR", location.file, 1, 1, -1, message))
    if problems:
        raise CodeRefusedError(problems)


def _past_the_end(source: JsSource, where: tuple[str, int, int]) -> bool:
    file, line, _ = where
    return file == source.file and line > source.text.count("\n") + 1


def _console_calls(source: JsSource) -> tuple[ConsoleCall, ...]:
    calls = []
    for node in walk(source.root):
        callee = node.child_by_field_name("function") if node.type == "call_expression" else None
        target = callee.child_by_field_name("object") if callee is not None else None
        if target is not None and source.text_of(target) == "console":
            end = node.end_point
            line_start = node.end_byte - end[1]
            end_column = len(source.data[line_start : node.end_byte].decode("utf-8", "replace"))
            calls.append((source.position(node), (end[0] + 1, end_column + 1)))
    return tuple(calls)


def load_js_code(path: Path, runtime: JsRuntime) -> JsResolverCode:
    """Read, check and compile one APPSYNC_JS file into `runtime`; `TemplateError` when AppSync
    would not accept it."""
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(file, 1, 1, f"cannot read the resolver file: {error}") from error
    return compile_js_code(file, text, runtime)


def compile_js_code(
    file: str, text: str, runtime: JsRuntime, handlers: Sequence[str] = HANDLERS
) -> JsResolverCode:
    """`load_js_code` for code in hand (EvaluateCode's `code`, a definition's inline code);
    `handlers` are the exports the code must have (EvaluateCode runs one of them)."""
    if len(text) > MAX_CODE_LENGTH:
        raise TemplateError(
            file,
            1,
            1,
            f"the code is {len(text)} characters long; AppSync takes at most {MAX_CODE_LENGTH}",
        )
    source_map = inline_source_map(text)
    source = parse(file, text)
    _check(source, runtime, CodeUnit(file, None, source_map), handlers)
    unit = runtime.next_unit()
    plan = plan_module(source, runtime.module_exports)
    compiled = factory_text(plan, unit)
    location = CodeUnit(file, compiled, source_map, _console_calls(source))
    try:
        runtime.define(compiled.text)
    except quickjs.JSException as error:
        detail = str(error)
        lines = detail.splitlines() or ["SyntaxError"]
        raise _load_error(location, engine_position(detail), lines[0]) from error
    return JsResolverCode(runtime, unit, location, plan.reads, plan.passthroughs)
