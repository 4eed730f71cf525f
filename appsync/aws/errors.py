"""The AWS endpoint's own refusals, in the wire shape of the service the request was for.

A signature AWS refuses never reaches the service: the front end answers in the protocol's error
shape, with names that differ by protocol (sources below). `auth.signature` names its errors
as the JSON services do; `refusal` renders them for each protocol:

* UnrecognizedClientException: JSON and rest-json keep the name; query InvalidClientTokenId
  (403); S3 InvalidAccessKeyId (403);
* InvalidSignatureException: JSON and rest-json keep it; query and S3 SignatureDoesNotMatch (403);
* IncompleteSignatureException: query IncompleteSignature (400); S3
  AuthorizationHeaderMalformed (400);
* MissingAuthenticationTokenException: query MissingAuthenticationToken (403); S3 AccessDenied
  (403, an anonymous request);
* ExpiredTokenException: query ExpiredToken (403); S3 ExpiredToken (400);
* a Signature Version 2 request: S3 InvalidRequest (400, "The authorization mechanism you have
  provided is not supported. Please use AWS4-HMAC-SHA256.", S3's answer in regions and for
  buckets that take SigV4 only); other protocols IncompleteSignature.

* JSON protocol services answer HTTP 400 with `{"__type", "message"}` ("Error handling with
  DynamoDB", DynamoDB Developer Guide: IncompleteSignatureException,
  MissingAuthenticationTokenException, UnrecognizedClientException are 400; recorded Cognito
  answers: `400 {"__type":"UnrecognizedClientException","message":"The security token included
  in the request is invalid."}`, aws-sdk-php#2444). DynamoDB qualifies the type as
  `com.amazon.coral.service#...`, as its recorded answers show.
* rest-json services (Lambda, the AppSync control plane) answer 403 with the type in
  `x-amzn-ErrorType` and `{"message"}` (iamlive#58 records Lambda's 403
  UnrecognizedClientException); an unsigned request's message is "Missing Authentication
  Token" (brefphp/bref#1250 records Lambda's 403 MissingAuthenticationTokenException).
* query services use the Common Errors names and statuses (IncompleteSignature 400,
  InvalidClientTokenId 403, MissingAuthenticationToken 403, SignatureDoesNotMatch 403) in an
  `<ErrorResponse>` (a recorded STS answer: 403 MissingAuthenticationToken "Request is missing
  Authentication Token").
* S3 uses its own codes and `<Error>` document ("Error responses", Amazon S3 API Reference).
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import string
import uuid
from xml.sax.saxutils import escape

from appsync.aws.requests import AwsResponse, ServiceCall, WireProtocol
from auth.errors import SignatureError
from auth.signature import (
    EXPIRED_TOKEN,
    INCOMPLETE_SIGNATURE,
    INVALID_SIGNATURE,
    MISSING_AUTHENTICATION_TOKEN,
    PAYLOAD_HASH_MISMATCH,
    REQUEST_EXPIRED,
    UNRECOGNIZED_CLIENT,
    UNSUPPORTED_SIGNATURE,
)

_JSON_TYPE = "application/x-amz-json-1.0"
_CORAL = "com.amazon.coral.service#"
_QUERY_NAMES = {
    UNRECOGNIZED_CLIENT: ("InvalidClientTokenId", 403),
    INVALID_SIGNATURE: ("SignatureDoesNotMatch", 403),
    INCOMPLETE_SIGNATURE: ("IncompleteSignature", 400),
    MISSING_AUTHENTICATION_TOKEN: ("MissingAuthenticationToken", 403),
    EXPIRED_TOKEN: ("ExpiredToken", 403),
    REQUEST_EXPIRED: ("RequestExpired", 400),
}
_S3_NAMES = {
    UNRECOGNIZED_CLIENT: (
        "InvalidAccessKeyId",
        403,
        "The AWS Access Key Id you provided does not exist in our records.",
    ),
    INVALID_SIGNATURE: (
        "SignatureDoesNotMatch",
        403,
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
    ),
    INCOMPLETE_SIGNATURE: ("AuthorizationHeaderMalformed", 400, None),
    MISSING_AUTHENTICATION_TOKEN: ("AccessDenied", 403, "Access Denied"),
    EXPIRED_TOKEN: ("ExpiredToken", 400, "The provided token has expired."),
    REQUEST_EXPIRED: ("AccessDenied", 403, "Request has expired"),
    PAYLOAD_HASH_MISMATCH: ("XAmzContentSHA256Mismatch", 400, None),
    UNSUPPORTED_SIGNATURE: ("InvalidRequest", 400, None),
}
_ID_ALPHABET = string.ascii_uppercase + string.digits
# The REST APIs' words for a request without a signature.
REST_MISSING_TOKEN_MESSAGE = "Missing Authentication Token"


def refusal(error: SignatureError, call: ServiceCall) -> AwsResponse:
    """The answer AWS gives `call` for a signature it refuses."""
    kind, message = error.error_type, error.message
    if kind == UNSUPPORTED_SIGNATURE and call.protocol is not WireProtocol.REST_XML:
        kind = INCOMPLETE_SIGNATURE
    match call.protocol:
        case WireProtocol.JSON:
            qualified = f"{_CORAL}{kind}" if call.service == "dynamodb" else kind
            return json_error(400, qualified, message)
        case WireProtocol.REST_JSON:
            status = 400 if kind == INCOMPLETE_SIGNATURE else 403
            if kind == MISSING_AUTHENTICATION_TOKEN:
                message = REST_MISSING_TOKEN_MESSAGE
            return rest_json_error(status, kind, message)
        case WireProtocol.QUERY:
            code, status = _QUERY_NAMES.get(kind, ("SignatureDoesNotMatch", 403))
            return query_error(status, code, message)
        case WireProtocol.REST_XML:
            code, status, text = _S3_NAMES.get(kind, ("AccessDenied", 403, "Access Denied"))
            return s3_error(status, code, text or message)


def unknown_service(call: ServiceCall) -> AwsResponse:
    """A request for a service the endpoint does not serve (AWS has no such host)."""
    name = call.service or "(none named)"
    return in_protocol(
        call,
        f"appsync-local does not serve the AWS service {name!r}",
        for_json=(400, "UnknownOperationException"),
        for_rest_json=(404, "UnknownOperationException"),
        for_query=(400, "InvalidAction"),
        for_rest_xml=(400, "InvalidRequest"),
    )


def in_protocol(
    call: ServiceCall,
    message: str,
    *,
    for_json: tuple[int, str],
    for_rest_json: tuple[int, str],
    for_query: tuple[int, str],
    for_rest_xml: tuple[int, str],
) -> AwsResponse:
    """An error in the shape of `call`'s protocol: the (status, code) given for it."""
    match call.protocol:
        case WireProtocol.JSON:
            return json_error(*for_json, message)
        case WireProtocol.REST_JSON:
            return rest_json_error(*for_rest_json, message)
        case WireProtocol.QUERY:
            return query_error(*for_query, message)
        case WireProtocol.REST_XML:
            return s3_error(*for_rest_xml, message)


