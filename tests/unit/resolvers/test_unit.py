"""Unit resolvers: request handler -> data source -> response handler, with AppSync's error rules.

Behaviour from the AppSync developer guide (resolver-reference-overview-js "Unit resolvers";
runtime-utils-js `runtime.earlyReturn`: "the data source and response handler are skipped"),
the 2018-05-29 error semantics ("By default, AppSync does not raise the error if the data source
returned one", advancedweb.hu "Error handling in AppSync"), and the direct Lambda default
response `#if($ctx.error) $util.error($ctx.error.message, $ctx.error.type, $ctx.result) #end`
(resolver-mapping-template-reference-lambda, quoted in serverless-appsync-simulator#132).
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.datasources.lambda_ import LambdaDataSource, direct_lambda_code
from resolvers.datasources.none import NoneDataSource
from resolvers.errors import DataSourceError, UnauthorizedFieldError, UtilError
from resolvers.runtimes.python import load_python_code
from resolvers.unit import UnitResolver
from tests.unit.resolvers.handler_modules import import_handlers
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx

HANDLERS = """
CALLS = []

def handler(event, context):
    CALLS.append(event)
    arguments = event.get("arguments") or {}
    if event.get("fail") or arguments.get("fail"):
        raise ValueError("the function failed")
    return {"echo": event}
"""


def make_context(**overrides: Any) -> ResolverContext:
    values: dict[str, Any] = {
        "arguments": {"id": "post-1"},
        "source": None,
        "identity": None,
        "info": ResolverInfo("getPost", "Query", {}, ["id"], "{\n  id\n}"),
        "request": RequestInfo(headers={"x-api-key": "da2-key"}),
    }
    values.update(overrides)
    return ResolverContext(**values)


def write(tmp_path: Path, source: str, name: str = "resolver.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def lambda_resolver(tmp_path: Path, handlers: ModuleType, source: str) -> UnitResolver:
    """A unit resolver over the Python code `source` and the `handlers` module's Lambda."""
    code = load_python_code(write(tmp_path, source))
    return UnitResolver(code, LambdaDataSource("fn", f"{handlers.__name__}:handler"))


