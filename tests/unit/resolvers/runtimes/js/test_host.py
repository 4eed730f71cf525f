"""`@aws-appsync/utils` from JavaScript: every `util` member, `extensions` and the
`@aws-appsync/utils/dynamodb` helpers, each run through a real handler.

Each case names where its expected value comes from:
- DTS: the Input/Output examples in AWS's own type declarations, `@aws-appsync/utils` 2.1.1
  (npm), `lib/dynamodb-utils.d.ts`, `lib/dynamodb-helpers.d.ts`, `lib/transform-utils.d.ts`;
- TIME: "Time helpers in util.time" (AppSync developer guide, time-helpers-in-util-time-js),
  whose examples are at 2018-02-06T19:01:35.750Z, the clock these tests stop at;
- UTIL: "Built-in utilities" (built-in-util-js) and the $util pages the JavaScript ones
  mirror (utility-helpers-in-util, str/math/xml/http/rds helpers);
- MOD: "Built-in modules" (built-in-modules-js) and the JavaScript resolver reference for
  DynamoDB (js-resolver-reference-dynamodb: GetItem, PutItem, Query ... request shapes);
- LS: localstack/appsync-utils `__tests__/__snapshots__/resolvers.test.js.snap`, recorded from
  AppSync's EvaluateCode (TEST_TARGET=AWS_CLOUD in its `__tests__/helpers.js`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from resolvers.errors import CodeError, ResolverError
from resolvers.runtimes.js.host import EXTENSIONS_FUNCTIONS, UTIL_FUNCTIONS, host_names
from resolvers.runtimes.python import load_python_code
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.util import dynamodb_requests
from resolvers.util.transform import to_dynamodb_filter_expression
from tests.unit.resolvers.fixed_clock import CLOCK
from tests.unit.resolvers.runtimes.js.conftest import LoadCode, context, request_of
from tests.unit.resolvers.util.test_rds import RDS_DOC_RESULT

S3_OBJECT = '{"s3":{"key":"foo","bucket":"bar","region":"baz"}}'
S3_VERSIONED = '{"s3":{"key":"foo","bucket":"bar","region":"baz","version":"beep"}}'

CASES: list[tuple[str, Any, str]] = [
    ('util.dynamodb.toDynamoDB("foo")', {"S": "foo"}, "DTS"),
    (
        'util.dynamodb.toDynamoDB({ "foo": "bar", "baz" : 1234, "beep": [ "boop" ] })',
        {"M": {"foo": {"S": "bar"}, "baz": {"N": 1234}, "beep": {"L": [{"S": "boop"}]}}},
        "DTS",
    ),
    ('util.dynamodb.toString("foo")', {"S": "foo"}, "DTS"),
    ('util.dynamodb.toStringSet([ "foo", "bar", "baz" ])', {"SS": ["foo", "bar", "baz"]}, "DTS"),
    ("util.dynamodb.toNumber(12345)", {"N": 12345}, "DTS"),
    ("util.dynamodb.toNumberSet([ 1, 23, 4.56 ])", {"NS": [1, 23, 4.56]}, "DTS"),
    ('util.dynamodb.toBinary("foo")', {"B": "foo"}, "DTS"),
    ('util.dynamodb.toBinarySet([ "foo", "bar", "baz" ])', {"BS": ["foo", "bar", "baz"]}, "DTS"),
    ("util.dynamodb.toBoolean(true)", {"BOOL": True}, "DTS"),
    ("util.dynamodb.toNull()", {"NULL": None}, "DTS"),
    (
        'util.dynamodb.toList([ "foo", 123, { "bar" : "baz" } ])',
        {"L": [{"S": "foo"}, {"N": 123}, {"M": {"bar": {"S": "baz"}}}]},
        "DTS",
    ),
    (
        'util.dynamodb.toMap({ "foo": "bar", "baz" : 1234, "beep": [ "boop"] })',
        {"M": {"foo": {"S": "bar"}, "baz": {"N": 1234}, "beep": {"L": [{"S": "boop"}]}}},
        "DTS",
    ),
    (
        'util.dynamodb.toMapValues({ "foo": "bar", "baz" : 1234, "beep": [ "boop"] })',
        {"foo": {"S": "bar"}, "baz": {"N": 1234}, "beep": {"L": [{"S": "boop"}]}},
        "DTS",
    ),
    ('util.dynamodb.toS3Object("foo", "bar", "baz")', {"S": S3_OBJECT}, "DTS"),
    ('util.dynamodb.toS3Object("foo", "bar", "baz", "beep")', {"S": S3_VERSIONED}, "DTS"),
    (
        f"util.dynamodb.fromS3ObjectJson({json.dumps(S3_OBJECT)})",
        {"key": "foo", "bucket": "bar", "region": "baz"},
        "DTS",
    ),
    ("util.time.nowISO8601()", "2018-02-06T19:01:35.750Z", "TIME"),
    ("util.time.nowEpochSeconds()", 1517943695, "TIME"),
    ("util.time.nowEpochMilliSeconds()", 1517943695750, "TIME"),
    ('util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ")', "2018-02-06 19:01:35+0000", "TIME"),
    (
        'util.time.nowFormatted("yyyy-MM-dd HH:mm:ssZ", "Australia/Perth")',
        "2018-02-07 03:01:35+0800",
        "TIME",
    ),
    (
        'util.time.parseFormattedToEpochMilliSeconds("2018-02-02 01:19:22+0800", '
        '"yyyy-MM-dd HH:mm:ssZ")',
        1517505562000,
        "TIME",
    ),
    (
        'util.time.parseFormattedToEpochMilliSeconds("2018-02-02 01:19:22", '
        '"yyyy-MM-dd HH:mm:ss", "+08:00")',
        1517505562000,
        "TIME",
    ),
    (
        'util.time.parseISO8601ToEpochMilliSeconds("2018-02-01T17:21:05.180+08:00")',
        1517476865180,
        "TIME",
    ),
    ("util.time.epochMilliSecondsToSeconds(1517943695758)", 1517943695, "TIME"),
    ("util.time.epochMilliSecondsToISO8601(1517943695758)", "2018-02-06T19:01:35.758Z", "TIME"),
    (
        'util.time.epochMilliSecondsToFormatted(1517943695758, "yyyy-MM-dd HH:mm:ssZ")',
        "2018-02-06 19:01:35+0000",
        "TIME",
    ),
    (
        'util.time.epochMilliSecondsToFormatted(1517943695758, "yyyy-MM-dd HH:mm:ssZ", "+08:00")',
        "2018-02-07 03:01:35+0800",
        "TIME",
    ),
    ('util.urlEncode("a b&c")', "a+b%26c", "UTIL"),
    ('util.urlDecode("a+b%26c")', "a b&c", "UTIL"),
    ('util.base64Encode("hello")', "aGVsbG8=", "UTIL"),
    ('util.base64Decode("aGVsbG8=")', "hello", "UTIL"),
    ('util.escapeJavaScript("it\'s")', "it\\'s", "UTIL"),
    ('util.matches("a-.*", "a-b")', True, "UTIL"),
    ('util.matches("a-.*", "b")', False, "UTIL"),
    ("util.authType()", "API Key Authorization", "UTIL"),
    ('util.str.normalize("e\\u0301", "nfc")', "\u00e9", "UTIL"),
    ("util.math.roundNum(2.5)", 3, "UTIL"),
    ("util.math.minVal(3.5, 2)", 2.0, "UTIL"),
    ("util.math.maxVal(3.5, 2)", 3.5, "UTIL"),
    ("util.math.randomWithinRange(10, 11)", 10, "UTIL"),
    (
        'util.xml.toMap("<posts><post><id>1</id><title>Getting started with GraphQL</title>'
        '</post></posts>")',
        {"posts": {"post": {"id": 1, "title": "Getting started with GraphQL"}}},
        "UTIL",
    ),
    ('util.xml.toJsonString("<a><b>1</b></a>")', '{"a":{"b":1}}', "UTIL"),
    ('util.http.copyHeaders({ "host": "h", "x-id": "1" })', {"x-id": "1"}, "UTIL"),
    (
        'util.transform.toDynamoDBFilterExpression({ "title": { "contains": "Hello World" } })',
        to_dynamodb_filter_expression({"title": {"contains": "Hello World"}}),
        "DTS",
    ),
    (
        'JSON.parse(util.transform.toDynamoDBFilterExpression({ "title": { "contains": '
        '"Hello World" } }))',
        {
            "expression": "contains(#title, :title_contains)",
            "expressionNames": {"#title": "title"},
            "expressionValues": {":title_contains": {"S": "Hello World"}},
        },
        "DTS",
    ),
    (
        'JSON.parse(util.transform.toElasticsearchQueryDSL({ "upvotes": { "ne": 15, '
        '"range": [10, 20] }, "title": { "eq": "hihihi", "wildcard": "h*i" } }))',
        {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "must": [
                                {"bool": {"must_not": {"term": {"upvotes": 15}}}},
                                {"range": {"upvotes": {"gte": 10, "lte": 20}}},
                            ]
                        }
                    },
                    {
                        "bool": {
                            "must": [
                                {"term": {"title": "hihihi"}},
                                {"wildcard": {"title": "h*i"}},
                            ]
                        }
                    },
                ]
            }
        },
        "DTS",
    ),
    (
        'util.transform.toSubscriptionFilter({ "group": { "eq": "a" } })',
        {"filterGroup": [{"filters": [{"fieldName": "group", "operator": "eq", "value": "a"}]}]},
        "UTIL",
    ),
    ('rds.typeHint.UUID("abc123")', {"type": "UUID", "value": "abc123"}, "LS"),
    ("ctx.args.id ?? util.autoId()", "post-1", "UTIL"),
]


@pytest.mark.conformance
@pytest.mark.parametrize(("expression", "expected", "source"), CASES)
def test_util_from_javascript(js: LoadCode, expression: str, expected: Any, source: str) -> None:
    assert source in ("DTS", "TIME", "UTIL", "MOD", "LS")
    assert request_of(js, expression) == expected


def test_every_util_member_is_reachable_from_javascript(js: LoadCode) -> None:
    members = [f"util.{name}" for name in UTIL_FUNCTIONS]
    members += [f"extensions.{name}" for name in EXTENSIONS_FUNCTIONS]
    kinds = request_of(js, "[" + ", ".join(f"typeof {m}" for m in members) + "]")
    assert kinds == ["function"] * len(members)
    assert len(host_names()) == len(set(host_names()))


def test_generated_ids_have_their_documented_shapes(js: LoadCode) -> None:
    ids = request_of(js, "[util.autoId(), util.autoUlid(), util.autoKsuid()]")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", ids[0])
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", ids[1])
    assert re.fullmatch(r"[0-9A-Za-z]{27}", ids[2])


def test_append_error_and_response_headers_record_on_the_field(js: LoadCode) -> None:
    ctx = context()
    code = js(
        """
        export function request(ctx) {
          util.appendError('partial', 'PartialFailure', { id: 1 }, { hint: 'x' });
          util.http.addResponseHeader('itemsCount', 7);
          return {};
        }
        export const response = (ctx) => ctx.result;
        """
    )
    assert code.request(ctx) == {}
    assert ctx.appended_errors == [
        {
            "message": "partial",
            "errorType": "PartialFailure",
            "data": {"id": 1},
            "errorInfo": {"hint": "x"},
        }
    ]
    assert ctx.extensions["responseHeaders"] == {"itemsCount": "7"}


def test_extensions_record_what_the_server_acts_on(js: LoadCode) -> None:
    """extensions-js: the four calls, recorded under the keys VTL and PYTHON use."""
    ctx = context()
    code = js(
        """
        import { util, extensions } from '@aws-appsync/utils';
        export function request(ctx) {
          extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ id: { eq: 1 } }));
          extensions.setSubscriptionInvalidationFilter({ filterGroup: [] });
          extensions.invalidateSubscriptions({ subscriptionField: 'onUpdate', payload: { id: 1 } });
          extensions.evictFromApiCache('Query', 'getPost', { 'context.arguments.id': '1' });
          return null;
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    code.request(ctx)
    assert ctx.extensions == {
        "setSubscriptionFilter": {
            "filterGroup": [{"filters": [{"fieldName": "id", "operator": "eq", "value": 1}]}]
        },
        "setSubscriptionInvalidationFilter": {"filterGroup": []},
        "invalidateSubscriptions": [{"subscriptionField": "onUpdate", "payload": {"id": 1}}],
        "evictFromApiCache": [
            {
                "typeName": "Query",
                "fieldName": "getPost",
                "keyValuePair": {"context.arguments.id": "1"},
            }
        ],
    }


