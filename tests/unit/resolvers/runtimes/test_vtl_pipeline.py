"""VTL templates in unit and pipeline resolvers over the NONE data source.

"Pipeline resolvers" (AppSync developer guide, resolver mapping template reference): the before
template's output is `$ctx.prev.result` for the first function, each function's output is the
next one's, the after template sees the last; `$ctx.stash` lives through the whole run;
`#return` in a function returns from the function only ("AWS AppSync directives").
"""

from __future__ import annotations

import pytest

from resolvers.datasources.none import NoneDataSource
from resolvers.pipeline import PipelineFunction, PipelineResolver
from resolvers.unit import UnitResolver
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx

FORWARD = """$util.qr($ctx.stash.put("order", $util.defaultIfNull($ctx.stash.order, [])))
$util.qr($ctx.stash.order.add("%s"))
{"version": "2018-05-29", "payload": {"from": "%s", "prev": $util.toJson($ctx.prev.result)}}"""
RESULT = "$util.toJson($ctx.result)"


@pytest.mark.anyio
async def test_unit_resolver_with_none_data_source(templates: LoadTemplates) -> None:
    code = templates('{"version": "2018-05-29", "payload": $util.toJson($ctx.args)}', RESULT)
    resolver = UnitResolver(code, NoneDataSource("local"))
    assert await resolver.resolve(make_ctx({"id": "1"})) == {"id": "1"}


@pytest.mark.anyio
async def test_pipeline_passes_prev_result_and_stash(templates: LoadTemplates) -> None:
    functions = [
        PipelineFunction(name, templates(FORWARD % (name, name), RESULT), NoneDataSource("local"))
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
    returning = templates('#return({"cached": true})\n{"never": "rendered"}', RESULT)
    functions = [
        PipelineFunction("cache", returning, NoneDataSource("local")),
        PipelineFunction(
            "next", templates(FORWARD % ("next", "next"), RESULT), NoneDataSource("l")
        ),
    ]
    resolver = PipelineResolver(None, functions)
    assert await resolver.resolve(make_ctx()) == {"from": "next", "prev": {"cached": True}}
