"""Fixtures for the APPSYNC_JS tests: a runtime on a stopped clock, and code loaded into it."""

from __future__ import annotations

import textwrap
from typing import Any, Protocol

import pytest

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.runtimes.js.code import JsResolverCode, compile_js_code
from resolvers.runtimes.js.engine import JsRuntime
from tests.unit.resolvers.fixed_clock import CLOCK


class LoadCode(Protocol):
    def __call__(self, source: str, file: str = "code.js") -> JsResolverCode: ...


def context(**fields: Any) -> ResolverContext:
    """A field's context as AppSync fills it for `getPost(id: "post-1")` over an API key."""
    ctx = ResolverContext(
        arguments={"id": "post-1"},
        source=None,
        identity=None,
        info=ResolverInfo(
            field_name="getPost",
            parent_type_name="Query",
            variables={"postId": "post-1"},
            selection_set_list=["id", "title"],
            selection_set_graphql="{\n  id\n  title\n}",
        ),
        request=RequestInfo(headers={"x-api-key": "da2-key"}, domain_name=None),
        auth_type="API Key Authorization",
    )
    for name, value in fields.items():
        setattr(ctx, name, value)
    return ctx


@pytest.fixture
def runtime() -> JsRuntime:
    return JsRuntime(clock=CLOCK)


@pytest.fixture
def js(runtime: JsRuntime) -> LoadCode:
    """`js(source)`: the module `source` (dedented) loaded into the test's runtime."""

    def load(source: str, file: str = "code.js") -> JsResolverCode:
        return compile_js_code(file, textwrap.dedent(source).lstrip("\n"), runtime)

    return load


def request_of(js: LoadCode, expression: str, **fields: Any) -> Any:
    """The value `expression` has in a request handler (with every module imported)."""
    code = js(
        f"""
        import {{ util, runtime, extensions }} from '@aws-appsync/utils';
        import * as ddb from '@aws-appsync/utils/dynamodb';
        import * as rds from '@aws-appsync/utils/rds';
        export function request(ctx) {{
          return {expression};
        }}
        export function response(ctx) {{
          return ctx.result;
        }}
        """
    )
    return code.request(context(**fields))
