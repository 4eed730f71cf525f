"""VTL templates for the tests: a field's context, a stopped clock, templates written to a folder
and loaded, and what a template renders or prints."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.runtimes.vtl import VtlCode, load_vtl_code
from tests.unit.resolvers.fixed_clock import CLOCK


def make_ctx(arguments: dict[str, Any] | None = None, **fields: Any) -> ResolverContext:
    ctx = ResolverContext(
        arguments=arguments if arguments is not None else {},
        source=None,
        identity=None,
        info=ResolverInfo(
            field_name="getPost",
            parent_type_name="Query",
            variables={},
            selection_set_list=["id", "title"],
            selection_set_graphql="{ id title }",
        ),
        request=RequestInfo(headers={"host": "localhost"}),
        auth_type="API Key Authorization",
    )
    for name, value in fields.items():
        setattr(ctx, name, value)
    return ctx


class LoadTemplates(Protocol):
    def __call__(self, request: str | None, response: str | None = None) -> VtlCode: ...


def template_loader(folder: Path) -> LoadTemplates:
    """`load(request, response)`: write both templates into `folder` and load them with the
    fixed clock."""

    def load(request: str | None, response: str | None = None) -> VtlCode:
        request_path = response_path = None
        if request is not None:
            request_path = folder / "request.vtl"
            request_path.write_text(request, encoding="utf-8")
        if response is not None:
            response_path = folder / "response.vtl"
            response_path.write_text(response, encoding="utf-8")
        return load_vtl_code(request_path, response_path, clock=CLOCK)

    return load


def request(templates: LoadTemplates, body: str, **arguments: Any) -> Any:
    """The request document a template renders for these arguments."""
    return templates(body).request(make_ctx(dict(arguments)))


def printed(templates: LoadTemplates, body: str, **arguments: Any) -> Any:
    """What `body` prints, read back through a JSON string."""
    return request(templates, '{"out": "' + body + '"}', **arguments)["out"]
