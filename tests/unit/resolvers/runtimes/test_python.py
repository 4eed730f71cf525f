"""The PYTHON runtime: APPSYNC_JS's `ctx`, `util`, `runtime` and `extensions`, written in Python.

Expected shapes come from the AppSync developer guide: the JavaScript resolver context object
reference (resolver-context-reference-js), runtime utilities (runtime-utils-js, earlyReturn),
built-in util (built-in-util-js, error / appendError), extensions (extensions-js), and the
`Code` field error APPSYNC_JS reports for a runtime error (aws-appsync-community#328).
"""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from resolvers.context import ContextError, RequestInfo, ResolverContext, ResolverInfo, SkipTo
from resolvers.errors import CodeError, TemplateError, UnauthorizedFieldError, UtilError
from resolvers.runtimes.python import PythonResolverCode, load_python_code
from tests.unit.resolvers.fixed_clock import FixedClock


def make_context(**overrides: Any) -> ResolverContext:
    values: dict[str, Any] = {
        "arguments": {"id": "post-1"},
        "source": {"authorId": "author-9"},
        "identity": {"sub": "user-1", "username": "ana"},
        "info": ResolverInfo(
            field_name="getPost",
            parent_type_name="Query",
            variables={"postId": "post-1"},
            selection_set_list=["id", "title"],
            selection_set_graphql="{\n  id\n  title\n}",
        ),
        "request": RequestInfo(headers={"x-api-key": "da2-key"}, domain_name=None),
    }
    values.update(overrides)
    return ResolverContext(**values)


def write(tmp_path: Path, source: str, name: str = "resolver.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def load(tmp_path: Path, source: str) -> PythonResolverCode:
    """Load the Python resolver code `source`, written to a file under `tmp_path`."""
    return load_python_code(write(tmp_path, source))


def test_ctx_mirrors_the_appsync_js_context_fields(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                return {
                    "args": ctx.args,
                    "arguments": ctx.arguments,
                    "source": ctx.source,
                    "identity": ctx.identity,
                    "prev": ctx.prev.result,
                    "fieldName": ctx.info.fieldName,
                    "parentTypeName": ctx.info.parentTypeName,
                    "variables": ctx.info.variables,
                    "selectionSetList": ctx.info.selectionSetList,
                    "selectionSetGraphQL": ctx.info.selectionSetGraphQL,
                    "headers": ctx.request.headers,
                    "domainName": ctx.request.domainName,
                }

            def response(ctx):
                return ctx.result
            """,
    )
    ctx = make_context(prev_result={"from": "before"})
    assert code.request(ctx) == {
        "args": {"id": "post-1"},
        "arguments": {"id": "post-1"},
        "source": {"authorId": "author-9"},
        "identity": {"sub": "user-1", "username": "ana"},
        "prev": {"from": "before"},
        "fieldName": "getPost",
        "parentTypeName": "Query",
        "variables": {"postId": "post-1"},
        "selectionSetList": ["id", "title"],
        "selectionSetGraphQL": "{\n  id\n  title\n}",
        "headers": {"x-api-key": "da2-key"},
        "domainName": None,
    }
    assert ctx.early_return is False


def test_response_sees_result_and_error(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                return {}

            def response(ctx):
                return {"result": ctx.result, "message": ctx.error.message, "type": ctx.error.type}
            """,
    )
    ctx = make_context(result={"partial": True}, error=ContextError("boom", "Lambda:Unhandled"))
    assert code.response(ctx) == {
        "result": {"partial": True},
        "message": "boom",
        "type": "Lambda:Unhandled",
    }


def test_stash_is_the_same_dict_across_handlers(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                ctx.stash["seen"] = ctx.args["id"]
                return {}

            def response(ctx):
                return ctx.stash["seen"]
            """,
    )
    ctx = make_context()
    code.request(ctx)
    assert ctx.stash == {"seen": "post-1"}
    assert code.response(ctx) == "post-1"


def test_util_error_raises_with_type_data_and_error_info(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                util.error("Post not found", "NotFound", {"id": ctx.args["id"]}, {"hint": 1})

            def response(ctx):
                return None
            """,
    )
    with pytest.raises(UtilError) as raised:
        code.request(make_context())
    assert raised.value.message == "Post not found"
    assert raised.value.error_type == "NotFound"
    assert raised.value.data == {"id": "post-1"}
    assert raised.value.error_info == {"hint": 1}


def test_append_error_keeps_going_and_records_the_error(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                return {}

            def response(ctx):
                util.appendError("partial failure", "Partial", None, {"count": 2})
                return "value"
            """,
    )
    ctx = make_context()
    assert code.response(ctx) == "value"
    assert ctx.appended_errors == [
        {
            "message": "partial failure",
            "errorType": "Partial",
            "data": None,
            "errorInfo": {"count": 2},
        }
    ]


def test_early_return_sets_the_flag_and_returns_the_object(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                runtime.earlyReturn({"hello": "world"})
                return ctx.args

            def response(ctx):
                return ctx.result
            """,
    )
    ctx = make_context()
    assert code.request(ctx) == {"hello": "world"}
    assert ctx.early_return is True
    assert ctx.early_return_skip_to is None


def test_early_return_skip_to_is_recorded(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                runtime.earlyReturn(None, {"skipTo": "END"})

            def response(ctx):
                runtime.earlyReturn(1, {"skipTo": "NEXT"})
            """,
    )
    ctx = make_context()
    assert code.request(ctx) is None
    assert ctx.early_return_skip_to is SkipTo.END
    other = make_context()
    assert code.response(other) == 1
    assert other.early_return_skip_to is SkipTo.NEXT


def test_early_return_with_an_unknown_skip_to_is_a_code_error(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                runtime.earlyReturn(None, {"skipTo": "RESOLVER"})

            def response(ctx):
                return None
            """,
    )
    ctx = make_context()
    with pytest.raises(CodeError, match="skipTo must be 'END' or 'NEXT'"):
        code.request(ctx)
    assert ctx.early_return is False


def test_early_return_passes_through_a_users_except_exception(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                try:
                    runtime.earlyReturn("early")
                except Exception:
                    return "swallowed"

            def response(ctx):
                return None
            """,
    )
    ctx = make_context()
    assert code.request(ctx) == "early"
    assert ctx.early_return is True


def test_unauthorized_is_appsyncs_field_error(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                util.unauthorized()

            def response(ctx):
                return None
            """,
    )
    with pytest.raises(UnauthorizedFieldError) as raised:
        code.request(make_context())
    # AppSync's wording for a field-level denial (amplify-cli#9121, deployed output).
    assert raised.value.message == "Not Authorized to access getPost on type Query"
    assert raised.value.error_type == "Unauthorized"


def test_extensions_are_recorded_on_the_field_context(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            def request(ctx):
                return {"payload": None}

            def response(ctx):
                extensions.setSubscriptionFilter({"filterGroup": [{"filters": []}]})
                extensions.invalidateSubscriptions({"subscriptionField": "onDelete", "payload": {}})
                return None
            """,
    )
    ctx = make_context()
    code.response(ctx)
    assert ctx.extensions == {
        "setSubscriptionFilter": {"filterGroup": [{"filters": []}]},
        "invalidateSubscriptions": [{"subscriptionField": "onDelete", "payload": {}}],
    }


def test_imported_names_are_the_injected_objects(tmp_path: Path) -> None:
    code = load(
        tmp_path,
        """
            from resolvers.runtimes.python import util as imported_util

            def request(ctx):
                return imported_util is util

            def response(ctx):
                return None
            """,
    )
    assert code.request(make_context()) is True


def test_util_time_reads_the_injected_clock(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        def request(ctx):
            return {"payload": util.time.nowISO8601()}

        def response(ctx):
            return None
        """,
    )
    code = load_python_code(path, FixedClock(datetime(2018, 2, 6, 19, 1, 35, 749000, tzinfo=UTC)))
    # The format AppSync documents for $util.time.nowISO8601(): 2018-02-06T19:01:35.749Z.
    assert code.request(make_context()) == {"payload": "2018-02-06T19:01:35.749Z"}


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "def request(ctx):\n    return {}\n\nx = = 1\n")
    with pytest.raises(TemplateError) as raised:
        load_python_code(path)
    # "x = = 1": the parser stops at the second "=", the fifth character of line 4.
    assert (raised.value.file, raised.value.line, raised.value.column) == (str(path), 4, 5)
    assert str(raised.value).startswith(f"{path}:4:5: ")


