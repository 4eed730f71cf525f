"""VTL directives in AppSync mode: `#if`, `#set`, `#foreach`, `#break`, `#stop`, `#macro`, and
references printed in text.

Sources: Apache Velocity 1.7's user guide for what AppSync inherits (`#set`, `#foreach`,
`#break`, `#stop`, quiet references, null references printing their own text), "Utility helpers
in $util" and the AppSync resolver mapping template programming guide for AppSync's own rules.
"""

from __future__ import annotations

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


def test_foreach_stops_at_appsyncs_iteration_quota(templates: LoadTemplates) -> None:
    # AWS AppSync service quotas: "Iterations in a foreach loop in mapping templates: 1000".
    body = "#set($n = 0)#foreach($i in [1..1500])#set($n = $n + 1)#end$n"
    assert printed(templates, body) == "1000"


def test_helpers_that_return_nothing_print_nothing(templates: LoadTemplates) -> None:
    # AppSync prints nothing for `$util.appendError(...)` (the documented pattern writes it bare
    # in a response template) while a null *value* prints the reference, as in Velocity.
    body = '$util.appendError("e")$util.log.info("x")|$util.defaultIfNull($ctx.args.a, $ctx.args.b)'
    assert printed(templates, body) == "|$util.defaultIfNull($ctx.args.a, $ctx.args.b)"
