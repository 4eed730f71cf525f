"""A refused signature, in the wire shape of the service the request was for: JSON (400,
`__type`), rest-json (403, `x-amzn-ErrorType`), query (`<ErrorResponse>` with the Common Errors
names) and S3 (`<Error>` with S3's codes)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pytest

from appsync.aws.errors import refusal
from appsync.aws.requests import ServiceCall, WireProtocol
from auth.errors import SignatureError
from auth.signature import MISSING_AUTHENTICATION_TOKEN, MISSING_TOKEN_MESSAGE

UNRECOGNIZED = SignatureError(
    "UnrecognizedClientException", "The security token included in the request is invalid."
)


def _call(service: str, protocol: WireProtocol) -> ServiceCall:
    return ServiceCall(service, service, None, protocol, "us-east-1", signed=True)


def test_json_services_answer_400_with_the_type() -> None:
    answer = refusal(UNRECOGNIZED, _call("cognito-idp", WireProtocol.JSON))
    assert answer.status == 400
    assert json.loads(answer.body) == {
        "__type": "UnrecognizedClientException",
        "message": "The security token included in the request is invalid.",
    }


def test_dynamodb_qualifies_the_type_as_coral_does() -> None:
    answer = refusal(UNRECOGNIZED, _call("dynamodb", WireProtocol.JSON))
    body = json.loads(answer.body)
    assert body["__type"] == "com.amazon.coral.service#UnrecognizedClientException"
    assert ("x-amzn-errortype", "UnrecognizedClientException") in answer.headers


def test_rest_json_services_answer_403_with_the_type_in_a_header() -> None:
    answer = refusal(UNRECOGNIZED, _call("lambda", WireProtocol.REST_JSON))
    assert answer.status == 403
    assert ("x-amzn-errortype", "UnrecognizedClientException") in answer.headers
    assert json.loads(answer.body) == {"message": UNRECOGNIZED.message}


def test_rest_json_services_say_missing_authentication_token_in_their_own_words() -> None:
    # brefphp/bref#1250 records Lambda's: 403, MissingAuthenticationTokenException, "Missing
    # Authentication Token" (the query services' text is "Request is missing ...").
    missing = SignatureError(MISSING_AUTHENTICATION_TOKEN, MISSING_TOKEN_MESSAGE)
    answer = refusal(missing, _call("appsync", WireProtocol.REST_JSON))
    assert answer.status == 403
    assert ("x-amzn-errortype", "MissingAuthenticationTokenException") in answer.headers
    assert json.loads(answer.body) == {"message": "Missing Authentication Token"}


@pytest.mark.parametrize(
    ("kind", "code", "status"),
    [
        ("UnrecognizedClientException", "InvalidClientTokenId", 403),
        ("InvalidSignatureException", "SignatureDoesNotMatch", 403),
        ("IncompleteSignatureException", "IncompleteSignature", 400),
        ("MissingAuthenticationTokenException", "MissingAuthenticationToken", 403),
    ],
)
def test_query_services_use_the_common_error_names(kind: str, code: str, status: int) -> None:
    answer = refusal(SignatureError(kind, "why"), _call("sts", WireProtocol.QUERY))
    assert answer.status == status
    document = ElementTree.fromstring(answer.body)
    assert document.findtext("Error/Code") == code
    assert document.findtext("Error/Type") == "Sender"


@pytest.mark.parametrize(
    ("kind", "code", "status", "message"),
    [
        ("UnrecognizedClientException", "InvalidAccessKeyId", 403,
         "The AWS Access Key Id you provided does not exist in our records."),
        ("MissingAuthenticationTokenException", "AccessDenied", 403, "Access Denied"),
        ("XAmzContentSHA256Mismatch", "XAmzContentSHA256Mismatch", 400, "why"),
    ],
)  # fmt: skip
def test_s3_uses_its_own_codes(kind: str, code: str, status: int, message: str) -> None:
    answer = refusal(SignatureError(kind, "why"), _call("s3", WireProtocol.REST_XML))
    assert answer.status == status
    document = ElementTree.fromstring(answer.body)
    assert (document.findtext("Code"), document.findtext("Message")) == (code, message)
