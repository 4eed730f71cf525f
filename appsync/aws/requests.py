"""One AWS API request as the endpoint sees it, and which service and operation it is for.

AWS tells services apart by host name (`dynamodb.us-east-1.amazonaws.com`); the local endpoint
has one host, so it reads what the request itself says, the way moto's server does:
* the JSON protocols (DynamoDB, Step Functions, Cognito, SQS, SSM, ...) name the operation in
  `X-Amz-Target: <targetPrefix>.<Operation>`, and the prefix names the service;
* every signed request names its service in the SigV4 credential scope
  (`Credential=<key>/<date>/<region>/<service>/aws4_request`, or `X-Amz-Credential` in a
  pre-signed URL's query string);
* the query protocol (STS, IAM, SNS) posts `Action=<Operation>` as a form;
* a REST operation the endpoint answers itself is named by its method and path
  (`REST_OPERATIONS`: AppSync's EvaluateCode and EvaluateMappingTemplate).
Otherwise the path alone never decides: `/graphql` stays AppSync's, and an unsigned request
without a target or a form action is not an AWS API call at all. The paths of
`REST_OPERATIONS` are AWS's alone (`/v1/dataplane-...`), so a request to them is one even
unsigned, and is refused as AWS refuses it.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs

from auth.request import AuthRequest
from auth.signature import is_presigned, is_sigv2, is_sigv4, signature_scope

# JSON protocol target prefixes of the services the endpoint routes itself or lets clients call
# unsigned; any other target is routed by the service its signature names.
TARGET_SERVICES = {
    "DynamoDB_20120810": "dynamodb",
    "DynamoDBStreams_20120810": "dynamodb",
    "AWSStepFunctions": "states",
    "AWSCognitoIdentityProviderService": "cognito-idp",
    "AWSCognitoIdentityService": "cognito-identity",
}
# Routes that differ from their signing name: DynamoDB Streams signs as `dynamodb`.
_TARGET_ROUTES = {"DynamoDBStreams_20120810": "dynamodbstreams"}
# boto3's model names for signing names whose operations may be called unsigned.
_MODEL_NAMES = {"cognito-idp": "cognito-idp", "cognito-identity": "cognito-identity", "sts": "sts"}
# Query protocol actions AWS answers without a signature, and their service (STS's web
# identity and SAML federation: the caller has no AWS credentials yet).
_UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity": "sts", "AssumeRoleWithSAML": "sts"}
_QUERY_SERVICES = frozenset(
    {"sts", "iam", "sns", "ses", "cloudformation", "rds", "elasticloadbalancing", "ec2"}
)
_FORM = "application/x-www-form-urlencoded"
# REST operations routed by path, as botocore's models place them: path -> (signing name,
# method, operation). AppSync's control plane (`appsync` 2017-07-25, rest-json).
REST_OPERATIONS = {
    "/v1/dataplane-evaluatecode": ("appsync", "POST", "EvaluateCode"),
    "/v1/dataplane-evaluatetemplate": ("appsync", "POST", "EvaluateMappingTemplate"),
}
DEFAULT_REGION = "us-east-1"


class WireProtocol(StrEnum):
    """botocore's protocol names: how a service shapes its requests and errors."""

    JSON = "json"
    QUERY = "query"
    REST_JSON = "rest-json"
    REST_XML = "rest-xml"


# Made per request: slotted, not frozen (a frozen __init__ costs four times as much).
@dataclass(slots=True)
class AwsRequest:
    """`path` is the path as sent (percent-encoded); `headers` have lower-case names."""

    method: str
    path: str
    query_string: str
    headers: dict[str, str]
    body: bytes = b""
    source_ip: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json_object(self) -> dict[str, Any] | None:
        """The body as a JSON protocol's request object (an empty body is `{}`); None when it
        is not one (the route then leaves it to the service's own refusal)."""
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def auth_request(self) -> AuthRequest:
        return AuthRequest(
            self.method,
            self.path,
            self.headers,
            self.body,
            self.query_string,
            source_ip=self.source_ip,
        )


