"""What every runtime gives a resolver: the `ResolverCode` seam, run the same way for each.

One resolver written for each runtime (VTL, APPSYNC_JS, PYTHON) behaves the same through the
protocol: `request` builds the data source's request from `ctx.args`, or returns early with a
value (VTL `#return`, `runtime.earlyReturn`: "Resolver mapping template utility reference",
runtime-utils-js) and sets `ctx.early_return`; `response` shapes `ctx.result`, and `util.error`
raises the field error.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from resolvers.errors import UtilError
from resolvers.runtimes.base import ResolverCode
from resolvers.runtimes.js.code import compile_js_code
from resolvers.runtimes.js.engine import JsRuntime
from resolvers.runtimes.python import load_python_code
from resolvers.runtimes.vtl import load_vtl_code
from tests.unit.resolvers.contexts import field_context
from tests.unit.resolvers.fixed_clock import CLOCK

VTL_REQUEST = """
#if($ctx.args.id == "cached")#return({"id": "cached", "title": "From the cache"})#end
{"operation": "GetItem", "key": {"id": $util.toJson($ctx.args.id)}}
"""
VTL_RESPONSE = """
#if(!$ctx.result)$util.error("Post not found", "NotFound")#end
{"id": $util.toJson($ctx.result.id), "title": $util.toJson($ctx.result.title)}
"""
JS = """
import { util, runtime } from '@aws-appsync/utils';
export function request(ctx) {
  if (ctx.args.id === 'cached') {
    runtime.earlyReturn({ id: 'cached', title: 'From the cache' });
  }
  return { operation: 'GetItem', key: { id: ctx.args.id } };
}
export function response(ctx) {
  if (!ctx.result) {
    util.error('Post not found', 'NotFound');
  }
  return { id: ctx.result.id, title: ctx.result.title };
}
"""
PYTHON = """
def request(ctx):
    if ctx.args["id"] == "cached":
        runtime.earlyReturn({"id": "cached", "title": "From the cache"})
    return {"operation": "GetItem", "key": {"id": ctx.args["id"]}}

def response(ctx):
    if not ctx.result:
        util.error("Post not found", "NotFound")
    return {"id": ctx.result["id"], "title": ctx.result["title"]}
"""


def _vtl(folder: Path) -> ResolverCode:
    (folder / "request.vtl").write_text(VTL_REQUEST)
    (folder / "response.vtl").write_text(VTL_RESPONSE)
    return load_vtl_code(folder / "request.vtl", folder / "response.vtl", clock=CLOCK)


def _js(folder: Path) -> ResolverCode:
    return compile_js_code("code.js", JS, JsRuntime(clock=CLOCK))


def _python(folder: Path) -> ResolverCode:
    path = folder / "resolver.py"
    path.write_text(textwrap.dedent(PYTHON))
    return load_python_code(path, CLOCK)


RUNTIMES: dict[str, Callable[[Path], ResolverCode]] = {
    "VTL": _vtl,
    "APPSYNC_JS": _js,
    "PYTHON": _python,
}


@pytest.fixture(params=sorted(RUNTIMES))
def code(request: pytest.FixtureRequest, tmp_path: Path) -> ResolverCode:
    return RUNTIMES[request.param](tmp_path)


def test_the_request_is_built_from_the_arguments(code: ResolverCode) -> None:
    ctx = field_context(arguments={"id": "post-1"})
    assert code.request(ctx) == {"operation": "GetItem", "key": {"id": "post-1"}}
    assert ctx.early_return is False


def test_an_early_return_skips_the_data_source_with_its_value(code: ResolverCode) -> None:
    ctx = field_context(arguments={"id": "cached"})
    assert code.request(ctx) == {"id": "cached", "title": "From the cache"}
    assert ctx.early_return is True


def test_the_response_shapes_the_result(code: ResolverCode) -> None:
    ctx = field_context(arguments={"id": "post-1"})
    ctx.result = {"id": "post-1", "title": "Hello", "draft": True}
    assert code.response(ctx) == {"id": "post-1", "title": "Hello"}


def test_util_error_in_the_response_is_the_field_error(code: ResolverCode) -> None:
    ctx = field_context(arguments={"id": "missing"})
    with pytest.raises(UtilError) as raised:
        code.response(ctx)
    assert (raised.value.message, raised.value.error_type) == ("Post not found", "NotFound")
