"""EvaluateCode and EvaluateMappingTemplate answered locally, body in and (status, body) out.

Shapes from botocore's `appsync` 2017-07-25 service model (EvaluateCodeRequest/Response,
EvaluateMappingTemplateRequest/Response, EvaluateCodeErrorDetail, CodeError,
CodeErrorLocation) and AppSync's own example (developer guide, test-resolvers: the PutItem
request of `record-id` and its logs `INFO - code.js:5:3: "current id" "record-id"`).
"""

from __future__ import annotations

import json
from typing import Any

from appsync import evaluation
from appsync.evaluation import RUNTIME, resolver_context
from tests.unit.resolvers.fixed_clock import CLOCK

# AppSync's example, written as its example's logs place the calls (lines 5 and 9).
PUT_ITEM = """import { util } from '@aws-appsync/utils';

export function request(ctx) {
  const { id, owner, authorId } = ctx.args;
  console.log('current id', id);
  const item = { owner, expectedVersion: 2, authorId };
  ctx.stash.checked = true;
  util.appendError('an owner was given', 'Notice');
  console.log('request evaluated');
  return { operation: 'PutItem', key: util.dynamodb.toMapValues({ id }),
    attributeValues: util.dynamodb.toMapValues(item) };
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result;
}
"""
ARGUMENTS = {"id": "record-id", "owner": "John doe", "authorId": "Sammy Davis"}


def code_body(code: str, context: Any, function: str = "request") -> dict[str, Any]:
    return {"runtime": RUNTIME, "code": code, "context": json.dumps(context), "function": function}


def evaluate_code(body: dict[str, Any], clock: Any) -> tuple[int, dict[str, Any]]:
    status, answer = evaluation.evaluate_code(body, clock)
    return status, dict(answer)


def evaluate_mapping_template(body: dict[str, Any], clock: Any) -> tuple[int, dict[str, Any]]:
    status, answer = evaluation.evaluate_mapping_template(body, clock)
    return status, dict(answer)


def test_a_request_handler_gives_appsyncs_answer() -> None:
    status, answer = evaluate_code(code_body(PUT_ITEM, {"arguments": ARGUMENTS}), CLOCK)
    assert status == 200
    assert json.loads(answer["evaluationResult"]) == {
        "operation": "PutItem",
        "key": {"id": {"S": "record-id"}},
        "attributeValues": {
            "owner": {"S": "John doe"},
            "expectedVersion": {"N": 2},
            "authorId": {"S": "Sammy Davis"},
        },
    }
    assert answer["logs"] == [
        'INFO - code.js:5:3: "current id" "record-id"',
        'INFO - code.js:9:3: "request evaluated"',
    ]
    assert json.loads(answer["stash"]) == {"checked": True}
    assert json.loads(answer["outErrors"]) == [
        {"message": "an owner was given", "errorType": "Notice", "data": None, "errorInfo": None}
    ]
    assert "error" not in answer


def test_a_response_handler_reads_the_result_and_the_error() -> None:
    context = {"arguments": ARGUMENTS, "result": {"id": "record-id"}, "stash": {"a": 1}}
    status, answer = evaluate_code(code_body(PUT_ITEM, context, "response"), CLOCK)
    assert (status, json.loads(answer["evaluationResult"])) == (200, {"id": "record-id"})
    assert json.loads(answer["stash"]) == {"a": 1}
    context["error"] = {"message": "The conditional request failed", "type": "DynamoDB:Fail"}
    status, answer = evaluate_code(code_body(PUT_ITEM, context, "response"), CLOCK)
    assert (status, answer["error"]) == (200, {"message": "The conditional request failed"})
    assert "evaluationResult" not in answer


def test_a_runtime_error_and_a_runaway_loop_are_the_answers_error() -> None:
    broken = "export function request(ctx) {\n  return ctx.args.missing.deeper;\n}\n"
    status, answer = evaluate_code(code_body(broken, {}), CLOCK)
    assert status == 200
    assert answer["error"]["message"].startswith("code.js:2:")
    assert "TypeError" in answer["error"]["message"]
    spin = (
        "const forever = { [Symbol.iterator]: () => ({ next: () => ({ done: false }) }) };\n"
        "export function request(ctx) { for (const x of forever) {} }\n"
    )
    status, answer = evaluate_code(code_body(spin, {}), CLOCK)
    assert (status, answer["error"]) == (200, {"message": "Execution timed out."})