DDB_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "ddb.get({ key: { id: ctx.args.id } })",
        {"operation": "GetItem", "key": {"id": {"S": "post-1"}}},
        "MOD",
    ),
    (
        "ddb.get({ key: { id: '1' }, consistentRead: true, projection: ['id', 'title'] })",
        {
            "operation": "GetItem",
            "key": {"id": {"S": "1"}},
            "consistentRead": True,
            "projection": {
                "expression": "#projection0, #projection1",
                "expressionNames": {"#projection0": "id", "#projection1": "title"},
            },
        },
        "MOD",
    ),
    (
        "ddb.put({ key: { id: 'p1' }, item: { title: 'New Task', isComplete: false }, "
        "condition: { owner: { eq: 'me' } } })",
        {
            "operation": "PutItem",
            "key": {"id": {"S": "p1"}},
            "attributeValues": {"title": {"S": "New Task"}, "isComplete": {"BOOL": False}},
            "condition": {
                "expression": "#owner = :owner_eq",
                "expressionNames": {"#owner": "owner"},
                "expressionValues": {":owner_eq": {"S": "me"}},
            },
        },
        "DTS",
    ),
    (
        "ddb.remove({ key: { id: ctx.args.id } })",
        {"operation": "DeleteItem", "key": {"id": {"S": "post-1"}}},
        "MOD",
    ),
    (
        "ddb.query({ query: { id: { eq: ctx.args.id } } })",
        {
            "operation": "Query",
            "query": {
                "expression": "#id = :key_id_eq",
                "expressionNames": {"#id": "id"},
                "expressionValues": {":key_id_eq": {"S": "post-1"}},
            },
        },
        "MOD",
    ),
    ("ddb.scan({ limit: 10 })", {"operation": "Scan", "limit": 10}, "MOD"),
    (
        "ddb.sync({ limit: 10, lastSync: 1517943695750 })",
        {"operation": "Sync", "limit": 10, "lastSync": 1517943695750},
        "DTS",
    ),
    (
        "ddb.batchGet({ tables: { post: { keys: [{id: '1'}, {id: '2'}], consistentRead: false "
        "} } })",
        {
            "operation": "BatchGetItem",
            "tables": {
                "post": {"keys": [{"id": {"S": "1"}}, {"id": {"S": "2"}}], "consistentRead": False}
            },
        },
        "DTS",
    ),
    (
        "ddb.batchPut({ tables: { post: [{id: 'one', value: 'x'}] } })",
        {
            "operation": "BatchPutItem",
            "tables": {"post": [{"id": {"S": "one"}, "value": {"S": "x"}}]},
        },
        "DTS",
    ),
    (
        "ddb.batchDelete({ tables: { post: [{id: 'one'}, {id: 'two'}] } })",
        {
            "operation": "BatchDeleteItem",
            "tables": {"post": [{"id": {"S": "one"}}, {"id": {"S": "two"}}]},
        },
        "DTS",
    ),
    (
        "ddb.transactGet({ items: [{ table: 'post', key: {id: '1'} }] })",
        {
            "operation": "TransactGetItems",
            "transactItems": [{"table": "post", "key": {"id": {"S": "1"}}}],
        },
        "DTS",
    ),
    (
        "ddb.toStringSet(['a', 'b'])",
        {"SS": ["a", "b"]},
        "DTS",
    ),
]


