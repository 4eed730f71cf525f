"""APPSYNC_JS resolver code through the `ResolverCode` protocol, as unit and pipeline resolvers
call it.

Shapes from the AppSync developer guide: the JavaScript resolver context object reference
(resolver-context-reference-js), runtime utilities (runtime-utils-js: `runtime.earlyReturn`,
`skipTo`), built-in utilities (built-in-util-js: `util.error`, `util.appendError`,
`util.unauthorized`), the `Code` field error AppSync reports for a JavaScript runtime error,
`"code.js:162:13: ReferenceError: ..."` (aws-appsync-community#328), the 32768-character limit on
`code` (API reference, Resolver), and bundling with inline source maps (resolver-reference-
overview-js, "Bundling, TypeScript, and source maps").
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from resolvers.context import ContextError, SkipTo
from resolvers.datasources.none import NoneDataSource
from resolvers.errors import (
    CodeError,
    CodeRefusedError,
    HandlerOffloaded,
    ResolverError,
    TemplateError,
    UnauthorizedFieldError,
    UtilError,
)
from resolvers.pipeline import PipelineFunction, PipelineResolver
from resolvers.runtimes.js.code import MAX_CODE_LENGTH, compile_js_code, load_js_code
from resolvers.runtimes.js.engine import JsRuntime
from resolvers.runtimes.python import load_python_code
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.unit import UnitResolver
from tests.unit.resolvers.fixed_clock import CLOCK
from tests.unit.resolvers.runtimes.js.conftest import LoadCode, context

BUNDLE = Path(__file__).parent / "bundles" / "getPost.js"

pytestmark = pytest.mark.anyio


def test_ctx_carries_every_field_appsync_fills(js: LoadCode) -> None:
    code = js(
        """
        export function request(ctx) {
          return {
            args: ctx.args, same: ctx.args === ctx.arguments, identity: ctx.identity,
            source: ctx.source, stash: ctx.stash, prev: ctx.prev.result,
            fieldName: ctx.info.fieldName, parentTypeName: ctx.info.parentTypeName,
            variables: ctx.info.variables, selectionSetList: ctx.info.selectionSetList,
            selectionSetGraphQL: ctx.info.selectionSetGraphQL, headers: ctx.request.headers,
            domainName: ctx.request.domainName, env: ctx.env,
          };
        }
        export function response(ctx) {
          return { result: ctx.result, error: ctx.error };
        }
        """
    )
    ctx = context(identity={"sub": "u1"}, source={"authorId": "a9"}, prev_result={"p": 1})
    assert code.request(ctx) == {
        "args": {"id": "post-1"},
        "same": True,
        "identity": {"sub": "u1"},
        "source": {"authorId": "a9"},
        "stash": {},
        "prev": {"p": 1},
        "fieldName": "getPost",
        "parentTypeName": "Query",
        "variables": {"postId": "post-1"},
        "selectionSetList": ["id", "title"],
        "selectionSetGraphQL": "{\n  id\n  title\n}",
        "headers": {"x-api-key": "da2-key"},
        "domainName": None,
        "env": {},
    }
    ctx.result = {"id": "post-1"}
    ctx.error = ContextError("The conditional request failed", "DynamoDB:ConditionalCheckFailed")
    assert code.response(ctx) == {
        "result": {"id": "post-1"},
        "error": {
            "message": "The conditional request failed",
            "type": "DynamoDB:ConditionalCheckFailed",
        },
    }


def test_a_handler_returning_nothing_gives_null(js: LoadCode) -> None:
    code = js("export function request(ctx) {}\nexport function response(ctx) {}\n")
    assert code.request(context()) is None


def test_stash_changes_reach_ctx_in_place(js: LoadCode) -> None:
    ctx = context(stash={"keep": 1, "drop": 2})
    stash = ctx.stash
    code = js(
        """
        export function request(ctx) {
          ctx.stash.added = [ctx.stash.keep];
          delete ctx.stash.drop;
          return null;
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    code.request(ctx)
    assert ctx.stash is stash
    assert stash == {"keep": 1, "added": [1]}


@pytest.mark.parametrize(
    ("options", "skip_to"),
    [("", None), (", { skipTo: 'END' }", SkipTo.END), (", { skipTo: 'NEXT' }", SkipTo.NEXT)],
)
def test_early_return_sets_the_flags(js: LoadCode, options: str, skip_to: SkipTo | None) -> None:
    code = js(
        f"""
        import {{ runtime }} from '@aws-appsync/utils';
        export function request(ctx) {{
          runtime.earlyReturn({{ cached: true }}{options});
          return 'not reached';
        }}
        export function response(ctx) {{ return ctx.result; }}
        """
    )
    ctx = context()
    assert code.request(ctx) == {"cached": True}
    assert ctx.early_return is True
    assert ctx.early_return_skip_to is skip_to


def test_early_return_with_an_unknown_skip_to_is_a_code_error(js: LoadCode) -> None:
    code = js(
        """
        export function request(ctx) { runtime.earlyReturn(1, { skipTo: 'LATER' }); }
        export function response(ctx) { return ctx.result; }
        """
    )
    with pytest.raises(CodeError, match="skipTo must be 'END' or 'NEXT'"):
        code.request(context())


def test_util_error_is_the_field_error_with_its_type_data_and_info(js: LoadCode) -> None:
    code = js(
        """
        export function request(ctx) {
          util.error('Not found', 'NotFound', { id: ctx.args.id }, { retry: false });
        }
        export function response(ctx) { util.error('plain'); }
        """
    )
    with pytest.raises(UtilError) as raised:
        code.request(context())
    assert (raised.value.message, raised.value.error_type) == ("Not found", "NotFound")
    assert (raised.value.data, raised.value.error_info) == ({"id": "post-1"}, {"retry": False})
    with pytest.raises(UtilError) as plain:
        code.response(context())
    # The errorType a message-only util.error gets, as VTL and PYTHON give it.
    assert (plain.value.message, plain.value.error_type) == ("plain", "CustomTemplateException")


def test_util_unauthorized_is_the_unauthorized_field_error(js: LoadCode) -> None:
    code = js(
        """
        export function request(ctx) { util.unauthorized(); }
        export function response(ctx) { return ctx.result; }
        """
    )
    with pytest.raises(UnauthorizedFieldError) as raised:
        code.request(context())
    assert raised.value.message == "Not Authorized to access getPost on type Query"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "return ctx.args.missing.deeper;",
            "code.js:2:10: TypeError: cannot read property 'deeper' of undefined",
        ),
        ("return notDefined + 1;", "code.js:2:10: ReferenceError: notDefined is not defined"),
        (
            "return [1].map((x) => x.y.z);",
            "code.js:2:25: TypeError: cannot read property 'z' of undefined",
        ),
    ],
)
def test_a_javascript_error_is_appsyncs_code_error(js: LoadCode, body: str, message: str) -> None:
    code = js(
        f"export function request(ctx) {{\n  {body}\n}}\nexport const response = (ctx) => "
        "ctx.result;\n"
    )
    with pytest.raises(CodeError) as raised:
        code.request(context())
    assert raised.value.error_type == "Code"
    assert raised.value.message == message


