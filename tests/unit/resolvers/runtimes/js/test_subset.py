"""The APPSYNC_JS subset: each documented rule, refused and accepted.

Refusals and their words: "Supported runtime features" (AppSync developer guide,
supported-features.html) and the rules of AWS's `@aws-appsync/eslint-plugin` 2.0.2 (npm,
`lib/rules/*.js`), whose messages AppSync's users see for the same constructs. What the page
lists as supported must load.
"""

from __future__ import annotations

import pytest

from resolvers.runtimes.js.subset import Refusal, refusals
from resolvers.runtimes.js.syntax import parse

REFUSED = [
    ("try { a(); } catch (e) { b(); }", "Try statements are not supported."),
    ("try { a(); } finally { b(); }", "Try statements are not supported."),
    ("throw new Error('x');", "Throw statements are not supported. Use util.error() instead."),
    ("while (x) { x = f(); }", "While statements are not supported."),
    ("do { x = f(); } while (x);", "do...while statements are not supported."),
    ("for (let i = 0; i < 3; i += 1) { f(i); }", "For statements are not supported."),
    ("for (const x of xs) { if (x) { continue; } }", "Continue statements are not supported"),
    ("outer: for (const x of xs) { break outer; }", "Labeled statements are not supported."),
    ("x++;", "The operator ++ is not supported"),
    ("--x;", "The operator -- is not supported"),
    ("y = ~x;", "The operator ~ is not supported"),
    ("if ('id' in ctx.args) { f(); }", "in operator is not supported. Use Object.hasOwn()."),
    ("if (x instanceof Array) { f(); }", "The operator instanceof is not supported"),
    ("const f = async () => 1;", "Async functions are not supported."),
    ("const f = async function () { return 1; };", "Async functions are not supported."),
    ("const o = { async m() { return 1; } };", "Async functions are not supported."),
    ("class A {}", "Class declarations are not supported."),
    ("const A = class {};", "Class declarations are not supported."),
    ("const g = function* () {};", "Generator functions are not supported."),
    ("const o = { *m() {} };", "Generator functions are not supported."),
    ("const v = this;", "This expressions are not supported."),
    ("const r = /a+/g;", "Regex literals are not supported."),
    ("const p = new Promise(f);", "Promise is not supported"),
]

ACCEPTED = [
    "for (const x of xs) { f(x); }",
    "for (const k in obj) { f(k); }",
    "for (const x of xs) { if (x) { break; } }",
    "const f = (a, ...rest) => [a, ...rest];",
    "const o = { ...a, b: a?.b ?? 1 };",
    "const t = `id-${ctx.args.id}`;",
    "const { id, ...others } = ctx.args;",
    "switch (x) { case 1: f(); break; default: g(); }",
    "var a = 1; let b = 2; const c = a + b;",
    "const t = typeof x; const v = void 0;",
    "const bits = (a & b) | (a ^ b) | (a << 1) | (a >> 1) | (a >>> 1);",
    "const p = 2 ** 8;",
    "delete obj.key;",
    "const has = Object.hasOwn(ctx.args, 'id');",
    "const keys = Object.keys(o).map((k) => o[k]).filter((v) => v).reduce((a, v) => a + v, 0);",
    "if (a) { f(); } else if (b) { g(); } else { h(); }",
    "const c = a ? b : c2;",
    "function helper(x) { return x * 2; }",
]


def refused(body: str) -> list[Refusal]:
    source = f"export function request(ctx) {{\n  {body}\n}}\nexport function response(ctx) {{}}\n"
    return refusals(parse("code.js", source))


@pytest.mark.conformance
@pytest.mark.parametrize(("body", "message"), REFUSED)
def test_refused_constructs(body: str, message: str) -> None:
    found = refused(body)
    assert [r.message for r in found] == [message]
    assert found[0].line == 2


@pytest.mark.conformance
@pytest.mark.parametrize("body", ACCEPTED)
def test_accepted_constructs(body: str) -> None:
    assert refused(body) == []


def test_top_level_await_is_refused() -> None:
    found = refusals(parse("code.js", "const x = await f();\n"))
    assert [(r.line, r.column, r.message) for r in found] == [
        (1, 11, "The `await` keyword is not supported")
    ]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("ctx = {};", "ctx is readonly and re-assignment is not supported."),
        ("ctx.stash = {};", "ctx is readonly. Adding/Updating stash is not supported."),
        ("ctx['result'] = 1;", "ctx is readonly. Adding/Updating result is not supported."),
        ("delete ctx.args;", "ctx is readonly. Adding/Updating args is not supported."),
        ("ctx[key] = 1;", "ctx is readonly adding/modifying properties is not supported."),
    ],
)
def test_the_context_is_read_only_in_the_handlers(statement: str, message: str) -> None:
    """no-disallowed-re-assignment: `ctx` and its own properties, in request and response."""
    assert [r.message for r in refused(statement)] == [message]


def test_the_context_own_objects_stay_writable() -> None:
    assert refused("ctx.stash.key = 1; ctx.stash['other'] = 2; delete ctx.stash.key;") == []


def test_a_helper_may_write_its_own_parameter() -> None:
    source = "function helper(ctx) { ctx = 1; return ctx; }\n"
    assert refusals(parse("code.js", source)) == []


def test_recursion_is_refused_with_the_cycle() -> None:
    source = (
        "function a(n) { return b(n); }\n"
        "const b = (n) => a(n);\n"
        "function self(n) { return self(n); }\n"
    )
    messages = [(r.line, r.message) for r in refusals(parse("code.js", source))]
    # Each call that closes a cycle is reported, as the plugin reports each call it finds one at.
    assert messages == [
        (1, "Recursive function calls not supported. Detected cycle in b <-a <-b"),
        (2, "Recursive function calls not supported. Detected cycle in a <-b <-a"),
        (3, "Recursive function calls not supported. Detected cycle in self <-self"),
    ]


def test_refusals_come_in_source_order_with_positions() -> None:
    source = "const r = /x/;\nexport function request(ctx) {\n  while (1) {}\n  x++;\n}\n"
    found = refusals(parse("code.js", source))
    assert [(r.line, r.column) for r in found] == [(1, 11), (3, 3), (4, 3)]