@pytest.mark.conformance
@pytest.mark.parametrize(("expression", "expected", "source"), DDB_CASES)
def test_dynamodb_module_request_documents(
    js: LoadCode, expression: str, expected: dict[str, Any], source: str
) -> None:
    assert source in ("DTS", "MOD")
    assert request_of(js, expression) == expected


def test_update_operations_are_the_python_builders_own(js: LoadCode) -> None:
    """`operations.*` from JavaScript give the same UpdateItem as the shared builder given the
    same changes (DTS: DynamoDBOperation's add, remove, replace, increment, decrement, append,
    prepend, updateListItem)."""
    got = request_of(
        js,
        "ddb.update({ key: { id: '1' }, update: { title: 'T', views: ddb.operations.increment(1),"
        " likes: ddb.operations.decrement(2), tags: ddb.operations.append(['x']),"
        " first: ddb.operations.prepend(['y']), old: ddb.operations.remove(),"
        " seen: ddb.operations.add(5), name: ddb.operations.replace('n'),"
        " list: ddb.operations.updateListItem('z', 2) }, condition: { id: { attributeExists: true"
        " } } })",
    )
    ops = dynamodb_requests.operations
    assert got == dynamodb_requests.update(
        {
            "key": {"id": "1"},
            "update": {
                "title": "T",
                "views": ops.increment(1),
                "likes": ops.decrement(2),
                "tags": ops.append(["x"]),
                "first": ops.prepend(["y"]),
                "old": ops.remove(),
                "seen": ops.add(5),
                "name": ops.replace("n"),
                "list": ops.updateListItem("z", 2),
            },
            "condition": {"id": {"attributeExists": True}},
        }
    )
    assert got["update"]["expression"].startswith("SET #update0 = :update0")


