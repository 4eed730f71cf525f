"""A configured DynamoDB endpoint (real DynamoDB, DynamoDB Local) through boto3.

boto3 blocks, so every call runs in a worker thread (`asyncio.to_thread`). Parameters and
results cross as DynamoDB's wire JSON: botocore wants `bytes` for binary values and returns
`bytes`, so base64 text is decoded on the way in and encoded on the way out.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import boto3
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from resolvers.datasources.dynamodb_wire import wire_json
from resolvers.errors import DynamoDBServiceError

# Without credentials in the environment (DynamoDB Local, moto), sign with placeholders.
_LOCAL_CREDENTIAL = "local"


def _binary_in(value: Any) -> Any:
    """Wire JSON with binary attribute values as the `bytes` botocore serializes."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((kind, inner),) = value.items()
            if kind == "B" and isinstance(inner, str):
                return {"B": base64.b64decode(inner)}
            if kind == "BS" and isinstance(inner, list) and all(isinstance(i, str) for i in inner):
                return {"BS": [base64.b64decode(item) for item in inner]}
        return {key: _binary_in(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_binary_in(item) for item in value]
    return value


class BotoDynamoDB:
    """`DynamoDBOperations` over a boto3 client for `endpoint` (None: AWS's own endpoint),
    signed with `credentials` (access key id, secret) when given, else the process's own."""

    __slots__ = ("_client",)

    def __init__(
        self, region: str, endpoint: str | None = None, credentials: tuple[str, str] | None = None
    ) -> None:
        session = boto3.session.Session()
        placeholder = None if session.get_credentials() is not None else _LOCAL_CREDENTIAL
        key_id, secret = credentials if credentials is not None else (placeholder, placeholder)
        self._client = session.client(
            "dynamodb",
            region_name=region,
            endpoint_url=endpoint,
            # AppSync does not retry a failed data source call for the resolver.
            config=Config(retries={"max_attempts": 1, "mode": "standard"}),
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
        )

    @property
    def endpoint(self) -> str:
        """The URL the calls go to."""
        return str(self._client.meta.endpoint_url)

    async def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        method = getattr(self._client, xform_name(operation))
        try:
            response = await asyncio.to_thread(method, **_binary_in(params))
        except ClientError as error:
            raise _service_error(error) from error
        except ParamValidationError as error:
            # botocore checks what DynamoDB itself would refuse as a ValidationException.
            raise DynamoDBServiceError("ValidationException", str(error), 400) from error
        except BotoCoreError as error:
            raise DynamoDBServiceError(type(error).__name__, str(error), 500) from error
        response.pop("ResponseMetadata", None)
        return wire_json(response)  # type: ignore[no-any-return]

    def close(self) -> None:
        self._client.close()


def _service_error(error: ClientError) -> DynamoDBServiceError:
    response: dict[str, Any] = dict(error.response)
    details = response.pop("Error", {})
    metadata = response.pop("ResponseMetadata", {})
    return DynamoDBServiceError(
        str(details.get("Code", "UnknownError")),
        str(details.get("Message", "")),
        int(metadata.get("HTTPStatusCode", 400)),
        str(metadata.get("RequestId", "")),
        wire_json(response),
    )
