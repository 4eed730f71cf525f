"""Templates from AWS's resolver mapping template documentation, rendered by our runtime.

Each template is the one printed on the page named in its test; the expected request
documents follow the page's explanation of what the template produces.
"""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.errors import UtilError
from tests.unit.resolvers.runtimes.vtl_templates import LoadTemplates, make_ctx

NOW = "2018-02-06T19:01:35.750Z"


def test_put_item_with_to_map_values_json(templates: LoadTemplates) -> None:
    # "DynamoDB helpers in $util.dynamodb": new fields are picked up with their types.
    template = """{
    "version" : "2017-02-28",
    "operation" : "PutItem",
    "key": {
        "id" : $util.dynamodb.toDynamoDBJson($util.autoId())
    },
    "attributeValues" : $util.dynamodb.toMapValuesJson($ctx.args)
}"""
    document = templates(template).request(make_ctx({"title": "T", "author": "A", "version": 1}))
    assert document["operation"] == "PutItem"
    assert len(document["key"]["id"]["S"]) == 36
    assert document["attributeValues"] == {
        "title": {"S": "T"},
        "author": {"S": "A"},
        "version": {"N": 1},
    }


def test_put_item_manipulating_the_map_before_output(templates: LoadTemplates) -> None:
    # "DynamoDB helpers in $util.dynamodb": the object forms, changed before `$util.toJson`.
    template = """{
    "version" : "2017-02-28",
    "operation" : "PutItem",
    "key": {
        "id" : $util.dynamodb.toDynamoDBJson($util.autoId())
    },

    #set( $myFoo = $util.dynamodb.toMapValues($ctx.args) )
    #set( $myFoo.version = $util.dynamodb.toNumber(1) )
    #set( $myFoo.timestamp = $util.dynamodb.toString($util.time.nowISO8601()))

    "attributeValues" : $util.toJson($myFoo)
}"""
    document = templates(template).request(make_ctx({"title": "T"}))
    assert document["attributeValues"] == {
        "title": {"S": "T"},
        "version": {"N": 1},
        "timestamp": {"S": NOW},
    }


def test_json_variant_equals_to_json_of_object_variant(templates: LoadTemplates) -> None:
    # "DynamoDB helpers in $util.dynamodb": "the following statements are exactly the same".
    template = (
        '{"a": $util.dynamodb.toStringJson("Hello, World!"),'
        ' "b": $util.toJson($util.dynamodb.toString("Hello, World!"))}'
    )
    document = templates(template).request(make_ctx())
    assert document["a"] == document["b"] == {"S": "Hello, World!"}


def test_error_handling_response_template(templates: LoadTemplates) -> None:
    # "Error handling in AppSync" / resolver reference: rethrow the data source error.
    template = """#if($ctx.error)
    $util.error($ctx.error.message, $ctx.error.type)
#end
$util.toJson($ctx.result)"""
    code = templates(None, template)
    assert code.response(make_ctx(result={"id": "1"})) == {"id": "1"}


def test_validate_in_a_request_template(templates: LoadTemplates) -> None:
    # "Utility helpers in $util": $util.validate(Boolean, String, String) throws when false.
    template = (
        '$util.validate($util.matches("^[0-9]+$", $ctx.args.id), "id must be numeric",'
        ' "ValidationError")\n{"version": "2018-05-29", "payload": {"id": "$ctx.args.id"}}'
    )
    code = templates(template)
    assert code.request(make_ctx({"id": "42"})) == {
        "version": "2018-05-29",
        "payload": {"id": "42"},
    }
    with pytest.raises(UtilError) as raised:
        code.request(make_ctx({"id": "x"}))
    assert (raised.value.message, raised.value.error_type) == (
        "id must be numeric",
        "ValidationError",
    )


def test_local_resolver_payload_round_trip(templates: LoadTemplates) -> None:
    # "Resolver mapping template reference for None data source": the payload passes through.
    request = """{
    "version": "2018-05-29",
    "payload": $util.toJson($context.arguments)
}"""
    arguments: dict[str, Any] = {"from": "a", "to": "b", "tags": ["x"]}
    document = templates(request).request(make_ctx(arguments))
    assert document == {"version": "2018-05-29", "payload": arguments}


def test_time_in_a_request_template(templates: LoadTemplates) -> None:
    # "Time helpers in $util.time": the formats compatible with AWSDateTime.
    template = (
        '{"at": "$util.time.nowISO8601()",'
        ' "ms": $util.time.nowEpochMilliSeconds(),'
        " \"perth\": \"$util.time.nowFormatted('yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth')\"}"
    )
    assert templates(template).request(make_ctx()) == {
        "at": NOW,
        "ms": 1517943695750,
        "perth": "2018-02-07 03:01:35+0800",
    }
