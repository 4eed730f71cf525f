"""The Java methods and properties VTL templates call on values: String, List, Map and
`$foreach`, with Java's results (`String.split` drops trailing empty strings, `$list.add` returns
true, `$map.put` the previous value) and Java's error for a method the class lacks."""

from __future__ import annotations

import pytest

from resolvers.errors import JavaMethodError
from resolvers.runtimes.vtl_java import ForeachScope
from resolvers.runtimes.vtl_java_methods import call_java_method, get_java_property
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, printed


def test_list_add_prints_true_unless_quieted(templates: LoadTemplates) -> None:
    assert printed(templates, "#set($l = [])$l.add(1)") == "true"
    body = "#set($l = [])$util.qr($l.add(2))$util.quiet($l.add(3))$l"
    assert printed(templates, body) == "[2, 3]"


def test_map_put_returns_the_previous_value(templates: LoadTemplates) -> None:
    body = '#set($m = {"k": "old"})$m.put("k", "new") $m.get("k")'
    assert printed(templates, body) == "old new"


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


@pytest.mark.parametrize(
    ("text", "regex", "parts"),
    [
        ("a,b,,c,,", ",", ["a", "b", "", "c"]),
        ("abc", "", ["a", "b", "c"]),
        ("a1b22c", "\\d+", ["a", "b", "c"]),
        ("", ",", [""]),
        (",a", ",", ["", "a"]),
    ],
)
def test_string_split(text: str, regex: str, parts: list[str]) -> None:
    assert call_java_method(text, "split", [regex]) == parts


def test_string_split_with_a_limit_keeps_trailing_empties() -> None:
    assert call_java_method("a,b,,", "split", [",", -1]) == ["a", "b", "", ""]
    assert call_java_method("a,b,c", "split", [",", 2]) == ["a", "b,c"]


def test_replace_all_uses_java_group_references() -> None:
    assert call_java_method("John Smith", "replaceAll", ["(\\w+) (\\w+)", "$2, $1"]) == (
        "Smith, John"
    )


def test_substring_out_of_range_is_an_error() -> None:
    with pytest.raises(JavaMethodError):
        call_java_method("abc", "substring", [2, 5])


def test_foreach_scope_properties_and_methods() -> None:
    scope = ForeachScope(index=1, size=3)
    assert get_java_property(scope, "count") == 2
    assert get_java_property(scope, "hasNext") is True
    assert call_java_method(scope, "hasNext", []) is True
    assert get_java_property(scope, "last") is False


def test_unknown_method_names_the_java_class() -> None:
    with pytest.raises(JavaMethodError, match=r"java.util.ArrayList' does not contain method"):
        call_java_method([1], "push", [2])