def json_error(status: int, error_type: str, message: str) -> AwsResponse:
    body = json.dumps({"__type": error_type, "message": message}, separators=(",", ":"))
    return AwsResponse(
        status,
        body.encode(),
        [
            ("content-type", _JSON_TYPE),
            ("x-amzn-requestid", request_id()),
            ("x-amzn-errortype", error_type.rsplit("#", 1)[-1]),
        ],
    )


def rest_json_error(status: int, error_type: str, message: str) -> AwsResponse:
    body = json.dumps({"message": message}, separators=(",", ":"))
    return AwsResponse(
        status,
        body.encode(),
        [
            ("content-type", "application/json"),
            ("x-amzn-requestid", str(uuid.uuid4())),
            ("x-amzn-errortype", error_type),
        ],
    )


def query_error(status: int, code: str, message: str) -> AwsResponse:
    identifier = str(uuid.uuid4())
    body = (
        "<ErrorResponse><Error><Type>Sender</Type>"
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{identifier}</RequestId></ErrorResponse>"
    )
    return AwsResponse(
        status, body.encode(), [("content-type", "text/xml"), ("x-amzn-requestid", identifier)]
    )


def s3_error(status: int, code: str, message: str) -> AwsResponse:
    identifier = "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{identifier}</RequestId></Error>"
    )
    return AwsResponse(
        status,
        body.encode(),
        [("content-type", "application/xml"), ("x-amz-request-id", identifier)],
    )


def request_id() -> str:
    """A request id of the JSON services' shape (52 upper-case letters and digits): base32 of
    random bytes, one call rather than 52 (this is on every DynamoDB answer)."""
    return base64.b32encode(os.urandom(33)).decode("ascii")[:52]
