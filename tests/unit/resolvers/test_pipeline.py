"""Pipeline resolvers: before -> functions -> after, one stash, `ctx.prev.result` chaining.

Behaviour from the AppSync developer guide: the resolver context reference (`prev.result`: "the
result of whatever previous operation was executed in a pipeline resolver"; the before
handler's output goes to the first function), runtime-utils-js (`runtime.earlyReturn` in a
function request handler, in the pipeline's request handler, and `skipTo` "END" / "NEXT"), the
AppSync directives page (`#return` in a resolver mapping template "will return from the
resolver", in a function's from the function only) and the direct Lambda event's `prev`
(direct-lambda-reference).
"""

from __future__ import annotations

import textwrap
import uuid
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo, SkipTo
from resolvers.datasources.lambda_ import LambdaDataSource, direct_lambda_code
from resolvers.datasources.none import NoneDataSource
from resolvers.errors import UtilError
from resolvers.pipeline import PipelineFunction, PipelineResolver
from resolvers.runtimes.python import load_python_code
from tests.unit.resolvers.handler_modules import import_handlers
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx

HANDLERS = """
CALLS = []

def handler(event, context):
    CALLS.append(event)
    return {"handled": len(CALLS)}
"""

# A function that forwards its request's `value` through NONE and records what it saw.
FORWARD = """
def request(ctx):
    ctx.stash.setdefault("seen", []).append({"fn": NAME, "prev": ctx.prev.result})
    return {"payload": {"from": NAME, "prev": ctx.prev.result}}

def response(ctx):
    return ctx.result
"""


def make_context() -> ResolverContext:
    return ResolverContext(
        arguments={"id": "post-1"},
        source=None,
        identity=None,
        info=ResolverInfo("getPost", "Query", {}, ["id"], "{\n  id\n}"),
        request=RequestInfo(headers={}),
    )


