"""The QuickJS context behind APPSYNC_JS: the context as JSON, the frozen globals, the module
surface the prelude builds, one context shared by many resolvers without leaks between them."""

from __future__ import annotations

import pytest

from resolvers.context import ContextError
from resolvers.errors import CodeError
from resolvers.runtimes.js.engine import JsRuntime, engine_position
from tests.unit.resolvers.runtimes.js.conftest import LoadCode, context, request_of


def test_the_context_crosses_as_appsync_documents_it(js: LoadCode) -> None:
    error = ContextError("failed", "DynamoDB:ConditionalCheckFailedException")
    whole = request_of(js, "ctx", stash={"a": 1}, prev_result=[1], result={"r": 1}, error=error)
    assert whole == {
        "arguments": {"id": "post-1"},
        "args": {"id": "post-1"},
        "identity": None,
        "source": None,
        "stash": {"a": 1},
        "prev": {"result": [1]},
        "result": {"r": 1},
        "error": {"message": "failed", "type": "DynamoDB:ConditionalCheckFailedException"},
        "info": {
            "fieldName": "getPost",
            "parentTypeName": "Query",
            "variables": {"postId": "post-1"},
            "selectionSetList": ["id", "title"],
            "selectionSetGraphQL": "{\n  id\n  title\n}",
        },
        "request": {"headers": {"x-api-key": "da2-key"}, "domainName": None},
        "env": {},
    }


def test_the_modules_export_what_the_type_declarations_declare(runtime: JsRuntime) -> None:
    exports = runtime.module_exports
    assert exports["@aws-appsync/utils"] == {"util", "extensions", "runtime"}
    assert {
        "get",
        "put",
        "remove",
        "update",
        "query",
        "scan",
        "sync",
        "batchGet",
        "batchPut",
        "batchDelete",
        "transactGet",
        "transactWrite",
        "operations",
        "toStringSet",
        "toNumberSet",
        "toBinarySet",
    } == exports["@aws-appsync/utils/dynamodb"]
    assert exports["@aws-appsync/utils/rds"] == {
        "toJsonObject",
        "typeHint",
        "sql",
        "select",
        "insert",
        "update",
        "remove",
        "createPgStatement",
        "createMySQLStatement",
    }


def test_util_extensions_and_runtime_are_globals_too(js: LoadCode) -> None:
    """`declare global { var util; var extensions; var runtime; }` (lib/index.d.ts)."""
    assert (
        request_of(js, "[typeof util, typeof extensions, typeof runtime, typeof console]")
        == ["object"] * 4
    )


def test_the_host_and_the_runtime_internals_are_out_of_reach(js: LoadCode) -> None:
    assert request_of(js, "typeof __appsync_host") == "undefined"
    code = js(
        """
        export function request(ctx) {
          globalThis.leak = 1;
          return 1;
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    with pytest.raises(CodeError, match="TypeError"):
        code.request(context())
    assert request_of(js, "typeof leak") == "undefined"


def test_a_unit_cannot_be_replaced_by_another(js: LoadCode) -> None:
    first = js("export const request = (ctx) => 'first';\nexport function response(ctx) {}\n")
    js(
        "export function request(ctx) {\n"
        "  __appsync_define(0, false, () => ({ request: () => 'hijacked' }));\n"
        "  return 'second';\n}\nexport function response(ctx) {}\n"
    ).request(context())
    assert first.request(context()) == "first"


def test_engine_positions_read_both_stack_forms() -> None:
    assert engine_position("SyntaxError: x\n    at <input>:3:7\n") == (3, 7)
    assert engine_position("SyntaxError: x\n1,2,true,4,5,false") == (4, 5)
    assert engine_position("InternalError: out of memory") is None
