"""boto3 clients of the engine's Task states reach the AWS endpoint in process: botocore's
signed request goes to `AwsEndpoint.handle` on the server's loop, verification included, and
its answer comes back as botocore parses it (errors and streaming bodies too)."""

from __future__ import annotations

import asyncio
from typing import Any

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.moto_services import MotoServices
from appsync.aws.states import StepFunctionsRoute
from appsync.aws.transport import EMBEDDED_URL, EndpointTransport
from appsync.stepfunctions_embedded import build_step_functions
from auth.clock import SystemClock
from auth.signature import IamCredential, SigV4Verifier
from definition.model import StepFunctionsSettings

KEY = IamCredential(
    "AKIALOCALTRANSPORT01", "transport-secret", "123456789012", "arn:aws:iam::123456789012:root"
)

pytestmark = pytest.mark.anyio


def _client(service: str, transport: EndpointTransport, key: tuple[str, str]) -> Any:
    client = boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=EMBEDDED_URL,
        region_name="us-east-1",
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
        config=Config(retries={"max_attempts": 1}),
    )
    client.meta.events.register("before-send", transport)
    return client


async def test_calls_are_answered_in_process_and_verified() -> None:
    moto = MotoServices()
    service = build_step_functions(StepFunctionsSettings(), "a.yaml").service
    routes = {"states": StepFunctionsRoute(service)}
    endpoint = AwsEndpoint(SigV4Verifier((KEY,), SystemClock()), routes, moto)
    transport = EndpointTransport(endpoint)
    transport.attach(asyncio.get_running_loop())
    key = (KEY.access_key_id, KEY.secret_access_key)
    try:
        sfn = _client("stepfunctions", transport, key)
        listed = await asyncio.to_thread(sfn.list_state_machines)
        assert listed["stateMachines"] == []
        s3 = _client("s3", transport, key)
        await asyncio.to_thread(s3.create_bucket, Bucket="transport-unit")
        await asyncio.to_thread(s3.put_object, Bucket="transport-unit", Key="k", Body=b"streamed")
        got = await asyncio.to_thread(s3.get_object, Bucket="transport-unit", Key="k")
        assert got["Body"].read() == b"streamed"
        stranger = _client("stepfunctions", transport, ("testing", "testing"))
        with pytest.raises(botocore.exceptions.ClientError) as refused:
            await asyncio.to_thread(stranger.list_state_machines)
        assert refused.value.response["Error"]["Code"] == "UnrecognizedClientException"
    finally:
        moto.close()


def test_before_it_is_attached_the_transport_lets_botocore_send() -> None:
    endpoint = AwsEndpoint(SigV4Verifier((KEY,), SystemClock()), {})
    assert EndpointTransport(endpoint)(request=None) is None  # type: ignore[arg-type]
