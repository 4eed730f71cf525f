"""An APPSYNC_JS module turned into the factory the engine compiles: imports bound from the
runtime's modules, exports collected, positions kept, a deadline check in every body.

The modules and their members are those of `@aws-appsync/utils` 2.1.1's type declarations
(`lib/index.d.ts`: util, extensions, runtime; `lib/dynamodb-helpers.d.ts`; `rds`); the import
errors are TypeScript's, as AppSync type-checks code when it is saved (localstack/appsync-utils
`dynamodb/index.js` quotes AppSync's `error TS2339` for a missing member).
"""

from __future__ import annotations

import pytest

from resolvers.runtimes.js.module import TICK, ModulePlan, factory_text, plan_module
from resolvers.runtimes.js.syntax import parse

MODULES = {
    "@aws-appsync/utils": frozenset({"util", "extensions", "runtime"}),
    "@aws-appsync/utils/dynamodb": frozenset({"get", "put", "operations"}),
}


def plan(text: str) -> ModulePlan:
    return plan_module(parse("code.js", text), MODULES)


def test_imports_become_bindings_on_the_first_line() -> None:
    module = plan(
        "import { util, runtime as rt } from '@aws-appsync/utils';\n"
        'import * as ddb from "@aws-appsync/utils/dynamodb";\n'
        "import '@aws-appsync/utils';\n"
        "export function request(ctx) { return ddb.get({ key: { id: util.autoId() } }); }\n"
        "export const response = (ctx) => rt;\n"
    )
    assert module.bindings == [
        'const { util, runtime: rt } = __appsync_modules["@aws-appsync/utils"];',
        'const ddb = __appsync_modules["@aws-appsync/utils/dynamodb"];',
    ]
    assert module.exports == {"request": "request", "response": "response"}
    assert module.problems == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "import { v4 } from 'uuid';",
            "error TS2307: Cannot find module 'uuid' or its corresponding type declarations.",
        ),
        (
            "import { toJson } from '@aws-appsync/utils';",
            "error TS2305: Module '\"@aws-appsync/utils\"' has no exported member 'toJson'.",
        ),
        (
            "import utils from '@aws-appsync/utils';",
            "error TS1192: Module '\"@aws-appsync/utils\"' has no default export.",
        ),
        (
            "export default function request(ctx) {}",
            "Default exports are not supported: export request and response by name.",
        ),
        ("export { request } from './other';", "Re-exports are not supported."),
    ],
)
def test_imports_and_exports_the_runtime_cannot_take(text: str, message: str) -> None:
    assert [m for _, m in plan(text).problems] == [message]


def test_export_lists_as_esbuild_writes_them() -> None:
    module = plan(
        "function handleRequest(ctx) { return 1; }\nfunction response(ctx) {}\n"
        "export {\n  handleRequest as request,\n  response\n};\n"
    )
    assert module.exports == {"request": "handleRequest", "response": "response"}


def test_blanking_keeps_every_other_position() -> None:
    text = (
        "import { util } from '@aws-appsync/utils';\n"
        "export function request(ctx) { return util; }\n"
        "export const response = (ctx) => ctx.result;\n"
    )
    compiled = factory_text(plan(text), 7)
    lines = compiled.text.split("\n")
    assert lines[0].startswith(
        "__appsync_define(7, true, function (__appsync_modules, __appsync_tick)"
    )
    assert lines[0][compiled.line_one_offset :].strip() == ""
    # `export` became six spaces: the function keeps its column.
    assert lines[1].index("function request") == text.split("\n")[1].index("function request")
    assert lines[2].startswith("       const response")
    assert lines[-2] == ';return { "request": request, "response": response };'


def test_every_loop_and_function_body_checks_the_deadline() -> None:
    text = (
        "const f = (x) => { return x; };\n"
        "export function request(ctx) {\n"
        "  for (const x of ctx.args.list) f(x);\n"
        "  return ctx.args.list.map((x) => x);\n"
        "}\n"
    )
    compiled = factory_text(plan(text), 0)
    lines = compiled.text.split("\n")
    assert lines[0].endswith("const f = (x) => {" + TICK + " return x; };")
    assert lines[1] == "       function request(ctx) {" + TICK
    assert lines[2] == "  for (const x of ctx.args.list) {" + TICK + "f(x);}"
    # A column after the inserted text is the file's column again.
    column_of_f = lines[2].index("f(x)") + 1
    assert compiled.original_column(3, column_of_f) == text.split("\n")[2].index("f(x)") + 1
    assert compiled.original_column(3, 3) == 3


@pytest.mark.parametrize(
    ("text", "stateless"),
    [
        ("import { util } from '@aws-appsync/utils';\nexport function request(ctx) {}", True),
        ("const LIMIT = 10, NAME = `x`;\nexport const response = (ctx) => ctx.result;", True),
        ("const cache = {};\nexport function request(ctx) {}", False),
        ("let count = 0;\nexport function request(ctx) {}", False),
        ("export const seen = [];", False),
    ],
)
def test_a_module_without_top_level_state_is_stateless(text: str, stateless: bool) -> None:
    assert plan(text).stateless is stateless


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        (
            "export function request(ctx) {\n"
            "  const { stash, identity: who } = ctx;\n"
            "  return [ctx?.args.id, ctx.prev.result, ctx.info.fieldName, ctx.nothing];\n}\n",
            ("arguments", "identity", "info", "prev", "stash"),
        ),
        (
            "export const request = ({ source, arguments: a }) => [source, a];\n",
            ("arguments", "source"),
        ),
        ("function request(c) { return c.result; }\nexport { request };\n", ("result",)),
        # Handed to a helper, ctx is not followed: the engine fetches what the helper reads.
        ("const read = (c) => c.stash;\nexport const request = (ctx) => read(ctx);\n", ()),
    ],
)
def test_the_fields_a_handler_reads_are_seen(text: str, reads: tuple[str, ...]) -> None:
    assert plan(text).reads["request"] == reads


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("export function response(ctx) {\n  // as it stands\n  return ctx.result;\n}\n", "result"),
        ("export const response = (ctx) => ctx.prev.result;\n", "prev.result"),
        ("export const response = c => (c.result);\n", "result"),
        ("export function response(ctx) { console.log(1); return ctx.result; }\n", None),
        ("export function response(ctx) { return ctx.result.items; }\n", None),
        ("export const response = ({ result }) => result;\n", None),
        # A module with state at its top level runs its top level for each request.
        ("const seen = [];\nexport const response = (ctx) => ctx.result;\n", None),
    ],
)
def test_a_handler_returning_the_result_as_it_stands_is_a_passthrough(
    text: str, kind: str | None
) -> None:
    passthrough = plan(text).passthroughs.get("response")
    assert (passthrough.value if passthrough is not None else None) == kind