def test_code_appsync_refuses_lists_every_code_error() -> None:
    code = "export function request(ctx) {\n  let n = 0;\n  n++;\n  while (n) {}\n}\n"
    status, answer = evaluate_code(code_body(code, {}), CLOCK)
    assert status == 200
    assert answer["error"] == {
        "message": "The code contains one or more errors.",
        "codeErrors": [
            {
                "errorType": "LINT_ERROR",
                "value": "The operator ++ is not supported",
                "location": {"line": 3, "column": 3, "span": 3},
            },
            {
                "errorType": "LINT_ERROR",
                "value": "While statements are not supported.",
                "location": {"line": 4, "column": 3, "span": 12},
            },
        ],
    }
    status, answer = evaluate_code(code_body("export function request(ctx) {", {}), CLOCK)
    [error] = answer["error"]["codeErrors"]
    assert error == {
        "errorType": "PARSER_ERROR",
        "value": "SyntaxError: unexpected end of input",
        "location": {"line": 1, "column": 31, "span": -1},
    }


def test_only_the_evaluated_handler_must_be_exported() -> None:
    code = "export const request = (ctx) => ({ payload: ctx.args });\n"
    status, answer = evaluate_code(code_body(code, {"arguments": {"a": 1}}), CLOCK)
    assert (status, answer["evaluationResult"]) == (200, '{"payload":{"a":1}}')
    status, answer = evaluate_code(code_body(code, {}, "response"), CLOCK)
    [error] = answer["error"]["codeErrors"]
    assert error["value"] == "the module does not export a response(ctx) function"


def test_requests_appsync_would_not_take_are_bad_requests() -> None:
    code = "export const request = (ctx) => 1;\n"
    wrong_runtime = {
        **code_body(code, {}),
        "runtime": {"name": "APPSYNC_JS", "runtimeVersion": "2"},
    }
    assert evaluate_code(wrong_runtime, CLOCK)[0] == 400
    assert evaluate_code({**code_body(code, {}), "context": "[1]"}, CLOCK)[0] == 400
    assert evaluate_code({**code_body(code, {}), "context": "{nope"}, CLOCK)[0] == 400
    assert evaluate_code({**code_body(code, {}), "function": "after"}, CLOCK)[0] == 400
    status, answer = evaluate_code({**code_body(code, {}), "code": "x" * 32769}, CLOCK)
    assert status == 400
    assert set(answer) == {"message"}


def test_a_context_document_becomes_the_resolver_context() -> None:
    ctx = resolver_context(
        json.dumps(
            {
                "arguments": {"id": "1"},
                "source": {"p": 1},
                "identity": {"sub": "u"},
                "stash": {"s": 1},
                "prev": {"result": [1]},
                "result": {"r": 1},
                "error": {"message": "m", "type": "T"},
                "info": {"fieldName": "getPost", "parentTypeName": "Query"},
                "request": {"headers": {"x-api-key": "k"}, "domainName": None},
                "env": {"STAGE": "dev", "NESTED": {"not": "a string"}},
            }
        )
    )
    assert ctx.to_context() == {
        "arguments": {"id": "1"},
        "args": {"id": "1"},
        "source": {"p": 1},
        "identity": {"sub": "u"},
        "stash": {"s": 1},
        "prev": {"result": [1]},
        "result": {"r": 1},
        "error": {"message": "m", "type": "T"},
        "info": {
            "fieldName": "getPost",
            "parentTypeName": "Query",
            "variables": {},
            "selectionSetList": [],
            "selectionSetGraphQL": "",
        },
        "request": {"headers": {"x-api-key": "k"}, "domainName": None},
        "env": {"STAGE": "dev"},
    }


def test_a_mapping_template_gives_its_output_logs_and_errors() -> None:
    template = (
        '$util.log.info("evaluating {}", $ctx.args.id)'
        '$util.qr($ctx.stash.put("seen", true))'
        '{"version": "2018-05-29", "operation": "GetItem",'
        ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}'
    )
    context = json.dumps({"arguments": {"id": "record-id"}})
    status, answer = evaluate_mapping_template({"template": template, "context": context}, CLOCK)
    assert status == 200
    assert json.loads(answer["evaluationResult"]) == {
        "version": "2018-05-29",
        "operation": "GetItem",
        "key": {"id": {"S": "record-id"}},
    }
    assert answer["logs"] == ["INFO - evaluating record-id"]
    assert json.loads(answer["stash"]) == {"seen": True}
    failing = '$util.error("No such post", "NotFound")'
    status, answer = evaluate_mapping_template({"template": failing, "context": context}, CLOCK)
    assert (status, answer["error"]) == (200, {"message": "No such post"})
    status, answer = evaluate_mapping_template({"template": "#if($x) a", "context": "{}"}, CLOCK)
    assert status == 200
    assert answer["error"]["message"].startswith("template:1:")
    assert evaluate_mapping_template({"template": "{}", "context": "x"}, CLOCK)[0] == 400