def test_transact_write_takes_the_documented_item_kinds(js: LoadCode) -> None:
    """DTS: `transactWrite({items: [{putItem: {...}}, {deleteItem}, {updateItem}, "
    "{conditionCheck}]})`."""
    got = request_of(
        js,
        "ddb.transactWrite({ items: ["
        " { putItem: { table: 'post', key: { id: '1' }, item: { title: 'a' } } },"
        " { deleteItem: { table: 'post', key: { id: '2' } } },"
        " { updateItem: { table: 'post', key: { id: '3' }, update: { n: "
        "ddb.operations.increment(1) } } },"
        " { conditionCheck: { table: 'post', key: { id: '4' }, condition: { id: { "
        "attributeExists: true } } } }"
        "] })",
    )
    assert [item["operation"] for item in got["transactItems"]] == [
        "PutItem",
        "DeleteItem",
        "UpdateItem",
        "ConditionCheck",
    ]
    assert got["transactItems"][0]["attributeValues"] == {"title": {"S": "a"}}
    assert got["transactItems"][2]["update"]["expression"] == "SET #update0 = #update0 + :update0"
    assert got["transactItems"][3]["condition"]["expression"] == "attribute_exists(#id)"


def test_a_value_dynamodb_cannot_type_is_the_helpers_error(js: LoadCode) -> None:
    with pytest.raises(ResolverError, match="toMapValues expects a Map"):
        request_of(js, "util.dynamodb.toMapValues('not a map')")


