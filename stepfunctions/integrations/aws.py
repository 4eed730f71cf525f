"""boto3 for the integrations: endpoints, one client per service, and AWS's error names.

Clients are built once per service and called in a thread (`asyncio.to_thread`) inside the
clock's `busy()`, so virtual time waits for a call in flight. Every service can be pointed at its
own endpoint; the server points all of them at its own AWS endpoint, reached in process through
a `RequestTransport`, and signs with the endpoint's declared test key: a client of the embedded
services never signs with the process's own AWS credentials. Only `IntegrationEndpoints()`
without an embedded URL (the definition's explicit opt-in for real AWS) uses boto3's default
credential chain.

Step Functions names a service's refusal in two ways (dg "Handling errors in Step Functions
workflows"; AWS-recorded histories in localstack's task-service snapshots):
* optimized integrations: `<Prefix>.<Exception>` with the Java SDK v1 exception class, e.g.
  `DynamoDB.ConditionalCheckFailedException`, `SQS.QueueDoesNotExistException`, and
  `<Prefix>.Amazon<Service>Exception` for an error the service model does not declare; the cause
  is `<message> (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: <code>; Request ID:
  <id>; Proxy: null)`;
* AWS SDK integrations: `<SdkV2Service>.<Exception>`, e.g. `DynamoDb.ResourceNotFoundException`,
  `Sqs.QueueDoesNotExistException`, `DynamoDb.DynamoDbException` for an undeclared error; the cause
  is `<message> (Service: DynamoDb, Status Code: 400, Request ID: <id>)`.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, cast

from stepfunctions.errors import StatesError
from stepfunctions.integrations.base import epoch_millis, new_request_id, sdk_metadata
from stepfunctions.integrations.errors import IntegrationCallError
from stepfunctions.runtime.clock import Clock

# boto3 and botocore are imported by the first Task that calls a service (or reads a service's
# model): the engine is built at every start of `serve`, and importing them cost it a fifth of
# its time to the first answer (issue 19).
if TYPE_CHECKING:
    import botocore.session
    from botocore.awsrequest import AWSPreparedRequest, AWSResponse
    from botocore.client import BaseClient
    from botocore.exceptions import ClientError

# The pair moto's and LocalStack's documentation use; the server passes its declared key.
TEST_CREDENTIALS = ("testing", "testing")
# Response header names as the Java SDK reports them in SdkHttpMetadata (AWS recordings).
_HEADER_NAMES = {
    "content-length": "Content-Length",
    "content-type": "Content-Type",
    "date": "Date",
    "server": "Server",
    "x-amzn-requestid": "x-amzn-RequestId",
}
_UPPER_RUN = re.compile(r"[A-Z]{2,}(?![a-z])")
# The SDK's name for a request that never got an answer from the service.
CLIENT_ERROR = "SdkClientException"


class RequestTransport(Protocol):
    """A botocore `before-send` handler: the answer to a prepared request without the network
    (the server's AWS endpoint, in process), or None to send it."""

    def __call__(self, request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None: ...


@dataclass(frozen=True, slots=True)
class IntegrationEndpoints:
    """Where the integrations' boto3 clients send requests.

    `embedded_url` is the local endpoint of the embedded services (the composition root passes
    it), signed with `credentials` (access key id, secret) and, with a `transport`, answered
    without a socket; a service's own URL (`dynamodb`, `sqs`, `sns`, `s3`, or `others` by boto3
    service name) overrides it. With neither, the client goes to real AWS with the default
    credentials.
    """

    embedded_url: str | None = None
    region: str = "us-east-1"
    dynamodb: str | None = None
    sqs: str | None = None
    sns: str | None = None
    s3: str | None = None
    others: Mapping[str, str] = field(default_factory=dict)
    credentials: tuple[str, str] = TEST_CREDENTIALS
    transport: RequestTransport | None = None

    def url(self, service: str) -> str | None:
        own = {"dynamodb": self.dynamodb, "sqs": self.sqs, "sns": self.sns, "s3": self.s3}
        configured = own.get(service) or self.others.get(service)
        return configured or self.embedded_url

    def embedded(self, service: str) -> bool:
        url = self.url(service)
        return url is not None and url == self.embedded_url


@dataclass(frozen=True, slots=True)
class ServiceNames:
    """How Step Functions names one service in an optimized integration's errors."""

    prefix: str  # "DynamoDB"
    java_service: str  # "AmazonDynamoDBv2", in the cause
    fallback: str  # "AmazonDynamoDBException", for an error the model does not declare


OPTIMIZED_NAMES = {
    "dynamodb": ServiceNames("DynamoDB", "AmazonDynamoDBv2", "AmazonDynamoDBException"),
    "sqs": ServiceNames("SQS", "AmazonSQS", "AmazonSQSException"),
    "sns": ServiceNames("SNS", "AmazonSNS", "AmazonSNSException"),
    "s3": ServiceNames("S3", "Amazon S3", "AmazonS3Exception"),
}


class AwsClients:
    """One boto3 client per service, built on first use."""

    def __init__(self, endpoints: IntegrationEndpoints) -> None:
        self.endpoints = endpoints
        self._clients: dict[str, BaseClient] = {}
        self._lock = threading.Lock()
        # botocore's session (its service models), made when a model is first read: making it
        # costs every start of the engine tens of milliseconds (issue 19).
        self._session: botocore.session.Session | None = None
        self._operations: dict[str, dict[str, str]] = {}

    def _models(self) -> botocore.session.Session:
        import botocore.session

        with self._lock:
            if self._session is None:
                self._session = botocore.session.get_session()
            return self._session

    def configure(self, endpoints: IntegrationEndpoints) -> None:
        """Point every client at new endpoints (the embedded server's URL is known once it has
        started, after the registry was built); clients are rebuilt on next use."""
        with self._lock:
            self.endpoints = endpoints
            self._clients.clear()

    def client(self, service: str) -> BaseClient:
        with self._lock:
            client = self._clients.get(service)
            if client is None:
                client = self._build(service)
                self._clients[service] = client
            return client

    def _build(self, service: str) -> BaseClient:
        endpoints = self.endpoints
        embedded = endpoints.embedded(service)
        credentials: dict[str, str] = {}
        if embedded:
            key_id, secret = endpoints.credentials
            credentials = {"aws_access_key_id": key_id, "aws_secret_access_key": secret}
        import boto3
        from botocore.config import Config

        # A session per client: boto3's default session is not safe to share across threads.
        session = boto3.session.Session()
        client: BaseClient = session.client(  # type: ignore[call-overload]
            service,
            endpoint_url=endpoints.url(service),
            region_name=endpoints.region,
            config=Config(retries={"max_attempts": 1}, inject_host_prefix=False),
            **credentials,
        )
        if embedded and endpoints.transport is not None:
            # botocore uses a before-send handler's answer (its stubs type handlers as None).
            handler = cast(Callable[..., None], endpoints.transport)
            client.meta.events.register("before-send", handler)
        return client

    async def call(
        self, service: str, operation: str, parameters: dict[str, Any], clock: Clock
    ) -> dict[str, Any]:
        """Run `operation` (the API's own name, e.g. "PutItem"); IntegrationCallError on refusal."""
        from botocore import xform_name
        from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

        client = self.client(service)
        method = getattr(client, xform_name(operation))

        def run() -> dict[str, Any]:
            try:
                response: dict[str, Any] = method(**parameters)
            except ClientError as error:
                raise _with_host_id(service, _call_error(error)) from error
            return response

        with clock.busy():
            try:
                return await asyncio.to_thread(run)
            except ParamValidationError as error:
                # AWS hands the parameters to the service, which refuses them with a
                # ValidationException; boto3 refuses them before sending.
                # AWS differs: the message is boto3's, not the service's.
                raise IntegrationCallError(
                    "ValidationException", str(error), 400, new_request_id()
                ) from error
            except BotoCoreError as error:
                # The request never reached the service (connection refused, timed out): the
                # Java SDK's SdkClientException, e.g. `SQS.SdkClientException`.
                raise IntegrationCallError(
                    CLIENT_ERROR, f"Unable to execute HTTP request: {error}", 0, "", CLIENT_ERROR
                ) from error

    def operation_name(self, service: str, action: str) -> str | None:
        """The model's operation for an ASL action name (`putItem` -> `PutItem`), if any."""
        operations = self._operations.get(service)
        if operations is None:
            from botocore.exceptions import UnknownServiceError

            # Read once per service: a Task's hot path only looks the name up.
            try:
                model = self._models().get_service_model(service)
            except UnknownServiceError:
                operations = {}
            else:
                operations = {str(name).lower(): str(name) for name in model.operation_names}
            self._operations[service] = operations
        return operations.get(action.lower())

    def error_shape_name(self, service: str, code: str) -> str | None:
        """The modeled exception for an error code (`NotFound` -> `NotFoundException`)."""
        model = self._models().get_service_model(service)
        for shape in model.error_shapes:
            declared = shape.metadata.get("error", {}).get("code")
            if code in (shape.name, declared):
                return str(shape.name)
        return None

    def service_id(self, service: str) -> str:
        return str(self._models().get_service_model(service).service_id)


def _call_error(error: ClientError) -> IntegrationCallError:
    details = error.response.get("Error", {})
    metadata = error.response.get("ResponseMetadata", {})
    # botocore raises the modeled exception class when it recognises the code (for SQS's query
    # codes such as AWS.SimpleQueueService.NonExistentQueue too); ClientError otherwise.
    modeled = type(error).__name__
    return IntegrationCallError(
        str(details.get("Code", "")),
        str(details.get("Message", "")),
        int(metadata.get("HTTPStatusCode", 400)),
        str(metadata.get("RequestId", "")),
        None if modeled == "ClientError" else modeled,
        str(metadata["HostId"]) if metadata.get("HostId") else None,
    )


def _with_host_id(service: str, error: IntegrationCallError) -> IntegrationCallError:
    # S3 answers every request with an extended request id (x-amz-id-2); moto sends none.
    if service == "s3" and error.host_id is None:
        error.host_id = base64.b64encode(os.urandom(48)).decode()
    return error


def optimized_error(clients: AwsClients, service: str, error: IntegrationCallError) -> StatesError:
    """The error an optimized integration reports for a service's refusal."""
    names = OPTIMIZED_NAMES[service]
    if error.code == CLIENT_ERROR:
        return StatesError(f"{names.prefix}.{CLIENT_ERROR}", error.message, prefixed=True)
    shape = error.shape or clients.error_shape_name(service, error.code)
    exception = names.fallback if shape is None else _exception(shape)
    cause = (
        f"{error.message} (Service: {names.java_service}; Status Code: {error.status}; "
        f"Error Code: {error.code}; Request ID: {error.request_id}; Proxy: null)"
    )
    return StatesError(f"{names.prefix}.{exception}", cause, prefixed=True)


def sdk_error(clients: AwsClients, service: str, error: IntegrationCallError) -> StatesError:
    """The error an AWS SDK integration reports for a service's refusal."""
    prefix = sdk_service_name(clients.service_id(service))
    if error.code == CLIENT_ERROR:
        return StatesError(f"{prefix}.{CLIENT_ERROR}", error.message, prefixed=True)
    shape = error.shape or clients.error_shape_name(service, error.code)
    exception = _exception(shape) if shape is not None else f"{prefix}Exception"
    extended = f", Extended Request ID: {error.host_id}" if error.host_id else ""
    cause = (
        f"{error.message} (Service: {prefix}, Status Code: {error.status}, "
        f"Request ID: {error.request_id}{extended})"
    )
    return StatesError(f"{prefix}.{exception}", cause, prefixed=True)


def sdk_service_name(service_id: str) -> str:
    """The AWS SDK for Java v2's client name for a service id: `DynamoDB` -> `DynamoDb`,
    `SQS` -> `Sqs`, `CloudWatch Logs` -> `CloudWatchLogs`."""
    words = service_id.split()
    return "".join(
        _UPPER_RUN.sub(lambda match: match.group(0)[0] + match.group(0)[1:].lower(), word)
        for word in words
    )


def _exception(shape: str) -> str:
    return shape if shape.endswith("Exception") else f"{shape}Exception"


def optimized_answer(response: Mapping[str, Any]) -> dict[str, Any]:
    """A boto3 response as an optimized integration returns it: the body plus the SDK metadata."""
    metadata = response.get("ResponseMetadata", {})
    raw_headers: Mapping[str, str] = metadata.get("HTTPHeaders", {})
    headers = {_HEADER_NAMES.get(name, name): value for name, value in raw_headers.items()}
    answer: dict[str, Any] = {
        key: json_ready(value) for key, value in response.items() if key != "ResponseMetadata"
    }
    answer.update(
        sdk_metadata(
            headers, int(metadata.get("HTTPStatusCode", 200)), str(metadata.get("RequestId", ""))
        )
    )
    return dict(sorted(answer.items()))


def json_ready(value: Any, *, iso_dates: bool = False) -> Any:
    """boto3's Python values as JSON: blobs in base64; dates in epoch milliseconds as the Java SDK
    v1 behind optimized integrations writes them, or ISO-8601 (`Instant.toString`) as the SDK v2
    behind AWS SDK integrations does when `iso_dates`."""
    if isinstance(value, Mapping):
        return {str(key): json_ready(item, iso_dates=iso_dates) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_ready(item, iso_dates=iso_dates) for item in value]
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime):
        return _instant(value) if iso_dates else epoch_millis(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "read"):
        # A streaming body (S3 GetObject): AWS SDK integrations return it as text.
        data = value.read()
        return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    return value


def _instant(value: datetime) -> str:
    moment = value.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"
