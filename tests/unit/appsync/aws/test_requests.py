"""Which service and operation an AWS API request is for, read from the request itself: the
JSON protocols' `X-Amz-Target`, the SigV4 credential scope, the query protocol's `Action`;
the path alone only for the REST operations whose paths are AWS's own (AppSync's
EvaluateCode and EvaluateMappingTemplate)."""

from __future__ import annotations

import pytest

from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol, allows_unsigned, identify
from tests.fixtures.aws_signing import signed_headers

URL = "http://127.0.0.1:20002/"


def _request(
    headers: dict[str, str],
    *,
    method: str = "POST",
    path: str = "/",
    query: str = "",
    body: bytes = b"{}",
) -> AwsRequest:
    return AwsRequest(method, path, query, {k.lower(): v for k, v in headers.items()}, body)


def _signed(service: str, headers: dict[str, str], body: bytes = b"{}") -> AwsRequest:
    return _request(
        signed_headers("POST", URL, service, body, headers, region="eu-west-1"), body=body
    )


def test_a_target_names_service_and_operation() -> None:
    call = identify(_signed("dynamodb", {"x-amz-target": "DynamoDB_20120810.GetItem"}))
    assert call == ServiceCall(
        "dynamodb", "dynamodb", "GetItem", WireProtocol.JSON, "eu-west-1", signed=True
    )


def test_dynamodb_streams_has_a_route_of_its_own() -> None:
    call = identify(_signed("dynamodb", {"x-amz-target": "DynamoDBStreams_20120810.ListStreams"}))
    assert call is not None
    assert (call.service, call.route) == ("dynamodb", "dynamodbstreams")


def test_an_unknown_target_is_routed_by_its_signature() -> None:
    call = identify(_signed("secretsmanager", {"x-amz-target": "secretsmanager.ListSecrets"}))
    assert call is not None
    assert (call.service, call.operation, call.protocol) == (
        "secretsmanager",
        "ListSecrets",
        WireProtocol.JSON,
    )


def test_an_unsigned_target_still_names_its_service() -> None:
    call = identify(_request({"x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth"}))
    assert call is not None
    assert (call.service, call.signed) == ("cognito-idp", False)
    assert allows_unsigned(call)


def test_only_the_operations_aws_answers_unsigned_go_without_a_signature() -> None:
    for target in (
        "AWSCognitoIdentityProviderService.AdminCreateUser",
        "AWSStepFunctions.ListActivities",
    ):
        call = identify(_request({"x-amz-target": target}))
        assert call is not None
        assert not allows_unsigned(call)


def test_the_query_protocol_is_read_from_its_form() -> None:
    form = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    body = b"Action=GetCallerIdentity&Version=2011-06-15"
    call = identify(_signed("sts", form, body))
    assert call is not None
    assert (call.service, call.operation, call.protocol) == (
        "sts",
        "GetCallerIdentity",
        WireProtocol.QUERY,
    )
    unsigned = identify(_request(form, body=b"Action=AssumeRoleWithWebIdentity&RoleArn=x"))
    assert unsigned is not None
    assert (unsigned.service, allows_unsigned(unsigned)) == ("sts", True)


def test_s3_is_rest_xml_and_other_rest_services_rest_json() -> None:
    s3 = identify(
        _request(signed_headers("GET", URL + "bucket-one", "s3"), method="GET", path="/bucket-one")
    )
    assert s3 is not None
    assert (s3.service, s3.protocol) == ("s3", WireProtocol.REST_XML)
    functions = identify(
        _request(signed_headers("GET", URL + "2015-03-31/functions", "lambda"), method="GET")
    )
    assert functions is not None
    assert (functions.service, functions.protocol) == ("lambda", WireProtocol.REST_JSON)


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({}, ""),
        ({"authorization": "Bearer x"}, ""),
        ({"content-type": "application/json"}, "page=2"),
    ],
)
def test_a_request_that_names_no_aws_service_is_not_an_aws_call(
    headers: dict[str, str], query: str
) -> None:
    assert identify(_request(headers, method="GET", path="/bucket-one/key", query=query)) is None


def test_appsyncs_evaluation_operations_are_named_by_method_and_path() -> None:
    # botocore's `appsync` model: EvaluateCode is POST /v1/dataplane-evaluatecode.
    path = "/v1/dataplane-evaluatecode"
    headers = signed_headers("POST", URL[:-1] + path, "appsync", b"{}", region="eu-west-1")
    call = identify(_request(headers, path=path))
    assert call == ServiceCall(
        "appsync", "appsync", "EvaluateCode", WireProtocol.REST_JSON, "eu-west-1", signed=True
    )
    template = "/v1/dataplane-evaluatetemplate"
    headers = signed_headers("POST", URL[:-1] + template, "appsync", b"{}")
    named = identify(_request(headers, path=template))
    assert named is not None
    assert named.operation == "EvaluateMappingTemplate"
    # Another control-plane call of the service is the service's, unnamed (moto's to answer).
    other = identify(_request(signed_headers("GET", URL + "v1/apis", "appsync"), method="GET"))
    assert other is not None
    assert (other.service, other.operation) == ("appsync", None)


def test_an_unsigned_request_to_an_evaluation_path_is_an_appsync_call_to_refuse() -> None:
    call = identify(_request({}, path="/v1/dataplane-evaluatecode"))
    assert call == ServiceCall(
        "appsync", "appsync", "EvaluateCode", WireProtocol.REST_JSON, "us-east-1", signed=False
    )
    assert not allows_unsigned(call)
    # Another method on the path names no operation.
    get = identify(_request({}, method="GET", path="/v1/dataplane-evaluatetemplate"))
    assert get is not None
    assert (get.service, get.operation) == ("appsync", None)


@pytest.mark.parametrize(
    ("body", "read"),
    [
        (b"", {}),
        (b'{"ClientId": "c"}', {"ClientId": "c"}),
        (b"[1]", None),
        (b"{not json", None),
        (b'"text"', None),
    ],
)
def test_a_json_protocol_body_is_read_as_an_object_or_not_at_all(
    body: bytes, read: dict[str, object] | None
) -> None:
    assert AwsRequest("POST", "/", "", {}, body).json_object() == read
