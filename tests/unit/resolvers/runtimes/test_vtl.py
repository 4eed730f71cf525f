"""The VTL runtime in AppSync mode: a template's output read as JSON, `#return`, `$util` errors,
the context and extensions a template sees, and the MappingTemplate errors of a run.

Sources: "AWS AppSync directives" (`#return`), "Utility helpers in $util" (`$util.qr`,
`$util.quiet`, `$util.error`), "Extensions" and the AppSync troubleshooting page ("errorType is
MappingTemplate").
"""

from __future__ import annotations

import pytest

from resolvers.context import ContextError, SkipTo
from resolvers.errors import ResolverError, UtilError
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx, request


def test_return_with_a_value_ends_the_request_early(templates: LoadTemplates) -> None:
    code = templates('#if($ctx.args.id == "1")#return({"cached": true})#end{"never": 1}')
    ctx = make_ctx({"id": "1"})
    assert code.request(ctx) == {"cached": True}
    assert ctx.early_return is True
    assert ctx.early_return_skip_to is SkipTo.RESOLVER


def test_return_without_a_value_returns_null(templates: LoadTemplates) -> None:
    code = templates("#return\nnot json at all")
    ctx = make_ctx()
    assert code.request(ctx) is None
    assert ctx.early_return is True


def test_request_without_return_is_not_an_early_return(templates: LoadTemplates) -> None:
    ctx = make_ctx()
    assert templates('{"version": "2018-05-29", "payload": {}}').request(ctx) == {
        "version": "2018-05-29",
        "payload": {},
    }
    assert ctx.early_return is False


def test_return_in_the_response_template_is_the_field_value(templates: LoadTemplates) -> None:
    code = templates(None, '#return("a bare string")\n{')
    assert code.response(make_ctx()) == "a bare string"


def test_response_template_json_is_the_field_value(templates: LoadTemplates) -> None:
    code = templates(None, "$util.toJson($ctx.result)")
    assert code.response(make_ctx(result={"id": "1", "n": [1, 2]})) == {"id": "1", "n": [1, 2]}


def test_response_that_is_not_json_is_a_mapping_template_error(templates: LoadTemplates) -> None:
    code = templates(None, "# a comment with one hash\n")
    with pytest.raises(ResolverError) as raised:
        code.response(make_ctx())
    assert raised.value.error_type == "MappingTemplate"
    assert raised.value.message.startswith("Unable to convert # a comment")


def test_empty_response_is_a_mapping_template_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError, match=r"Template transformation yielded an empty response\."):
        templates(None, "## only a comment\n").response(make_ctx())


def test_request_that_is_not_json_is_a_mapping_template_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError) as raised:
        templates('{ { "version": "2017-02-28" }').request(make_ctx())
    assert raised.value.error_type == "MappingTemplate"
    assert raised.value.message.startswith("Unable to parse the JSON document")


def test_util_error_in_a_response_template_raises_the_field_error(
    templates: LoadTemplates,
) -> None:
    code = templates(
        None,
        "#if($ctx.error)\n  $util.error($ctx.error.message, $ctx.error.type)\n#end\n"
        "$util.toJson($ctx.result)",
    )
    ctx = make_ctx(error=ContextError("Conditional request failed", "DynamoDB:Conditional"))
    with pytest.raises(UtilError) as raised:
        code.response(ctx)
    assert raised.value.message == "Conditional request failed"
    assert raised.value.error_type == "DynamoDB:Conditional"


def test_append_error_keeps_the_value(templates: LoadTemplates) -> None:
    code = templates(None, '$util.appendError("careful", "Warn")$util.toJson($ctx.result)')
    ctx = make_ctx(result={"id": "1"})
    assert code.response(ctx) == {"id": "1"}
    assert ctx.appended_errors == [
        {"message": "careful", "errorType": "Warn", "data": None, "errorInfo": None}
    ]


def test_stash_changes_persist_on_the_context(templates: LoadTemplates) -> None:
    ctx = make_ctx()
    templates('$util.qr($ctx.stash.put("k", "v")){}').request(ctx)
    assert ctx.stash == {"k": "v"}


def test_context_aliases_and_utils_alias(templates: LoadTemplates) -> None:
    body = (
        '{"a": "$context.arguments.id", "b": "$ctx.args.id",'
        ' "c": $utils.toJson($ctx.info.fieldName)}'
    )
    assert request(templates, body, id="7") == {"a": "7", "b": "7", "c": "getPost"}


def test_extensions_record_the_subscription_filter(templates: LoadTemplates) -> None:
    ctx = make_ctx()
    code = templates(None, '$extensions.setSubscriptionFilter({"filterGroup": []})null')
    assert code.response(ctx) is None
    assert ctx.extensions == {"setSubscriptionFilter": {"filterGroup": []}}


def test_missing_response_template_passes_the_result_through(templates: LoadTemplates) -> None:
    code = templates('{"version": "2018-05-29"}')
    assert code.response(make_ctx(result=[1, 2])) == [1, 2]


def test_wrong_kind_of_value_is_a_mapping_template_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError) as raised:
        request(templates, '#set($m = {})#set($m[[1]] = 2){"a": 1}')
    assert raised.value.error_type == "MappingTemplate"


def test_recursive_macro_is_a_mapping_template_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError, match="recursion"):
        request(templates, "#macro(loop $x)#loop($x)#end#loop(1)")


def test_non_standard_json_numbers_are_refused(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError, match="Unable to parse the JSON document"):
        request(templates, '{"a": NaN}')


def test_extensions_record_invalidation_and_cache_eviction(templates: LoadTemplates) -> None:
    # "Extensions" (AppSync developer guide): the calls a subscription or mutation makes.
    body = (
        '$extensions.setSubscriptionInvalidationFilter({"filterGroup": [{"filters": []}]})'
        '$extensions.invalidateSubscriptions({"subscriptionField": "onPost", "payload": {}})'
        '$extensions.evictFromApiCache("Query", "getPost", {"context.arguments.id": "1"})'
        "null"
    )
    ctx = make_ctx()
    assert templates(None, body).response(ctx) is None
    assert ctx.extensions == {
        "setSubscriptionInvalidationFilter": {"filterGroup": [{"filters": []}]},
        "invalidateSubscriptions": [{"subscriptionField": "onPost", "payload": {}}],
        "evictFromApiCache": [
            {
                "typeName": "Query",
                "fieldName": "getPost",
                "keyValuePair": {"context.arguments.id": "1"},
            }
        ],
    }
