"""The behaviours "AWS AppSync resolver mapping template programming guide" documents, each
exercised by a template written in the guide's style (its sections: Variables, Quiet
references, Calling methods, Strings, Loops, Arrays, Conditional checks, Operators, Filtering).
"""

from __future__ import annotations

import pytest

from resolvers.errors import UnauthorizedFieldError
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx

REQUEST = """#set( $payload = {
  "id": $context.arguments.id,
  "kind": "fixed",
  "loudMeta" : "$context.arguments.meta.toUpperCase()"
} )
#set($payload.tags = ["one", "two"])
#set($payload.nested = {
    "a" : "A",
    "b" : "B"
})
#set($name = "Ada")
$util.qr($payload.put("greeting", "Hi ${name}"))
#set($sentence = "Keep everything after the comma, please")
#set ($at = $sentence.indexOf(','))
#set ($at = $at +2)
$util.qr($payload.put("tail", $sentence.substring($at)))
#set($first = 1)
#set($last = 3)
#foreach($i in [$first..$last])          ## a range built from variables
   $util.qr($payload.put($i, "${i}x"))
#end
#set($a = 9)
#set($b = 4)
## Method arguments are references or literals, so results are #set first (as the guide does).
#set($sum = $a + $b)
#set($a-b = $a - $b)
#set($product = $a * $b)
#set($quotient = $a / $b)
#set($remainder = $a % $b)
$util.qr($payload.put("sum", $sum))
$util.qr($payload.put("a-b", $a-b))
$util.qr($payload.put("product", $product))
$util.qr($payload.put("quotient", $quotient))
$util.qr($payload.put("remainder", $remainder))
#set($arr = ["first"])
#set($idx = 0)
$util.qr($payload.put("indexed", $arr[$idx]))
$util.qr($payload.put("replaced", $arr.set(0, 'second')))
$util.qr($payload.put("now", $arr.get(0)))
$util.qr($payload.put("size", $arr.size()))
#set($lookup = {"Author" : "Nadia"})
$util.qr($payload.put("author", $lookup["Author"]))
#if(!$arr.isEmpty())
$util.qr($payload.put("check", "not empty"))
#end
#if ("" && 0)
$util.qr($payload.put("falsy", "only false and null are false"))
#end
#foreach ($item in ["p", "q", "r"])
  #set($key = "item" + $foreach.count)
  #if($foreach.count > 2)
    #break
  #end
  $util.qr($payload.put($key, $item))
#end
{
    "version" : "2017-02-28",
    "operation": "Invoke",
    "payload": $util.toJson($payload)
}"""

RESPONSE = """#if($context.result["id"] == 123)
    $util.toJson($context.result)
#else
    $util.unauthorized()
#end"""


def test_request_template_in_the_guides_style(templates: LoadTemplates) -> None:
    code = templates(REQUEST, RESPONSE)
    ctx = make_ctx({"id": "123", "meta": "testing"})
    document = code.request(ctx)
    assert document["version"] == "2017-02-28"
    assert document["payload"] == {
        "id": "123",
        "kind": "fixed",
        "loudMeta": "TESTING",
        "tags": ["one", "two"],
        "nested": {"a": "A", "b": "B"},
        "greeting": "Hi Ada",
        "tail": "please",
        "1": "1x",
        "2": "2x",
        "3": "3x",
        "sum": 13,
        "a-b": 5,
        "product": 36,
        "quotient": 2,
        "remainder": 1,
        "indexed": "first",
        "replaced": "first",
        "now": "second",
        "size": 1,
        "author": "Nadia",
        "check": "not empty",
        "falsy": "only false and null are false",
        "item1": "p",
        "item2": "q",
    }


def test_quiet_reference_rules(templates: LoadTemplates) -> None:
    # "Quiet references" and "Calling methods": `$!{}` hides nulls, not returned values.
    body = '#set ($m = {})#set ($l = [])[$!{m.put("k", "v1")}][$!{m.put("k", "v2")}]'
    body += '[$!{l.add("x")}][$!{nothing}][$nothing]'
    code = templates('{"out": "' + body + '"}')
    assert code.request(make_ctx()) == {"out": "[][v1][true][][$nothing]"}


def test_response_filtering_by_result(templates: LoadTemplates) -> None:
    code = templates(REQUEST, RESPONSE)
    assert code.response(make_ctx(result={"id": 123, "meta": "ok"})) == {"id": 123, "meta": "ok"}
    with pytest.raises(UnauthorizedFieldError):
        code.response(make_ctx(result={"id": 456}))
