"""EvaluateCode and EvaluateMappingTemplate on the server's one AWS endpoint, through boto3's
`appsync` client signed with the endpoint's `testing`/`testing` keys, as users unit-test resolver
code offline (AppSync developer guide, test-resolvers); the AWS CLI's `aws appsync
evaluate-code --endpoint-url ...` sends the same request from the same botocore service model.
AppSync's control plane takes only SigV4-signed requests: an unsigned one or one signed with an
unknown key is refused before any code runs (`appsync/aws/errors.py` names the sources)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from botocore.exceptions import ClientError

from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import Server

RUNTIME = {"name": "APPSYNC_JS", "runtimeVersion": "1.0.0"}
CODE = """import { util } from '@aws-appsync/utils';
import * as ddb from '@aws-appsync/utils/dynamodb';

export function request(ctx) {
  console.log('current id', ctx.args.id);
  ctx.stash.at = util.time.nowEpochSeconds() > 0;
  return ddb.put({ key: { id: ctx.args.id }, item: { owner: ctx.args.owner } });
}

export function response(ctx) {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  util.appendError('served from the test', 'Notice');
  return ctx.result;
}
"""


def _endpoint(server: Server) -> str:
    return f"http://{server.host}:{server.port}"


def client(server: Server, key: tuple[str, str] = ("testing", "testing")) -> Any:
    return aws_client("appsync", _endpoint(server), key)


def test_evaluate_code_through_boto3(blog: Server) -> None:
    answer = client(blog).evaluate_code(
        runtime=RUNTIME,
        code=CODE,
        context=json.dumps({"arguments": {"id": "record-id", "owner": "John doe"}}),
        function="request",
    )
    assert json.loads(answer["evaluationResult"]) == {
        "operation": "PutItem",
        "key": {"id": {"S": "record-id"}},
        "attributeValues": {"owner": {"S": "John doe"}},
    }
    assert answer["logs"] == ['INFO - code.js:5:3: "current id" "record-id"']
    assert json.loads(answer["stash"]) == {"at": True}
    response = client(blog).evaluate_code(
        runtime=RUNTIME,
        code=CODE,
        context=json.dumps({"result": {"id": "record-id"}}),
        function="response",
    )
    assert json.loads(response["evaluationResult"]) == {"id": "record-id"}
    assert json.loads(response["outErrors"])[0]["errorType"] == "Notice"
    failed = client(blog).evaluate_code(
        runtime=RUNTIME,
        code=CODE,
        context=json.dumps({"error": {"message": "failed", "type": "DynamoDB:Failed"}}),
        function="response",
    )
    assert failed["error"] == {"message": "failed"}
    assert "evaluationResult" not in failed


def test_code_errors_and_bad_requests_through_boto3(blog: Server) -> None:
    answer = client(blog).evaluate_code(
        runtime=RUNTIME,
        code="export function request(ctx) {\n  try { return 1; } catch (e) {}\n}\n",
        context="{}",
        function="request",
    )
    assert answer["error"]["codeErrors"] == [
        {
            "errorType": "LINT_ERROR",
            "value": "Try statements are not supported.",
            "location": {"line": 2, "column": 3, "span": 30},
        }
    ]
    with pytest.raises(ClientError) as refused:
        client(blog).evaluate_code(
            runtime={"name": "APPSYNC_JS", "runtimeVersion": "0.9"},
            code="export const request = (ctx) => 1;",
            context="{}",
        )
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_evaluate_mapping_template_through_boto3(blog: Server) -> None:
    answer = client(blog).evaluate_mapping_template(
        template='$util.log.info("for {}", $ctx.args.id)'
        '{"version": "2018-05-29", "operation": "GetItem",'
        ' "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)}}',
        context=json.dumps({"arguments": {"id": "p1"}}),
    )
    assert json.loads(answer["evaluationResult"])["key"] == {"id": {"S": "p1"}}
    assert answer["logs"] == ["INFO - for p1"]


def test_an_unsigned_request_is_refused_as_aws_refuses_it(blog: Server) -> None:
    body = {"runtime": RUNTIME, "code": CODE, "context": "{}", "function": "request"}
    for path in ("/v1/dataplane-evaluatecode", "/v1/dataplane-evaluatetemplate"):
        refused = httpx.post(_endpoint(blog) + path, json=body)
        # A REST API's answer to a request without a signature (brefphp/bref#1250, Lambda's).
        assert refused.status_code == 403
        assert refused.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
        assert refused.json() == {"message": "Missing Authentication Token"}


def test_an_unknown_key_is_refused_before_the_code_runs(blog: Server) -> None:
    with pytest.raises(ClientError) as refused:
        client(blog, ("AKIASTRANGER0000001", "x")).evaluate_code(
            runtime=RUNTIME, code=CODE, context="{}", function="request"
        )
    assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