def test_a_mistyped_call_is_a_type_error_at_the_callers_line(js: LoadCode) -> None:
    code = js(
        """
        export function request(ctx) {
          return util.time.nowFormatted();
        }
        export function response(ctx) { return ctx.result; }
        """
    )
    with pytest.raises(CodeError) as raised:
        code.request(context())
    assert raised.value.message == (
        "code.js:2:20: TypeError: util.time.nowFormatted: missing 1 required positional "
        "argument: 'pattern'"
    )


# AWS documents each DynamoDB request both ways: the VTL mapping template (resolver-mapping-
# template-reference-dynamodb-getitem, -putitem, -query, -deleteitem) and the JavaScript request
# (js-resolver-reference-dynamodb, built-in-modules-js). The same arguments through VTL,
# PYTHON and JS give the same document, `version` aside (JavaScript requests have none).
EQUIVALENTS: list[tuple[str, str, str, str]] = [
    (
        "GetItem",
        '{"version": "2017-02-28", "operation": "GetItem",'
        ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}',
        "ddb.get({'key': {'id': ctx.args['id']}})",
        "ddb.get({ key: { id: ctx.args.id } })",
    ),
    (
        "PutItem",
        '{"version": "2018-05-29", "operation": "PutItem",'
        ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)},'
        ' "attributeValues": $util.dynamodb.toMapValuesJson($ctx.args.input)}',
        "ddb.put({'key': {'id': ctx.args['id']}, 'item': ctx.args['input']})",
        "ddb.put({ key: { id: ctx.args.id }, item: ctx.args.input })",
    ),
    (
        "DeleteItem",
        '{"version": "2017-02-28", "operation": "DeleteItem",'
        ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}',
        "ddb.remove({'key': {'id': ctx.args['id']}})",
        "ddb.remove({ key: { id: ctx.args.id } })",
    ),
    (
        "Scan with a filter",
        '{"version": "2017-02-28", "operation": "Scan",'
        ' "filter": $util.transform.toDynamoDBFilterExpression($ctx.args.filter)}',
        "{'operation': 'Scan', 'filter': util.parseJson("
        "util.transform.toDynamoDBFilterExpression(ctx.args['filter']))}",
        "({ operation: 'Scan', filter: JSON.parse("
        "util.transform.toDynamoDBFilterExpression(ctx.args.filter)) })",
    ),
]
EQUIVALENT_ARGS = {
    "id": "post-1",
    "input": {"title": "Hello", "views": 3, "tags": ["a"], "draft": False},
    "filter": {"title": {"beginsWith": "He"}, "views": {"gt": 2}},
}


