"""Code for `test_code.py`: APPSYNC_JS that AppSync refuses when it is saved, JavaScript runtime
errors with the `Code` error text AppSync reports for them ("code.js:LINE:COLUMN: ..."), and the
handlers the pipeline and off-the-loop tests run."""

from __future__ import annotations

# (source, the refusal as `TemplateError.message` words it)
REFUSED_AT_LOAD: list[tuple[str, str]] = [
    (
        "export function request(ctx) {\n  return { a: ; }\n}\nexport function response(ctx) {}\n",
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
        "export function request(ctx) {\n  while (true) {}\n}\nexport function response(ctx) {}\n",
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
]

# (the request handler's body, the error AppSync reports)
RUNTIME_ERRORS: list[tuple[str, str]] = [
    (
        "return ctx.args.missing.deeper;",
        "code.js:2:10: TypeError: cannot read property 'deeper' of undefined",
    ),
    ("return notDefined + 1;", "code.js:2:10: ReferenceError: notDefined is not defined"),
    (
        "return [1].map((x) => x.y.z);",
        "code.js:2:25: TypeError: cannot read property 'z' of undefined",
    ),
]

# A pipeline function named by `.format(name=...)`: it records its turn in the stash.
FUNCTION = """
export function request(ctx) {{
  ctx.stash.order = [...(ctx.stash.order ?? []), '{name}'];
  return {{ payload: {{ from: '{name}', prev: ctx.prev.result }} }};
}}
export function response(ctx) {{ return ctx.result; }}
"""

# A handler that never ends, after an appendError; one that outlasts a slice of the event loop.
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
