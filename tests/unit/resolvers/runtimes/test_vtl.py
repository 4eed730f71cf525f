"""The VTL runtime in AppSync mode: directives, Velocity 1.7 semantics and output parsing.

Sources: "AWS AppSync directives" (`#return`), "Utility helpers in $util" (`$util.qr`,
`$util.quiet`, `$util.error`), the AppSync troubleshooting page ("errorType is
MappingTemplate"), and Apache Velocity 1.7's user guide for what AppSync inherits (`#set`,
`#foreach`, `#break`, `#stop`, quiet references, null references printing their own text).
Printed maps and lists are Java's `AbstractMap.toString` / `AbstractCollection.toString`.
"""

from __future__ import annotations

import pytest

from resolvers.context import ContextError, SkipTo
from resolvers.errors import ResolverError, UtilError
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx, printed, request


def test_if_treats_null_as_false(templates: LoadTemplates) -> None:
    body = '{"a": #if($ctx.args.missing) "yes" #else "no" #end}'
    assert request(templates, body) == {"a": "no"}


def test_if_treats_non_null_values_as_true(templates: LoadTemplates) -> None:
    # Velocity 1.7: only null and false are false. Amplify's templates rely on it: they test
    # `#if($condition.expressionValues && $condition.expressionValues.size() == 0)`.
    body = (
        '{"a": #if($ctx.args.empty) "yes" #else "no" #end, "z": #if($ctx.args.zero) 1 #else 0 #end}'
    )
    assert request(templates, body, empty={}, zero=0) == {"a": "yes", "z": 1}


def test_if_on_false_takes_the_else_branch(templates: LoadTemplates) -> None:
    body = '{"a": #if($ctx.args.flag) 1 #elseif($ctx.args.other) 2 #else 3 #end}'
    assert request(templates, body, flag=False, other=True) == {"a": 2}
    assert request(templates, body, flag=False) == {"a": 3}


def test_not_of_null_is_true(templates: LoadTemplates) -> None:
    assert request(templates, '{"a": #if(!$ctx.args.x) true #else false #end}') == {"a": True}


def test_and_short_circuits_on_null(templates: LoadTemplates) -> None:
    body = '{"a": #if($ctx.args.m && $ctx.args.m.get("k") == 1) 1 #else 2 #end}'
    assert request(templates, body) == {"a": 2}
    assert request(templates, body, m={"k": 1}) == {"a": 1}


def test_operator_precedence_and_arithmetic(templates: LoadTemplates) -> None:
    body = (
        '{"a": $math, "b": #if(1 + 2 * 3 == 7 && !false || false) true #else false #end,'
        ' "c": $div, "d": $neg, "e": $mod}'
    )
    full = "#set($math = 2 + 3 * 4)#set($div = 7 / 2)#set($neg = -7 / 2)#set($mod = -7 % 3)" + body
    assert request(templates, full) == {"a": 14, "b": True, "c": 3, "d": -3, "e": -1}


def test_plus_concatenates_when_either_side_is_a_string(templates: LoadTemplates) -> None:
    assert printed(templates, '#set($s = "id-" + 5)$s') == "id-5"


def test_equality_compares_numbers_by_value_and_other_types_by_string(
    templates: LoadTemplates,
) -> None:
    body = (
        '{"a": #if($ctx.args.n == 5.0) 1 #else 0 #end, "b": #if($ctx.args.n == "5") 1 #else 0 #end}'
    )
    assert request(templates, body, n=5) == {"a": 1, "b": 1}


def test_maps_and_lists_print_as_java_does(templates: LoadTemplates) -> None:
    body = '#set($m = {"a": 1, "b": [1, "x", null, true, 2.5]})$m $m.keySet()'
    assert printed(templates, body) == "{a=1, b=[1, x, null, true, 2.5]} [a, b]"


def test_list_add_prints_true_unless_quieted(templates: LoadTemplates) -> None:
    assert printed(templates, "#set($l = [])$l.add(1)") == "true"
    body = "#set($l = [])$util.qr($l.add(2))$util.quiet($l.add(3))$l"
    assert printed(templates, body) == "[2, 3]"


def test_map_put_returns_the_previous_value(templates: LoadTemplates) -> None:
    body = '#set($m = {"k": "old"})$m.put("k", "new") $m.get("k")'
    assert printed(templates, body) == "old new"


def test_null_reference_prints_its_own_text_unless_quiet(templates: LoadTemplates) -> None:
    assert printed(templates, "[$ctx.args.nope][$!ctx.args.nope][$!{ctx.args.nope}]") == (
        "[$ctx.args.nope][][]"
    )


def test_set_with_a_null_value_leaves_the_variable_alone(templates: LoadTemplates) -> None:
    assert printed(templates, '#set($x = "kept")#set($x = $ctx.args.nope)$x') == "kept"