def test_module_state_does_not_outlive_a_request(js: LoadCode) -> None:
    code = js(
        """
        const seen = [];
        let count = 0;
        export function request(ctx) {
          seen.push(ctx.args.id);
          count += 1;
          return { seen, count };
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    assert code.request(context()) == {"seen": ["post-1"], "count": 1}
    assert code.request(context()) == {"seen": ["post-1"], "count": 1}


def test_built_ins_and_globals_cannot_be_changed(js: LoadCode) -> None:
    tamper = js(
        """
        export function request(ctx) {
          Array.prototype.sneaky = 1;
          return 'changed';
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    with pytest.raises(CodeError, match="TypeError"):
        tamper.request(context())
    clean = js(
        "export function request(ctx) { return [].sneaky ?? 'clean'; }\nexport function "
        "response(ctx) {}\n"
    )
    assert clean.request(context()) == "clean"


def test_a_runaway_loop_stops_at_the_time_limit_and_the_runtime_carries_on() -> None:
    runtime = JsRuntime(clock=CLOCK, time_limit=0.2)
    from resolvers.runtimes.js.code import compile_js_code

    spin = compile_js_code(
        "spin.js",
        "const forever = { [Symbol.iterator]: () => ({ next: () => ({ done: false }) }) };\n"
        "export function request(ctx) {\n  for (const x of forever) {}\n}\n"
        "export function response(ctx) {}\n",
        runtime,
    )
    with pytest.raises(ResolverError) as raised:
        spin.request(context())
    # AppSync's answer past its limit: "Execution timed out." / ExecutionTimeout.
    assert (raised.value.message, raised.value.error_type) == (
        "Execution timed out.",
        "ExecutionTimeout",
    )
    quick = compile_js_code(
        "quick.js",
        "export const request = (ctx) => 1;\nexport function response(ctx) {}\n",
        runtime,
    )
    assert quick.request(context()) == 1


def test_a_huge_allocation_is_stopped_and_the_runtime_carries_on() -> None:
    from resolvers.runtimes.js.code import compile_js_code

    runtime = JsRuntime(clock=CLOCK, memory_limit=16 * 1024 * 1024)
    huge = compile_js_code(
        "huge.js",
        "export function request(ctx) {\n  return 'x'.repeat(64 * 1024 * 1024).length;\n}\n"
        "export function response(ctx) {}\n",
        runtime,
    )
    with pytest.raises(CodeError) as raised:
        huge.request(context())
    assert raised.value.message == "huge.js:2:33: RangeError: the handler ran out of memory"
    # Objects until none fits, not even the error: the engine throws null.
    many = compile_js_code(
        "many.js",
        "export function request(ctx) {\n  const kept = [];\n"
        "  for (const i of Array(100000000).keys()) { kept.push({ i }); }\n}\n"
        "export function response(ctx) {}\n",
        runtime,
    )
    with pytest.raises(CodeError, match="RangeError: the handler ran out of memory"):
        many.request(context())
    assert compile_js_code(
        "ok.js",
        "export const request = (ctx) => ctx.args;\nexport function response(ctx) {}\n",
        runtime,
    ).request(context()) == {"id": "post-1"}


def test_console_output_is_logged_as_appsync_writes_it(
    js: LoadCode, caplog: pytest.LogCaptureFixture
) -> None:
    """AppSync's own example (test-resolvers): `INFO - code.js:5:3: "current id" "record-id"`,
    each argument as JSON where the console call starts."""
    code = js(
        """
        export function request(ctx) {
          const id = ctx.args.id;
          console.log('current id', id);
          console.error('careful', { id: ctx.args.id }, undefined);
          return null;
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    with caplog.at_level(logging.INFO, logger="resolvers.runtimes.js.code"):
        outcome = code.run("request", context())
        code.request(context())
    assert code.log_lines(outcome) == [
        'INFO - code.js:3:3: "current id" "post-1"',
        'ERROR - code.js:4:3: "careful" {"id":"post-1"} undefined',
    ]
    assert 'INFO - code.js:3:3: "current id" "post-1"' in caplog.messages


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "export function request(ctx) {\n  return { a: ; }\n}\nexport function response(ctx) "
            "{}\n",
            "code.js:2:15: SyntaxError: unexpected token in expression: ';'",
        ),
        (
            "export function request(ctx) { return 1; }\n",
            "code.js:1:1: the module does not export a response(ctx) function",
        ),
        (
            "import _ from 'lodash';\nexport function request(ctx) {}\nexport function "
            "response(ctx) {}\n",
            "code.js:1:1: error TS2307: Cannot find module 'lodash' or its corresponding type "
            "declarations.",
        ),
        (
            "export function request(ctx) {\n  while (true) {}\n}\nexport function response(ctx) "
            "{}\n",
            "code.js:2:3: While statements are not supported.",
        ),
        (
            "export function request(ctx) {\n  let i = 0; i++; i--;\n}\nexport function "
            "response(ctx) {}\n",
            "code.js:2:14: The operator ++ is not supported (and 1 more)",
        ),
        (
            "export default function request(ctx) {}\n",
            "code.js:1:1: Default exports are not supported: export request and response by name.",
        ),
    ],
)
def test_code_appsync_would_refuse_is_refused_at_load(
    js: LoadCode, source: str, message: str
) -> None:
    with pytest.raises(TemplateError) as raised:
        js(source)
    assert raised.value.message == message


def test_code_longer_than_appsyncs_limit_is_refused(js: LoadCode) -> None:
    padding = "//" + "x" * MAX_CODE_LENGTH + "\n"
    with pytest.raises(TemplateError, match="at most 32768"):
        js(padding + "export function request(ctx) {}\nexport function response(ctx) {}\n")


def test_a_missing_file_is_a_load_error(tmp_path: Path, runtime: JsRuntime) -> None:
    with pytest.raises(TemplateError, match="cannot read the resolver file"):
        load_js_code(tmp_path / "absent.js", runtime)


def test_a_bundle_reports_positions_in_its_original_file(runtime: JsRuntime) -> None:
    """tests/.../bundles/getPost.js is esbuild 0.25.12's output for a TypeScript resolver
    (`esbuild src/resolvers/getPost.ts --bundle --format=esm --platform=node --target=esnext
    --sourcemap=inline --sources-content=false --external:@aws-appsync/utils`), as AWS's
    bundling guide and CDK's NodejsFunction-style builds produce it."""
    code = load_js_code(BUNDLE, runtime)
    assert code.request(context()) == {"operation": "GetItem", "key": {"id": {"S": "post#post-1"}}}
    with pytest.raises(CodeError) as raised:
        code.response(context(result={"id": "post#post-1"}))
    # `return ctx.result.missing.title;` is line 15 of src/resolvers/getPost.ts.
    assert raised.value.message.startswith("../src/resolvers/getPost.ts:15:")
    assert raised.value.message.endswith("TypeError: cannot read property 'title' of undefined")
    with pytest.raises(UtilError, match="boom"):
        code.response(context(error=ContextError("boom", "Failed")))


def test_a_refusal_in_a_bundle_names_the_original_line(tmp_path: Path, runtime: JsRuntime) -> None:
    bundled = BUNDLE.read_text(encoding="utf-8").replace(
        "  return { id: `post#${id}` };", "  try {} finally {}\n  return { id: `post#${id}` };"
    )
    path = tmp_path / "bundle.js"
    path.write_text(bundled, encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        load_js_code(path, runtime)
    # The try sits on the bundle's line 7, which the map gives as src/lib/keys.ts line 2.
    assert raised.value.message == "../src/lib/keys.ts:2:3: Try statements are not supported."


async def test_a_unit_resolver_on_none_runs_both_handlers(js: LoadCode) -> None:
    code = js(
        """
        export function request(ctx) { return { payload: { id: ctx.args.id, title: 'Hello' } }; }
        export function response(ctx) { return { ...ctx.result, seen: true }; }
        """
    )
    resolver = UnitResolver(code, NoneDataSource("none"))
    assert await resolver.resolve(context()) == {"id": "post-1", "title": "Hello", "seen": True}


FUNCTION = """
export function request(ctx) {{
  ctx.stash.order = [...(ctx.stash.order ?? []), '{name}'];
  return {{ payload: {{ from: '{name}', prev: ctx.prev.result }} }};
}}
export function response(ctx) {{ return ctx.result; }}
"""


async def test_a_pipeline_of_javascript_python_and_vtl_functions(
    js: LoadCode, tmp_path: Path
) -> None:
    """One stash through the pipeline, each function's value as the next one's
    `ctx.prev.result`; a PYTHON and a VTL function between JavaScript ones."""
    python = tmp_path / "middle.py"
    python.write_text(
        "def request(ctx):\n"
        "    ctx.stash['order'] = ctx.stash['order'] + ['python']\n"
        "    return {'payload': {'from': 'python', 'prev': ctx.prev.result}}\n"
        "def response(ctx):\n"
        "    return ctx.result\n",
        encoding="utf-8",
    )
    vtl_request = tmp_path / "vtl.req"
    vtl_request.write_text(
        '$util.qr($ctx.stash.order.add("vtl"))\n{"version": "2018-05-29", "payload": '
        '{"from": "vtl", "prev": $util.toJson($ctx.prev.result)}}',
        encoding="utf-8",
    )
    vtl_response = tmp_path / "vtl.res"
    vtl_response.write_text("$util.toJson($ctx.result)", encoding="utf-8")
    none = NoneDataSource("none")
    resolver = PipelineResolver(
        js(
            """
            export function request(ctx) { ctx.stash.order = ['before']; return { start: true }; }
            export function response(ctx) {
              return { last: ctx.prev.result, order: ctx.stash.order };
            }
            """
        ),
        [
            PipelineFunction("first", js(FUNCTION.format(name="first")), none),
            PipelineFunction("middle", load_python_code(python), none),
            PipelineFunction("vtl", load_vtl_code(vtl_request, vtl_response), none),
            PipelineFunction("last", js(FUNCTION.format(name="last")), none),
        ],
    )
    value = await resolver.resolve(context())
    assert value["order"] == ["before", "first", "python", "vtl", "last"]
    assert value["last"]["from"] == "last"
    assert value["last"]["prev"]["from"] == "vtl"
    assert value["last"]["prev"]["prev"]["prev"] == {"from": "first", "prev": {"start": True}}


async def test_early_return_in_a_pipeline_function_skips_to_the_next(js: LoadCode) -> None:
    none = NoneDataSource("none")
    resolver = PipelineResolver(
        js(
            "export function request(ctx) { return {}; }\nexport function response(ctx) { return "
            "ctx.prev.result; }\n"
        ),
        [
            PipelineFunction(
                "cached",
                js(
                    "export function request(ctx) { runtime.earlyReturn('cached'); }\nexport "
                    "function response(ctx) { return 'not run'; }\n"
                ),
                none,
            ),
            PipelineFunction("after", js(FUNCTION.format(name="after")), none),
        ],
    )
    assert await resolver.resolve(context()) == {"from": "after", "prev": "cached"}


def test_fields_read_through_a_helper_are_fetched_as_the_handler_reads_them(js: LoadCode) -> None:
    """The fields a handler is seen to read come with the call; the others are fetched when
    read: both give the same values, and a stash changed through a helper goes back."""
    code = js(
        """
        const note = (c) => { c.stash.seen = c.args.id; return c.info.fieldName; };
        export function request(ctx) {
          return { field: note(ctx), seen: ctx.stash.seen, args: ctx.args };
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    ctx = context(stash={"kept": True})
    assert code.request(ctx) == {"field": "getPost", "seen": "post-1", "args": {"id": "post-1"}}
    assert ctx.stash == {"kept": True, "seen": "post-1"}


def test_a_response_returning_the_result_as_it_stands_gives_that_result(js: LoadCode) -> None:
    code = js(
        "export const request = (ctx) => ({});\n"
        "export function response(ctx) {\n  return ctx.result;\n}\n"
    )
    ctx = context(result={"id": "post-1", "tags": ["a"]})
    assert code.response(ctx) == {"id": "post-1", "tags": ["a"]}


SPIN = (
    "import { util } from '@aws-appsync/utils';\n"
    "const forever = { [Symbol.iterator]: () => ({ next: () => ({ done: false }) }) };\n"
    "export function request(ctx) {\n"
    "  util.appendError('noted before the loop');\n"
    "  for (const x of forever) {}\n}\n"
    "export function response(ctx) {}\n"
)
LONG = (
    "export function request(ctx) {\n"
    "  let sum = 0;\n"
    "  for (const i of Array(300000).keys()) { sum = sum + i; }\n"
    "  ctx.stash.sum = sum;\n"
    "  return sum;\n}\n"
    "export function response(ctx) {}\n"
)


async def test_a_handler_past_its_slice_of_the_loop_is_run_again_off_the_loop() -> None:
    """In the server a handler gets a slice of the event loop; one still running then is
    stopped, what it did to the field undone, and run again from the start on the runtime's own
    thread, where it ends with its value, or at the time limit with AppSync's timeout."""
    runtime = JsRuntime(clock=CLOCK, time_limit=0.3, off_loop=True, loop_slice=0.001)
    try:
        long = compile_js_code("long.js", LONG, runtime)
        ctx = context()
        with pytest.raises(HandlerOffloaded) as offloaded:
            long.request(ctx)
        assert ctx.stash == {}
        assert await offloaded.value.rerun() == sum(range(300000))
        assert ctx.stash == {"sum": sum(range(300000))}
        spin = compile_js_code("spin.js", SPIN, runtime)
        ctx = context()
        with pytest.raises(HandlerOffloaded) as offloaded:
            spin.request(ctx)
        assert ctx.appended_errors == []
        with pytest.raises(ResolverError) as raised:
            await offloaded.value.rerun()
        assert (raised.value.message, raised.value.error_type) == (
            "Execution timed out.",
            "ExecutionTimeout",
        )
        assert [error["message"] for error in ctx.appended_errors] == ["noted before the loop"]
    finally:
        runtime.close()


async def test_other_fields_are_resolved_while_a_handler_runs_off_the_loop() -> None:
    runtime = JsRuntime(clock=CLOCK, time_limit=0.5, off_loop=True)
    none = NoneDataSource("none")
    spin = UnitResolver(compile_js_code("spin.js", SPIN, runtime), none)
    quick = UnitResolver(
        compile_js_code(
            "quick.js",
            "export const request = (ctx) => ({ payload: ctx.args.id });\n"
            "export const response = (ctx) => ctx.result;\n",
            runtime,
        ),
        none,
    )
    ended: list[str] = []

    async def run_away() -> None:
        with pytest.raises(ResolverError, match=r"Execution timed out\."):
            await spin.resolve(context())
        ended.append("runaway")

    async def answer_others() -> None:
        for _ in range(20):
            assert await quick.resolve(context()) == "post-1"
            await asyncio.sleep(0)
        ended.append("others")

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(run_away())
            group.create_task(answer_others())
    finally:
        runtime.close()
    # On the loop itself, the runaway would have held every other field until its limit.
    assert ended == ["others", "runaway"]


def test_every_refusal_is_kept_with_its_kind_position_and_span(js: LoadCode) -> None:
    """EvaluateCode lists every problem as a CodeError (errorType, value, location {line,
    column, span}); loading reports the first and how many others there are."""
    with pytest.raises(CodeRefusedError) as refused:
        js(
            "export function request(ctx) {\n"
            "  let n = 0;\n"
            "  n++;\n"
            "  while (n) {}\n"
            "  return n;\n}\n"
            "export const response = (ctx) => ctx.result;\n"
        )
    assert refused.value.detail == "The operator ++ is not supported (and 1 more)"
    assert [(p.kind, p.line, p.column, p.span, p.message) for p in refused.value.problems] == [
        ("LINT_ERROR", 3, 3, 3, "The operator ++ is not supported"),
        ("LINT_ERROR", 4, 3, 12, "While statements are not supported."),
    ]
    with pytest.raises(CodeRefusedError) as refused:
        js("export function request(ctx) {\n  return { a: ; }\n}\n")
    assert [(p.kind, p.line, p.column) for p in refused.value.problems] == [("PARSER_ERROR", 2, 15)]