def test_missing_response_handler_is_a_template_error(tmp_path: Path) -> None:
    path = write(tmp_path, "def request(ctx):\n    return {}\n")
    with pytest.raises(TemplateError) as raised:
        load_python_code(path)
    assert raised.value.file == str(path)
    assert "response(ctx)" in raised.value.detail


def test_error_while_importing_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "LIMIT = 10\nSIZE = LIMT * 2\n")
    with pytest.raises(TemplateError) as raised:
        load_python_code(path)
    assert (raised.value.line, raised.value.column) == (2, 8)
    assert raised.value.detail == "NameError: name 'LIMT' is not defined"


def test_handler_exception_is_a_code_error_with_position(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "def request(ctx):\n    return {}\n\n"
        "def response(ctx):\n    return ctx.result['missing']\n",
        name="code.py",
    )
    code = load_python_code(path)
    with pytest.raises(CodeError) as raised:
        code.response(make_context(result={}))
    assert raised.value.error_type == "Code"
    # APPSYNC_JS: "code.js:162:13: ReferenceError: ..."; here the file, line 5, column 12.
    assert raised.value.message == "code.py:5:12: KeyError: 'missing'"


def test_ctx_env_is_the_apis_variables_read_only(tmp_path: Path) -> None:
    """`ctx.env` as APPSYNC_JS has it (AppSync, "Using environment variables"); a handler cannot
    change the API's variables for the fields after it; without variables it is empty."""
    code = load(
        tmp_path,
        """
            def request(ctx):
                try:
                    ctx.env["STAGE"] = "changed"
                    written = True
                except TypeError:
                    written = False
                return {"stage": ctx.env.get("STAGE"), "written": written, "keys": list(ctx.env)}

            def response(ctx):
                return ctx.result
            """,
    )
    ctx = make_context(env=MappingProxyType({"STAGE": "dev"}))
    assert code.request(ctx) == {"stage": "dev", "written": False, "keys": ["STAGE"]}
    assert code.request(make_context()) == {"stage": None, "written": False, "keys": []}
