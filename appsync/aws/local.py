"""The one AWS endpoint as `serve` runs it beside an API.

`build_local_aws` makes the endpoint with its route table (DynamoDB, Step Functions, Cognito and
moto's other services) and the in-process transport the engine's Task states use; `running`
attaches the transport to the server's loop and makes the embedded user pools sign with the
data directory's key for the server's lifetime.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from appsync.aws.cognito import signing_with
from appsync.aws.dynamodb import DynamoDBRoute, query_by_partition
from appsync.aws.endpoint import AwsEndpoint, ServiceRoute
from appsync.aws.keys import endpoint_verifier
from appsync.aws.moto_services import MotoServices
from appsync.aws.states import StepFunctionsApi, StepFunctionsRoute
from appsync.aws.transport import EndpointTransport
from appsync.data_directory import DataDirectory
from auth.clock import Clock
from definition.model import AwsEndpointSettings


@dataclass(frozen=True, slots=True)
class LocalAws:
    settings: AwsEndpointSettings
    region: str
    endpoint: AwsEndpoint
    transport: EndpointTransport
    moto: MotoServices
    data: DataDirectory
    dynamodb: DynamoDBRoute


def build_local_aws(
    settings: AwsEndpointSettings,
    region: str,
    step_functions: StepFunctionsApi,
    data: DataDirectory,
    clock: Clock,
) -> LocalAws:
    moto = MotoServices()
    query_by_partition()
    # The route table, by the service a request names (`requests.identify`). Lambda's Invoke
    # and the AppSync control plane's EvaluateCode will join it as `lambda` and `appsync`.
    dynamodb = DynamoDBRoute()
    routes: dict[str, ServiceRoute] = {
        "dynamodb": dynamodb,
        "states": StepFunctionsRoute(step_functions),
        # moto's Cognito, signing with the installation's key while `running`.
        "cognito-idp": moto,
    }
    endpoint = AwsEndpoint(endpoint_verifier(settings, clock), routes, fallback=moto)
    return LocalAws(settings, region, endpoint, EndpointTransport(endpoint), moto, data, dynamodb)


@asynccontextmanager
async def running(local: LocalAws) -> AsyncIterator[None]:
    local.transport.attach(asyncio.get_running_loop())
    try:
        with signing_with(local.data):
            yield
    finally:
        local.moto.close()