@pytest.mark.conformance
@pytest.mark.parametrize(
    ("operation", "vtl", "python", "javascript"), EQUIVALENTS, ids=[e[0] for e in EQUIVALENTS]
)
def test_vtl_python_and_javascript_build_the_same_request(
    js: LoadCode, tmp_path: Path, operation: str, vtl: str, python: str, javascript: str
) -> None:
    template = tmp_path / "request.vtl"
    template.write_text(vtl, encoding="utf-8")
    from_vtl = load_vtl_code(template, None, CLOCK).request(context(arguments=EQUIVALENT_ARGS))
    module = tmp_path / "resolver.py"
    module.write_text(
        "from resolvers.util import dynamodb_requests as ddb\n"
        f"def request(ctx):\n    return {python}\n"
        "def response(ctx):\n    return ctx.result\n",
        encoding="utf-8",
    )
    from_python = load_python_code(module, CLOCK).request(context(arguments=EQUIVALENT_ARGS))
    from_javascript = request_of(js, javascript, arguments=EQUIVALENT_ARGS)
    from_vtl.pop("version")
    assert from_javascript == from_vtl, operation
    assert from_python == from_vtl, operation


def test_rds_statements_from_javascript(js: LoadCode) -> None:
    """LS: the createPgStatement-typeHint snapshot, through `rds.*` and the `sql` template."""
    got = request_of(
        js,
        "[rds.createPgStatement(rds.select({ table: 'UserGroup', where: { and: ["
        " { id: { eq: rds.typeHint.UUID('1232') } },"
        " { started: { lt: rds.typeHint.TIMESTAMP(new Date(Date.UTC(2022, 2, 2))) } } ] } })),"
        " rds.createMySQLStatement(rds.sql`SELECT * FROM persons WHERE id = ${ctx.args.id}`)]",
    )
    assert got == [
        {
            "statements": ['SELECT * FROM "UserGroup" WHERE ("id" = :P0) AND ("started" < :P1)'],
            "variableMap": {":P0": "1232", ":P1": "2022-03-02T00:00:00.000Z"},
            "variableTypeHintMap": {":P0": "UUID", ":P1": "TIMESTAMP"},
        },
        {
            "statements": ["SELECT * FROM persons WHERE id = :P0"],
            "variableMap": {":P0": "post-1"},
            "variableTypeHintMap": {},
        },
    ]
    assert request_of(js, "typeof rds.insert + typeof rds.update + typeof rds.remove") == (
        "function" * 3
    )


@pytest.mark.conformance
def test_rds_to_json_object_through_both_import_paths(js: LoadCode) -> None:
    """LS: the "toJsonObject import paths" snapshots (`import { toJsonObject } from
    '@aws-appsync/utils/rds'` and `util.rds.toJsonObject`), on the Books result of AWS's
    `lib/rds-utils.d.ts` example: one list of rows per statement."""
    rows = [
        {
            "author": "Mark Twain",
            "title": "Adventures of Huckleberry Finn",
            "ISBN-13": "978-1948132817",
        },
        {"author": "Jack London", "title": "The Call of the Wild", "ISBN-13": "978-1948132275"},
    ]
    both = "[rds.toJsonObject(ctx.result), util.rds.toJsonObject(ctx.result)]"
    assert request_of(js, both, result=json.dumps(RDS_DOC_RESULT)) == [[rows], [rows]]


def test_random_double_is_within_zero_and_one(js: LoadCode) -> None:
    """DTS: `randomDouble` "@returns {number} - Random double between 0 and 1"
    (lib/math-utils.d.ts)."""
    values = request_of(js, "[util.math.randomDouble(), util.math.randomDouble()]")
    assert all(isinstance(v, float) and 0 <= v < 1 for v in values)
