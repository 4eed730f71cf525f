"""AppSync's control plane on the AWS endpoint: EvaluateCode and EvaluateMappingTemplate answered
by `appsync.evaluation` in rest-json (botocore's `appsync` 2017-07-25 model: 200 with the
operation's JSON, an error's type in `x-amzn-ErrorType`), everything else of the service handed
on (to moto's AppSync when `serve` builds it)."""

from __future__ import annotations

import json

import pytest

from appsync.aws.control_plane import AppSyncControlPlane
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall, WireProtocol
from appsync.evaluation import RUNTIME
from tests.unit.resolvers.fixed_clock import CLOCK, DOC_NOW_MILLIS

pytestmark = pytest.mark.anyio

CODE = """import { util } from '@aws-appsync/utils';
export function request(ctx) {
  console.log('at', util.time.nowEpochMilliSeconds());
  return { id: ctx.args.id, at: util.time.nowEpochMilliSeconds() };
}
"""


class _Others:
    """The route the rest of the service goes to, recording what reached it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        self.calls.append((request.path, call.operation))
        return AwsResponse(200, b'{"graphqlApis":[]}', [("content-type", "application/json")])


def _call(operation: str | None) -> ServiceCall:
    return ServiceCall("appsync", "appsync", operation, WireProtocol.REST_JSON, "us-east-1", True)


async def _handle(
    operation: str | None, body: bytes, path: str = "/v1/dataplane-evaluatecode"
) -> tuple[AwsResponse, _Others]:
    others = _Others()
    request = AwsRequest("POST", path, "", {"content-type": "application/json"}, body)
    return await AppSyncControlPlane(CLOCK, others).handle(request, _call(operation)), others


def _header(answer: AwsResponse, name: str) -> str | None:
    return next((value for key, value in answer.headers if key == name), None)


async def test_evaluate_code_runs_the_handler_on_the_routes_clock() -> None:
    context = json.dumps({"arguments": {"id": "t1"}})
    body = json.dumps({"runtime": RUNTIME, "code": CODE, "context": context}).encode()
    answer, others = await _handle("EvaluateCode", body)
    assert answer.status == 200
    assert _header(answer, "content-type") == "application/json"
    document = json.loads(answer.body)
    assert json.loads(document["evaluationResult"]) == {"id": "t1", "at": DOC_NOW_MILLIS}
    assert document["logs"] == [f'INFO - code.js:3:3: "at" {DOC_NOW_MILLIS}']
    assert others.calls == []


async def test_evaluate_mapping_template_renders_the_template() -> None:
    body = json.dumps(
        {"template": '{"id": $util.toJson($ctx.args.id)}', "context": '{"arguments":{"id":"a"}}'}
    ).encode()
    answer, _ = await _handle("EvaluateMappingTemplate", body, "/v1/dataplane-evaluatetemplate")
    assert answer.status == 200
    assert json.loads(json.loads(answer.body)["evaluationResult"]) == {"id": "a"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"not json", "The request body must be a JSON object."),
        (b"[1, 2]", "The request body must be a JSON object."),
        (
            json.dumps({"runtime": {"name": "APPSYNC_JS", "runtimeVersion": "0.1"}}).encode(),
            "runtime must be {name: APPSYNC_JS, runtimeVersion: 1.0.0}, the one AppSync has.",
        ),
    ],
)
async def test_a_request_appsync_would_not_take_is_a_bad_request(body: bytes, message: str) -> None:
    answer, _ = await _handle("EvaluateCode", body)
    assert answer.status == 400
    assert _header(answer, "x-amzn-errortype") == "BadRequestException"
    assert json.loads(answer.body) == {"message": message}


async def test_a_context_nested_past_the_bound_is_a_bad_request_not_a_crash() -> None:
    deep = "[" * 5000 + "]" * 5000
    body = json.dumps({"runtime": RUNTIME, "code": CODE, "context": deep}).encode()
    answer, _ = await _handle("EvaluateCode", body)
    assert answer.status == 400
    assert json.loads(answer.body)["message"].startswith("The context is not valid JSON")


async def test_other_operations_of_the_service_go_on() -> None:
    answer, others = await _handle(None, b"", "/v1/apis")
    assert json.loads(answer.body) == {"graphqlApis": []}
    assert others.calls == [("/v1/apis", None)]