def test_set_into_maps_and_lists(templates: LoadTemplates) -> None:
    body = (
        '#set($m = {"inner": {}})#set($m.inner.k = 1)#set($m["j"] = 2)'
        "#set($l = [0, 0])#set($l[1] = 9)"
    )
    assert printed(templates, body + "$m $l") == "{inner={k=1}, j=2} [0, 9]"


def test_foreach_over_a_list_with_loop_variables(templates: LoadTemplates) -> None:
    body = "#foreach($i in $ctx.args.items)$i:$foreach.count:$foreach.hasNext,#end"
    assert printed(templates, body, items=["a", "b"]) == "a:1:true,b:2:false,"


def test_foreach_over_a_map_walks_its_values(templates: LoadTemplates) -> None:
    assert printed(templates, "#foreach($v in $ctx.args.m)$v#end", m={"a": 1, "b": 2}) == "12"


def test_foreach_restores_the_loop_variable(templates: LoadTemplates) -> None:
    assert printed(templates, '#set($i = "outer")#foreach($i in [1, 2])$i#end$i') == "12outer"


def test_foreach_over_a_range(templates: LoadTemplates) -> None:
    assert printed(templates, "#foreach($i in [3..1])$i#end") == "321"


def test_break_leaves_the_innermost_loop(templates: LoadTemplates) -> None:
    body = "#foreach($i in [1..3])#foreach($j in [1..3])#if($j == 2)#break#end$i$j #end#end"
    assert printed(templates, body) == "11 21 31 "


def test_stop_ends_the_template_keeping_the_output(templates: LoadTemplates) -> None:
    code = templates('{"a": 1}#stop this is never rendered')
    assert code.request(make_ctx()) == {"a": 1}


def test_macro_with_arguments(templates: LoadTemplates) -> None:
    body = '#macro(pair $k $v)$k=$v#end#pair("a" 1);#pair("b", 2)'
    assert printed(templates, body) == "a=1;b=2"


def test_string_methods_templates_call(templates: LoadTemplates) -> None:
    body = (
        '#set($s = " Hello, World ")$s.trim().toUpperCase()|$s.length()|$s.contains("World")|'
        '$s.trim().substring(0, 5)|$s.indexOf("o")|$s.replace("l", "L")|'
        '$s.trim().split(", ")|$s.trim().startsWith("Hello")|$s.endsWith("d ")|'
        '$s.isEmpty()|#set($t = "a,b,,")$t.split(",").size()|'
        '$s.trim().replaceAll("(\\w+), (\\w+)", "$2 $1")'
    )
    assert printed(templates, body) == (
        "HELLO, WORLD|14|true|Hello|5| HeLLo, WorLd |[Hello, World]|true|true|false|2|World Hello"
    )


def test_map_and_list_methods_templates_call(templates: LoadTemplates) -> None:
    body = (
        '#set($m = {"a": 1})$util.qr($m.putAll({"b": 2}))$m.containsKey("b")|$m.size()|'
        '$m.remove("a")|$m.values()|#foreach($e in $m.entrySet())$e.key=$e.value#end|'
        "#set($l = [1, 2, 3])$util.qr($l.addAll([4]))$l.size()|$l.get(0)|$l.contains(4)|"
        "$l.isEmpty()|$l.indexOf(3)|$l.remove(0)|$l"
    )
    assert printed(templates, body) == "true|2|1|[2]|b=2|4|1|true|false|2|1|[2, 3, 4]"


def test_unknown_method_is_an_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError) as raised:
        request(templates, '{"a": "$ctx.args.s.frobnicate()"}', s="x")
    assert raised.value.error_type == "MappingTemplate"
    assert "does not contain method frobnicate" in raised.value.message
    assert "line 1, column 8" in raised.value.message


def test_unknown_util_method_is_an_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError, match="does not contain method nope"):
        request(templates, '{"a": "$util.nope()"}')


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


def test_foreach_stops_at_appsyncs_iteration_quota(templates: LoadTemplates) -> None:
    # AWS AppSync service quotas: "Iterations in a foreach loop in mapping templates: 1000".
    body = "#set($n = 0)#foreach($i in [1..1500])#set($n = $n + 1)#end$n"
    assert printed(templates, body) == "1000"


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


def test_errors_inside_a_string_name_the_template_position(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError) as raised:
        request(templates, '{\n  "a": "x $ctx.args.s.nope() y"\n}', s="v")
    assert "line 2, column 11" in raised.value.message


def test_helpers_that_return_nothing_print_nothing(templates: LoadTemplates) -> None:
    # AppSync prints nothing for `$util.appendError(...)` (the documented pattern writes it bare
    # in a response template) while a null *value* prints the reference, as in Velocity.
    body = '$util.appendError("e")$util.log.info("x")|$util.defaultIfNull($ctx.args.a, $ctx.args.b)'
    assert printed(templates, body) == "|$util.defaultIfNull($ctx.args.a, $ctx.args.b)"