@dataclass(slots=True)
class AwsResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class ServiceCall:
    """What a request is for. `service` is the SigV4 signing name (`dynamodb`, `states`,
    `cognito-idp`, `s3` ...; "" when the request names none the endpoint knows), `route` the
    key of the endpoint's route table, `operation` the API operation when the request names it,
    `region` the credential scope's (the default region for an unsigned call)."""

    service: str
    route: str
    operation: str | None
    protocol: WireProtocol
    region: str
    signed: bool


def identify(request: AwsRequest) -> ServiceCall | None:
    """The service call `request` makes, or None when it is not an AWS API call."""
    target = request.header("x-amz-target")
    auth = request.auth_request()
    authorization = request.header("authorization")
    signed = (authorization is not None and is_sigv4(authorization)) or (
        authorization is None and is_presigned(request.query_string)
    )
    scope = signature_scope(auth)
    region = scope[1] if scope is not None else DEFAULT_REGION
    if target is not None:
        prefix, _, operation = target.partition(".")
        service = TARGET_SERVICES.get(prefix) or (scope[0] if scope is not None else "")
        route = _TARGET_ROUTES.get(prefix, service)
        return ServiceCall(service, route, operation or None, WireProtocol.JSON, region, signed)
    action = _action(request)
    rest = REST_OPERATIONS.get(request.path)
    if scope is not None:
        service = scope[0]
        if rest is not None and rest[0] == service and action is None:
            named = rest[2] if request.method == rest[1] else None
            return ServiceCall(service, service, named, WireProtocol.REST_JSON, region, signed)
        return ServiceCall(service, service, action, _protocol(service, action), region, signed)
    if rest is not None and action is None and not is_sigv2(authorization, request.query_string):
        # Unsigned (or signed some other way): refused as AWS refuses it, in rest-json's shape.
        named = rest[2] if request.method == rest[1] else None
        return ServiceCall(rest[0], rest[0], named, WireProtocol.REST_JSON, region, signed)
    if action is not None:
        service = _UNSIGNED_ACTIONS.get(action, "")
        return ServiceCall(service, service, action, WireProtocol.QUERY, region, signed)
    if is_sigv2(authorization, request.query_string):
        # Only S3 still sees Signature Version 2 (boto3 pre-signs S3 URLs with it by default).
        return ServiceCall("s3", "s3", None, WireProtocol.REST_XML, region, signed=True)
    return None


def allows_unsigned(call: ServiceCall) -> bool:
    """Whether AWS answers `call` without a signature: the operations its model marks
    `authtype: none` (Cognito's sign-up and sign-in, STS federation), as botocore sends them."""
    model_name = _MODEL_NAMES.get(call.service)
    if model_name is None or call.operation is None:
        return False
    return call.operation in _unsigned_operations(model_name)


@functools.cache
def _unsigned_operations(model_name: str) -> frozenset[str]:
    # Imported here: botocore's loader is needed only when an unsigned call arrives.
    import botocore.session

    model = botocore.session.get_session().get_service_model(model_name)
    return frozenset(
        name
        for name in model.operation_names
        if model.operation_model(name).auth_type == "none"
        or "smithy.api#noAuth" in (model.operation_model(name).auth or ())
    )


def _action(request: AwsRequest) -> str | None:
    """The query protocol's `Action`, from a form body or the query string."""
    fields: dict[str, list[str]] = {}
    content_type = request.header("content-type") or ""
    if request.method == "POST" and content_type.startswith(_FORM) and request.body:
        fields = parse_qs(request.body.decode("utf-8", "replace"))
    elif "Action=" in request.query_string:
        fields = parse_qs(request.query_string)
    actions = fields.get("Action")
    return actions[0] if actions else None


def _protocol(service: str, action: str | None) -> WireProtocol:
    if service == "s3":
        return WireProtocol.REST_XML
    if action is not None or service in _QUERY_SERVICES:
        return WireProtocol.QUERY
    return WireProtocol.REST_JSON
