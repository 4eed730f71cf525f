"""The one AWS endpoint as `serve` runs it beside an API.

`build_local_aws` makes the endpoint with its route table (DynamoDB, Step Functions, Cognito,
AppSync's EvaluateCode and EvaluateMappingTemplate, Lambda's Invoke of the declared functions,
and moto's other services) and the in-process transport the engine's Task states use;
`running` attaches the transport to the server's loop, creates the definition's user pools
in the embedded Cognito and makes them sign with the data directory's key for the server's
lifetime.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from appsync.api_cache import ApiCache
from appsync.aws.cognito import SigningCognito, signing_with
from appsync.aws.control_plane import AppSyncControlPlane
from appsync.aws.dynamodb import DynamoDBRoute, query_by_partition
from appsync.aws.endpoint import AwsEndpoint, ServiceRoute
from appsync.aws.flush_cache import ApiCacheControl
from appsync.aws.keys import endpoint_verifier
from appsync.aws.lambda_ import LambdaRoute, LocalFunctions
from appsync.aws.moto_services import MotoServices
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from appsync.aws.states import StepFunctionsApi, StepFunctionsRoute
from appsync.aws.transport import EndpointTransport
from appsync.aws.user_pools import user_pools_created
from appsync.data_directory import DataDirectory
from auth.clock import Clock
from definition.model import AwsEndpointSettings, UserPoolSpec
from resolvers.util.time import SYSTEM_CLOCK
from resolvers.util.time import Clock as ResolverClock


@dataclass(frozen=True, slots=True)
class LocalAws:
    settings: AwsEndpointSettings
    region: str
    endpoint: AwsEndpoint
    transport: EndpointTransport
    moto: MotoServices
    data: DataDirectory
    dynamodb: DynamoDBRoute
    user_pools: tuple[UserPoolSpec, ...] = ()


def build_local_aws(
    settings: AwsEndpointSettings,
    region: str,
    step_functions: StepFunctionsApi,
    data: DataDirectory,
    clock: Clock,
    user_pools: tuple[UserPoolSpec, ...] = (),
    resolver_clock: ResolverClock = SYSTEM_CLOCK,
    functions: LocalFunctions | None = None,
    api_cache: ApiCache | None = None,
) -> LocalAws:
    """`clock` checks signatures (clients sign with the wall clock); `resolver_clock` is what
    evaluated resolver code reads as the time (the API's own); `functions`: the declared
    Lambda functions, whose Invoke the `lambda` route answers; `api_cache`: the served API's
    cache, for FlushApiCache and GetApiCache (the rest of the control plane after them)."""
    moto = MotoServices()
    # The route table, by the service a request names (`requests.identify`).
    dynamodb = DynamoDBRoute()
    routes: dict[str, ServiceRoute] = {
        "dynamodb": dynamodb,
        "states": StepFunctionsRoute(step_functions),
        # moto's Cognito, signing with the installation's key while `running`, its SRP sign-in
        # verified, with the pools' Lambda triggers run by the declared functions.
        "cognito-idp": CognitoRoute(moto, functions),
    }
    if functions is not None:
        routes["lambda"] = LambdaRoute(functions, moto)
    # The control plane: the cache's calls, then EvaluateCode / EvaluateMappingTemplate, then
    # moto's AppSync for the rest.
    control: ServiceRoute = AppSyncControlPlane(resolver_clock, moto)
    routes["appsync"] = ApiCacheControl(api_cache, control) if api_cache is not None else control
    endpoint = AwsEndpoint(endpoint_verifier(settings, clock), routes, fallback=moto)
    transport = EndpointTransport(endpoint)
    return LocalAws(settings, region, endpoint, transport, moto, data, dynamodb, user_pools)


class CognitoRoute:
    """The `cognito-idp` route, made by its first call: its modules (SRP, the pools' Lambda
    triggers, custom challenges, user migration, messages) are imported then, not before
    `serve`'s first answer, which seldom is a Cognito call (issue 19)."""

    __slots__ = ("_functions", "_moto", "_route")

    def __init__(self, moto: MotoServices, functions: LocalFunctions | None) -> None:
        self._moto = moto
        self._functions = functions
        self._route: ServiceRoute | None = None

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        if self._route is None:
            from appsync.aws.cognito_srp import SrpCognito
            from appsync.aws.cognito_triggers import CognitoTriggers

            cognito = SrpCognito(SigningCognito(self._moto))
            self._route = CognitoTriggers(cognito, self._functions)
        return await self._route.handle(request, call)


@asynccontextmanager
async def running(local: LocalAws) -> AsyncIterator[None]:
    local.transport.attach(asyncio.get_running_loop())
    # Here, not when the endpoint is made: it imports moto (issue 19).
    query_by_partition()
    try:
        with signing_with(local.data), user_pools_created(local.user_pools):
            yield
    finally:
        local.moto.close()
