"""The resolver context as templates see it: `$ctx` / `$context`, with the field names of
AppSync's "Resolver context object reference" (`arguments` and its alias `args`, `source`,
`identity`, `stash`, `prev.result`, `result`, `error`, `info`, `request`, `env`)."""

from __future__ import annotations

from types import MappingProxyType

from resolvers.context import ContextError, RequestInfo, ResolverContext, ResolverInfo


def _context() -> ResolverContext:
    return ResolverContext(
        arguments={"id": "1"},
        source={"parent": True},
        identity={"sub": "abc"},
        info=ResolverInfo("getPost", "Query", {"v": 1}, ["id", "title"], "{ id title }"),
        request=RequestInfo({"host": "localhost"}, "api.example.com"),
    )


def test_the_context_map_has_appsyncs_field_names() -> None:
    ctx = _context()
    ctx.stash["k"] = "v"
    ctx.prev_result = {"from": "before"}
    ctx.result = {"id": "1"}
    assert ctx.to_context() == {
        "arguments": {"id": "1"},
        "args": {"id": "1"},
        "source": {"parent": True},
        "identity": {"sub": "abc"},
        "stash": {"k": "v"},
        "prev": {"result": {"from": "before"}},
        "result": {"id": "1"},
        "error": None,
        "info": {
            "fieldName": "getPost",
            "parentTypeName": "Query",
            "variables": {"v": 1},
            "selectionSetList": ["id", "title"],
            "selectionSetGraphQL": "{ id title }",
        },
        "request": {"headers": {"host": "localhost"}, "domainName": "api.example.com"},
        "env": {},
    }


def test_args_is_the_arguments_map_itself() -> None:
    ctx = _context()
    assert ctx.args is ctx.arguments
    view = ctx.to_context()
    assert view["args"] is view["arguments"] is ctx.arguments


def test_a_data_source_error_shows_its_message_and_type() -> None:
    ctx = _context()
    ctx.error = ContextError("The conditional request failed", "DynamoDB:ConditionalCheck")
    assert ctx.to_context()["error"] == {
        "message": "The conditional request failed",
        "type": "DynamoDB:ConditionalCheck",
    }


def test_the_stash_is_shared_not_copied() -> None:
    # A template's `$util.qr($ctx.stash.put(...))` must reach the next function of a pipeline.
    ctx = _context()
    ctx.to_context()["stash"]["put"] = "by a template"
    assert ctx.stash == {"put": "by a template"}


def test_env_is_the_apis_variables_and_a_template_writes_only_its_copy() -> None:
    """`$ctx.env` (AppSync, "Using environment variables"): the API's configuration, which a
    resolver sets; what one render writes into it does not change the API's."""
    ctx = _context()
    environment = MappingProxyType({"STAGE": "dev"})
    ctx.env = environment
    view = ctx.to_context()
    assert view["env"] == {"STAGE": "dev"}
    view["env"]["STAGE"] = "changed"
    assert ctx.to_context()["env"] == {"STAGE": "dev"}
    assert environment == {"STAGE": "dev"}
