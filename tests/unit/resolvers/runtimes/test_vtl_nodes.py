"""VTL expressions: Velocity 1.7's operators (`!` of null is true, `&&` short-circuits), method
calls on helpers and Java values, and the template position an error names."""

from __future__ import annotations

import pytest

from resolvers.errors import ResolverError
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, request


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


def test_unknown_method_is_an_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError) as raised:
        request(templates, '{"a": "$ctx.args.s.frobnicate()"}', s="x")
    assert raised.value.error_type == "MappingTemplate"
    assert "does not contain method frobnicate" in raised.value.message
    assert "line 1, column 8" in raised.value.message


def test_unknown_util_method_is_an_error(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError, match="does not contain method nope"):
        request(templates, '{"a": "$util.nope()"}')


def test_errors_inside_a_string_name_the_template_position(templates: LoadTemplates) -> None:
    with pytest.raises(ResolverError) as raised:
        request(templates, '{\n  "a": "x $ctx.args.s.nope() y"\n}', s="v")
    assert "line 2, column 11" in raised.value.message