@pytest.fixture
def handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A real handler module on sys.path, under a name no other test uses."""
    return import_handlers(tmp_path, monkeypatch, HANDLERS)


@pytest.mark.anyio
async def test_none_payload_becomes_result_and_response_value(tmp_path: Path) -> None:
    code = load_python_code(
        write(
            tmp_path,
            """
            def request(ctx):
                return {"payload": {"id": ctx.args["id"], "title": "Hello"}}

            def response(ctx):
                return {**ctx.result, "seen": True}
            """,
        )
    )
    resolver = UnitResolver(code, NoneDataSource("local"))
    ctx = make_context()
    assert await resolver.resolve(ctx) == {"id": "post-1", "title": "Hello", "seen": True}
    assert ctx.result == {"id": "post-1", "title": "Hello"}


@pytest.mark.anyio
async def test_early_return_skips_data_source_and_response(
    tmp_path: Path, handlers: ModuleType
) -> None:
    resolver = lambda_resolver(
        tmp_path,
        handlers,
        """
            def request(ctx):
                runtime.earlyReturn({"cached": True})

            def response(ctx):
                util.error("the response handler must not run")
            """,
    )
    assert await resolver.resolve(make_context()) == {"cached": True}
    assert handlers.CALLS == []


@pytest.mark.anyio
async def test_util_error_in_request_stops_before_the_data_source(
    tmp_path: Path, handlers: ModuleType
) -> None:
    resolver = lambda_resolver(
        tmp_path,
        handlers,
        """
            def request(ctx):
                util.error("Invalid id", "ValidationError")

            def response(ctx):
                return ctx.result
            """,
    )
    with pytest.raises(UtilError) as raised:
        await resolver.resolve(make_context())
    assert (raised.value.message, raised.value.error_type) == ("Invalid id", "ValidationError")
    assert handlers.CALLS == []


@pytest.mark.anyio
async def test_data_source_error_unhandled_by_response_is_swallowed(
    tmp_path: Path, handlers: ModuleType
) -> None:
    resolver = lambda_resolver(
        tmp_path,
        handlers,
        """
            def request(ctx):
                return {"operation": "Invoke", "payload": {"fail": True}}

            def response(ctx):
                return ctx.result
            """,
    )
    ctx = make_context()
    assert await resolver.resolve(ctx) is None
    assert ctx.error is not None
    assert (ctx.error.message, ctx.error.type) == ("the function failed", "Lambda:Unhandled")
    assert ctx.appended_errors == []


@pytest.mark.anyio
async def test_data_source_error_raised_by_response_handler(
    tmp_path: Path, handlers: ModuleType
) -> None:
    resolver = lambda_resolver(
        tmp_path,
        handlers,
        """
            def request(ctx):
                return {"operation": "Invoke", "payload": {"fail": True}}

            def response(ctx):
                if ctx.error:
                    util.error(ctx.error.message, ctx.error.type)
                return ctx.result
            """,
    )
    with pytest.raises(UtilError) as raised:
        await resolver.resolve(make_context())
    assert (raised.value.message, raised.value.error_type) == (
        "the function failed",
        "Lambda:Unhandled",
    )


@pytest.mark.anyio
async def test_append_error_returns_value_beside_the_error(
    tmp_path: Path, handlers: ModuleType
) -> None:
    resolver = lambda_resolver(
        tmp_path,
        handlers,
        """
            def request(ctx):
                return {"operation": "Invoke", "payload": {"fail": True}}

            def response(ctx):
                util.appendError(ctx.error.message, ctx.error.type)
                return {"fallback": True}
            """,
    )
    ctx = make_context()
    assert await resolver.resolve(ctx) == {"fallback": True}
    assert ctx.appended_errors == [
        {
            "message": "the function failed",
            "errorType": "Lambda:Unhandled",
            "data": None,
            "errorInfo": None,
        }
    ]


@pytest.mark.anyio
async def test_lambda_with_request_handler_receives_the_payload(
    tmp_path: Path, handlers: ModuleType
) -> None:
    resolver = lambda_resolver(
        tmp_path,
        handlers,
        """
            def request(ctx):
                payload = {"field": "getPost", "arguments": ctx.args}
                return {"operation": "Invoke", "payload": payload}

            def response(ctx):
                return ctx.result
            """,
    )
    expected_event = {"field": "getPost", "arguments": {"id": "post-1"}}
    assert await resolver.resolve(make_context()) == {"echo": expected_event}
    assert [expected_event] == handlers.CALLS


@pytest.mark.anyio
async def test_direct_lambda_failure_is_the_field_error(handlers: ModuleType) -> None:
    resolver = UnitResolver(
        direct_lambda_code(), LambdaDataSource("fn", f"{handlers.__name__}:handler")
    )
    with pytest.raises(UtilError) as raised:
        await resolver.resolve(make_context(arguments={"fail": True}))
    assert raised.value.message == "the function failed"
    assert raised.value.error_type == "Lambda:Unhandled"
    assert raised.value.data is None


@pytest.mark.anyio
async def test_direct_lambda_result_is_the_field_value(handlers: ModuleType) -> None:
    resolver = UnitResolver(
        direct_lambda_code(), LambdaDataSource("fn", f"{handlers.__name__}:handler")
    )
    value = await resolver.resolve(make_context())
    assert value["echo"]["arguments"] == {"id": "post-1"}
    assert value["echo"]["info"]["fieldName"] == "getPost"


@pytest.mark.anyio
async def test_unit_resolver_with_none_data_source(templates: LoadTemplates) -> None:
    request = '{"version": "2018-05-29", "payload": $util.toJson($ctx.args)}'
    code = templates(request, "$util.toJson($ctx.result)")
    resolver = UnitResolver(code, NoneDataSource("local"))
    assert await resolver.resolve(make_ctx({"id": "1"})) == {"id": "1"}


def _invoke(version: str) -> str:
    return (
        f'{{"version": "{version}", "operation": "Invoke",'
        ' "payload": {"arguments": $util.toJson($ctx.args)}}'
    )


# The changelog's own example: a null result raises Unauthorized, when the template runs.
UNAUTHORIZED_IF_NULL = (
    "#if($util.isNull($ctx.result))$util.unauthorized()#end$util.toJson($ctx.result)"
)
NONE_REQUEST = '{"version": "2017-02-28", "payload": $util.toJson($ctx.args.value)}'


@pytest.mark.anyio
async def test_2017_02_28_skips_the_response_template_for_a_null_result(
    templates: LoadTemplates,
) -> None:
    # Resolver mapping template changelog, 2017-02-28: "If the datasource invocation result is
    # null, the response mapping template is not executed" (2018-05-29 executes it).
    old = UnitResolver(templates(NONE_REQUEST, UNAUTHORIZED_IF_NULL), NoneDataSource("local"))
    assert await old.resolve(make_ctx({"value": None})) is None
    assert await old.resolve(make_ctx({"value": {"id": "1"}})) == {"id": "1"}
    new_request = NONE_REQUEST.replace("2017-02-28", "2018-05-29")
    new = UnitResolver(templates(new_request, UNAUTHORIZED_IF_NULL), NoneDataSource("local"))
    with pytest.raises(UnauthorizedFieldError):
        await new.resolve(make_ctx({"value": None}))


@pytest.mark.anyio
async def test_2017_02_28_raises_a_data_source_error_with_the_template_result_as_data(
    templates: LoadTemplates, handlers: ModuleType
) -> None:
    # 2017-02-28: "If the datasource invocation yields an error, the response mapping template is
    # executed and the evaluated result is placed inside the GraphQL response errors.data block."
    code = templates(_invoke("2017-02-28"), '{"seen": $util.toJson($ctx.error.type)}')
    resolver = UnitResolver(code, LambdaDataSource("fn", f"{handlers.__name__}:handler"))
    with pytest.raises(DataSourceError) as raised:
        await resolver.resolve(make_ctx({"fail": True}))
    assert (raised.value.message, raised.value.error_type, raised.value.data) == (
        "the function failed",
        "Lambda:Unhandled",
        {"seen": "Lambda:Unhandled"},
    )


@pytest.mark.anyio
async def test_a_data_source_error_the_response_swallows_is_logged(
    templates: LoadTemplates, handlers: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    # 2018-05-29 leaves the error to the template; a template that ignores it makes the field
    # null, which the server's log says (never silent).
    code = templates(_invoke("2018-05-29"), "$util.toJson($ctx.result)")
    resolver = UnitResolver(code, LambdaDataSource("fn", f"{handlers.__name__}:handler"))
    with caplog.at_level("WARNING", logger="resolvers.unit"):
        assert await resolver.resolve(make_ctx({"fail": True})) is None
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        (
            "WARNING",
            "resolver Query.getPost: the data source's error ended as null (the response handler "
            "neither raised nor appended it): Lambda:Unhandled: the function failed",
        )
    ]


@pytest.mark.anyio
async def test_an_appended_data_source_error_is_not_logged_again(
    templates: LoadTemplates, handlers: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    response = "$util.appendError($ctx.error.message, $ctx.error.type)null"
    code = templates(_invoke("2018-05-29"), response)
    resolver = UnitResolver(code, LambdaDataSource("fn", f"{handlers.__name__}:handler"))
    ctx = make_ctx({"fail": True})
    with caplog.at_level("WARNING", logger="resolvers.unit"):
        assert await resolver.resolve(ctx) is None
    assert [entry["message"] for entry in ctx.appended_errors] == ["the function failed"]
    assert caplog.records == []