def write(tmp_path: Path, name: str, source: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def forward(tmp_path: Path, name: str) -> PipelineFunction:
    code = load_python_code(write(tmp_path, name, f"NAME = {name!r}\n{FORWARD}"))
    return PipelineFunction(name, code, NoneDataSource("local"))


@pytest.fixture
def handlers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    return import_handlers(tmp_path, monkeypatch, HANDLERS)


@pytest.mark.anyio
async def test_stash_and_prev_result_flow_through_the_pipeline(tmp_path: Path) -> None:
    before_after = load_python_code(
        write(
            tmp_path,
            "resolver",
            """
            def request(ctx):
                ctx.stash["started"] = True
                return {"before": ctx.args["id"]}

            def response(ctx):
                return {"last": ctx.prev.result, "stash": ctx.stash}
            """,
        )
    )
    resolver = PipelineResolver(before_after, [forward(tmp_path, "one"), forward(tmp_path, "two")])
    value = await resolver.resolve(make_context())
    first = {"from": "one", "prev": {"before": "post-1"}}
    second = {"from": "two", "prev": first}
    assert value == {
        "last": second,
        "stash": {
            "started": True,
            "seen": [{"fn": "one", "prev": {"before": "post-1"}}, {"fn": "two", "prev": first}],
        },
    }


@pytest.mark.anyio
async def test_early_return_in_a_function_skips_its_data_source_and_response(
    tmp_path: Path, handlers: ModuleType
) -> None:
    skipping = load_python_code(
        write(
            tmp_path,
            "skipping",
            """
            def request(ctx):
                runtime.earlyReturn({"short": "circuit"})

            def response(ctx):
                util.error("must not run")
            """,
        )
    )
    resolver = PipelineResolver(
        None,
        [
            PipelineFunction(
                "skipping", skipping, LambdaDataSource("fn", f"{handlers.__name__}:handler")
            ),
            forward(tmp_path, "after_skip"),
        ],
    )
    value = await resolver.resolve(make_context())
    assert value == {"from": "after_skip", "prev": {"short": "circuit"}}
    assert handlers.CALLS == []


@pytest.mark.anyio
async def test_early_return_in_before_handler_skips_to_after_handler(tmp_path: Path) -> None:
    before_after = load_python_code(
        write(
            tmp_path,
            "resolver",
            """
            def request(ctx):
                runtime.earlyReturn({"cached": 1})

            def response(ctx):
                return {"after": ctx.prev.result, "seen": ctx.stash.get("seen")}
            """,
        )
    )
    resolver = PipelineResolver(before_after, [forward(tmp_path, "never")])
    assert await resolver.resolve(make_context()) == {"after": {"cached": 1}, "seen": None}


@pytest.mark.anyio
async def test_skip_to_end_in_a_function_goes_to_the_after_handler(tmp_path: Path) -> None:
    ending = load_python_code(
        write(
            tmp_path,
            "ending",
            """
            def request(ctx):
                runtime.earlyReturn("done early", {"skipTo": "END"})

            def response(ctx):
                return None
            """,
        )
    )
    before_after = load_python_code(
        write(
            tmp_path,
            "resolver",
            """
            def request(ctx):
                return None

            def response(ctx):
                return {"after": ctx.prev.result, "seen": ctx.stash.get("seen")}
            """,
        )
    )
    resolver = PipelineResolver(
        before_after,
        [
            PipelineFunction("ending", ending, NoneDataSource("local")),
            forward(tmp_path, "never"),
        ],
    )
    assert await resolver.resolve(make_context()) == {"after": "done early", "seen": None}


@pytest.mark.anyio
async def test_skip_to_next_runs_the_next_function(tmp_path: Path) -> None:
    nexting = load_python_code(
        write(
            tmp_path,
            "nexting",
            """
            def request(ctx):
                runtime.earlyReturn("skipped", {"skipTo": "NEXT"})

            def response(ctx):
                return None
            """,
        )
    )
    resolver = PipelineResolver(
        None,
        [PipelineFunction("nexting", nexting, NoneDataSource("local")), forward(tmp_path, "next")],
    )
    assert await resolver.resolve(make_context()) == {"from": "next", "prev": "skipped"}


@pytest.mark.anyio
async def test_util_error_in_a_function_stops_the_pipeline(
    tmp_path: Path, handlers: ModuleType
) -> None:
    failing = load_python_code(
        write(
            tmp_path,
            "failing",
            """
            def request(ctx):
                return {"payload": None}

            def response(ctx):
                util.error("Post is archived", "Conflict", {"id": ctx.args["id"]})
            """,
        )
    )
    resolver = PipelineResolver(
        None,
        [
            PipelineFunction("failing", failing, NoneDataSource("local")),
            PipelineFunction(
                "never",
                direct_lambda_code(),
                LambdaDataSource("fn", f"{handlers.__name__}:handler"),
            ),
        ],
    )
    with pytest.raises(UtilError) as raised:
        await resolver.resolve(make_context())
    assert (raised.value.message, raised.value.error_type, raised.value.data) == (
        "Post is archived",
        "Conflict",
        {"id": "post-1"},
    )
    assert handlers.CALLS == []


def failing_lambda(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A handler module, importable under the returned name, whose function raises."""
    name = f"failing_{uuid.uuid4().hex}"
    (folder / f"{name}.py").write_text(
        "def handler(event, context):\n    raise RuntimeError('backend down')\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(folder))
    return name


@pytest.mark.anyio
async def test_each_function_sees_its_own_data_source_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = failing_lambda(tmp_path, monkeypatch)
    tolerant = load_python_code(
        write(
            tmp_path,
            "tolerant",
            """
            def request(ctx):
                return {"operation": "Invoke", "payload": {}}

            def response(ctx):
                return {"error": [ctx.error.message, ctx.error.type]}
            """,
        )
    )
    checker = load_python_code(
        write(
            tmp_path,
            "checker",
            """
            def request(ctx):
                return {"payload": ctx.prev.result}

            def response(ctx):
                return {"prev": ctx.result, "error": ctx.error}
            """,
        )
    )
    resolver = PipelineResolver(
        None,
        [
            PipelineFunction("tolerant", tolerant, LambdaDataSource("fn", f"{name}:handler")),
            PipelineFunction("checker", checker, NoneDataSource("local")),
        ],
    )
    assert await resolver.resolve(make_context()) == {
        "prev": {"error": ["backend down", "Lambda:Unhandled"]},
        "error": None,
    }


@pytest.mark.anyio
async def test_direct_lambda_function_gets_prev_result_in_its_event(
    tmp_path: Path, handlers: ModuleType
) -> None:
    resolver = PipelineResolver(
        None,
        [
            forward(tmp_path, "first"),
            PipelineFunction(
                "lambda",
                direct_lambda_code(),
                LambdaDataSource("fn", f"{handlers.__name__}:handler"),
            ),
        ],
    )
    assert await resolver.resolve(make_context()) == {"handled": 1}
    (event,) = handlers.CALLS
    assert event["prev"] == {"result": {"from": "first", "prev": None}}
    assert event["stash"] == {"seen": [{"fn": "first", "prev": None}]}


class ReturnFromTemplate:
    """A request handler ending in VTL's `#return(value)`, as the VTL runtime reports it."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def request(self, ctx: ResolverContext) -> Any:
        ctx.early_return = True
        ctx.early_return_skip_to = SkipTo.RESOLVER
        return self.value

    def response(self, ctx: ResolverContext) -> Any:
        raise AssertionError("#return in the before template returns from the resolver")


@pytest.mark.anyio
async def test_vtl_return_in_before_template_returns_from_the_resolver(tmp_path: Path) -> None:
    resolver = PipelineResolver(ReturnFromTemplate({"whole": "resolver"}), [forward(tmp_path, "x")])
    ctx = make_context()
    assert await resolver.resolve(ctx) == {"whole": "resolver"}
    assert "seen" not in ctx.stash


@pytest.mark.anyio
async def test_vtl_return_in_a_function_continues_with_the_next(tmp_path: Path) -> None:
    resolver = PipelineResolver(
        None,
        [
            PipelineFunction("returning", ReturnFromTemplate("r"), NoneDataSource("local")),
            forward(tmp_path, "next"),
        ],
    )
    assert await resolver.resolve(make_context()) == {"from": "next", "prev": "r"}


VTL_FORWARD = """$util.qr($ctx.stash.put("order", $util.defaultIfNull($ctx.stash.order, [])))
$util.qr($ctx.stash.order.add("%s"))
{"version": "2018-05-29", "payload": {"from": "%s", "prev": $util.toJson($ctx.prev.result)}}"""


VTL_RESULT = "$util.toJson($ctx.result)"


@pytest.mark.anyio
async def test_pipeline_passes_prev_result_and_stash(templates: LoadTemplates) -> None:
    functions = [
        PipelineFunction(
            name, templates(VTL_FORWARD % (name, name), VTL_RESULT), NoneDataSource("local")
        )
        for name in ("first", "second")
    ]
    after = '{"last": $util.toJson($ctx.prev.result), "stash": $util.toJson($ctx.stash)}'
    resolver = PipelineResolver(
        templates('$util.qr($ctx.stash.put("started", true)){"step": "before"}', after),
        functions,
    )
    result = await resolver.resolve(make_ctx())
    assert result == {
        "last": {"from": "second", "prev": {"from": "first", "prev": {"step": "before"}}},
        "stash": {"started": True, "order": ["first", "second"]},
    }


@pytest.mark.anyio
async def test_return_in_a_function_skips_its_data_source(templates: LoadTemplates) -> None:
    returning = templates('#return({"cached": true})\n{"never": "rendered"}', VTL_RESULT)
    functions = [
        PipelineFunction("cache", returning, NoneDataSource("local")),
        PipelineFunction(
            "next", templates(VTL_FORWARD % ("next", "next"), VTL_RESULT), NoneDataSource("l")
        ),
    ]
    resolver = PipelineResolver(None, functions)
    assert await resolver.resolve(make_ctx()) == {"from": "next", "prev": {"cached": True}}


@pytest.mark.anyio
async def test_a_function_that_swallows_its_data_source_error_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    name = failing_lambda(tmp_path, monkeypatch)
    swallowing = load_python_code(
        write(
            tmp_path,
            "swallowing",
            """
            def request(ctx):
                return {"operation": "Invoke", "payload": {}}

            def response(ctx):
                return ctx.result
            """,
        )
    )
    source = LambdaDataSource("fn", f"{name}:handler")
    resolver = PipelineResolver(None, [PipelineFunction("save", swallowing, source)])
    with caplog.at_level("WARNING", logger="resolvers.unit"):
        assert await resolver.resolve(make_context()) is None
    assert [record.getMessage() for record in caplog.records] == [
        "function save of resolver Query.getPost: the data source's error ended as null (the "
        "response handler neither raised nor appended it): Lambda:Unhandled: backend down"
    ]
