"""AppSync's error JSON, from the shapes recorded in graphql-over-http#81, amplify-cli#9121,
amplify-js#4270 and amplify-js#5926."""

from __future__ import annotations

from graphql import GraphQLError, Source, parse

from appsync.errors import (
    BodyTimeoutError,
    PayloadTooLargeError,
    malformed_request,
    render_error,
    request_error_body,
    request_error_headers,
    response_body,
    unauthorized_request,
)
from resolvers.errors import UnauthorizedFieldError, UtilError

QUERY = "query {\n  getPost(id: 1) {\n    title\n  }\n}"


def _field_node_error(message: str, original: Exception | None) -> GraphQLError:
    document = parse(Source(QUERY))
    operation = document.definitions[0]
    field = operation.selection_set.selections[0]  # type: ignore[attr-defined]
    return GraphQLError(message, [field], path=["getPost"], original_error=original)


def test_unauthorized_request_body_and_headers() -> None:
    error = unauthorized_request("Missing authorization header")
    assert error.status == 401
    assert request_error_body(error) == {
        "errors": [
            {"errorType": "UnauthorizedException", "message": "Missing authorization header"}
        ]
    }
    assert request_error_headers(error, "req-1") == {
        "x-amzn-errortype": "UnauthorizedException",
        "x-amzn-requestid": "req-1",
    }


def test_signature_refusal_keeps_its_403_and_error_type() -> None:
    # amplify-js#2422: AppSync answered a bad SigV4 signature with 403 and
    # `x-amzn-ErrorType: InvalidSignatureException`.
    error = unauthorized_request("Signature expired", "InvalidSignatureException", 403)
    assert error.status == 403
    assert request_error_body(error) == {
        "errors": [{"errorType": "InvalidSignatureException", "message": "Signature expired"}]
    }
    assert request_error_headers(error, "req-2")["x-amzn-errortype"] == (
        "InvalidSignatureException"
    )


def test_every_auth_signature_error_type_is_rendered_as_itself() -> None:
    for error_type in (
        "IncompleteSignatureException",
        "UnrecognizedClientException",
        "ExpiredTokenException",
    ):
        error = unauthorized_request("refused", error_type, 403)
        assert (error.status, request_error_body(error)["errors"][0]["errorType"]) == (
            403,
            error_type,
        )


def test_an_unknown_auth_error_type_is_still_a_401_refusal() -> None:
    error = unauthorized_request("refused", "SomethingNew", 403)
    assert (error.status, error.error_type.value) == (401, "UnauthorizedException")


def test_malformed_request_is_a_400_with_appsync_text() -> None:
    error = malformed_request()
    assert error.status == 400
    assert request_error_body(error) == {
        "errors": [
            {
                "errorType": "MalformedHttpRequestException",
                "message": "Unable to parse GraphQL query.",
            }
        ]
    }


def test_payload_too_large_is_a_413() -> None:
    error = PayloadTooLargeError(10)
    assert error.status == 413
    assert request_error_body(error)["errors"][0]["message"] == (
        "Request body exceeds the limit of 10 bytes."
    )


def test_util_error_renders_every_appsync_key() -> None:
    original = UtilError("no such post", "NotFound", data={"id": "1"}, error_info={"hint": "x"})
    assert render_error(_field_node_error("ignored", original)) == {
        "path": ["getPost"],
        "data": {"id": "1"},
        "errorType": "NotFound",
        "errorInfo": {"hint": "x"},
        "locations": [{"line": 2, "column": 3, "sourceName": None}],
        "message": "no such post",
    }


def test_field_denial_renders_as_appsync_unauthorized() -> None:
    original = UnauthorizedFieldError(
        "Not Authorized to access getPost on type Query", "Unauthorized"
    )
    assert render_error(_field_node_error("x", original)) == {
        "path": ["getPost"],
        "data": None,
        "errorType": "Unauthorized",
        "errorInfo": None,
        "locations": [{"line": 2, "column": 3, "sourceName": None}],
        "message": "Not Authorized to access getPost on type Query",
    }


def test_unexpected_exception_is_an_internal_failure() -> None:
    rendered = render_error(_field_node_error("boom", KeyError("secret")))
    assert rendered["errorType"] == "InternalFailure"  # type: ignore[typeddict-item]
    assert rendered["message"] == "An internal error occurred."


def test_document_error_has_null_path_and_no_error_type() -> None:
    error = GraphQLError(
        "Validation error of type FieldUndefined: Field 'badfield' in type 'Query' is undefined "
        "@ 'badfield'",
        [parse("{ badfield }").definitions[0].selection_set.selections[0]],  # type: ignore[attr-defined]
    )
    assert response_body(None, [error]) == {
        "data": None,
        "errors": [
            {
                "path": None,
                "locations": [{"line": 1, "column": 3, "sourceName": None}],
                "message": "Validation error of type FieldUndefined: Field 'badfield' in type "
                "'Query' is undefined @ 'badfield'",
            }
        ],
    }


def test_response_without_errors_has_no_errors_key() -> None:
    assert response_body({"getPost": None}, []) == {"data": {"getPost": None}}


def test_null_for_a_non_null_field_has_only_path_null_locations_and_message() -> None:
    """graphql-compose#121 records AppSync's shape: {"path", "locations": null, "message"}."""
    message = "Cannot return null for non-nullable type: 'Person' within parent 'Messages' " + (
        "(/getMessages/sendBy)"
    )
    error = _field_node_error(message, TypeError("Cannot return null for non-nullable field"))
    assert render_error(error) == {"path": ["getPost"], "locations": None, "message": message}


def test_a_stalled_body_is_a_408_whose_connection_is_closed() -> None:
    error = BodyTimeoutError(10.0)
    assert (error.status, error.error_type.value, error.message) == (
        408,
        "BadRequestException",
        "Request body not received within 10 seconds.",
    )
    assert request_error_headers(error, "id") == {
        "x-amzn-errortype": "BadRequestException",
        "x-amzn-requestid": "id",
        "connection": "close",
    }
    assert "connection" not in request_error_headers(PayloadTooLargeError(1), "id")
