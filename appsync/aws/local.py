"""The one AWS endpoint as `serve` runs it beside an API.

`build_local_aws` makes the endpoint with its route table (DynamoDB, Step Functions, Cognito,
AppSync's EvaluateCode and EvaluateMappingTemplate, Lambda's Invoke of the declared functions,
and moto's other services) and the in-process transport the engine's Task states use;
`running` attaches the transport to the server's loop, creates the definition's user pools
in the embedded Cognito (and a template's queues, topics, buckets and parameters in the
embedded SQS, SNS, S3 and SSM, `appsync.aws.service_resources`, after the parameters users put
before a restart, `appsync.aws.parameter_store`) and makes them sign with the data
directory's key for the server's lifetime.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass, field

from appsync.api_cache import ApiCache
from appsync.aws.cognito import EmbeddedPoolKeys, SigningCognito, signing_with
from appsync.aws.control_plane import AppSyncControlPlane
from appsync.aws.dynamodb import DynamoDBRoute, query_by_partition
from appsync.aws.endpoint import AwsEndpoint, ServiceRoute
from appsync.aws.flush_cache import ApiCacheControl
from appsync.aws.identity_pools import IdentityPools, identity_pools_created
from appsync.aws.keys import endpoint_verifier
from appsync.aws.lambda_ import LambdaRoute, LocalFunctions
from appsync.aws.moto_services import MotoServices
from appsync.aws.parameter_store import KeepingParameters, KeptParameters, parameters_kept
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from appsync.aws.s3_access import S3Access
from appsync.aws.service_resources import CreatedResources, Locate, resources_created
from appsync.aws.states import StepFunctionsApi, StepFunctionsRoute
from appsync.aws.transport import EndpointTransport
from appsync.aws.user_pools import user_pools_created
from appsync.data_directory import PARAMETERS_FILE, RESOURCES_FILE, DataDirectory
from auth.clock import Clock
from definition.cognito_resources import IdentityPoolSpec, UserPoolSpec
from definition.model import AwsEndpointSettings
from definition.problems import Problem
from definition.service_resources import ServiceResources
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
    identity_pools: IdentityPools
    user_pools: tuple[UserPoolSpec, ...] = ()
    identity_pool_specs: tuple[IdentityPoolSpec, ...] = ()
    # A template's queues, topics and buckets, placed in the definition by `locate`; what was
    # made of them (a reload creates what it adds there too).
    resources: ServiceResources = field(default_factory=ServiceResources)
    locate: Locate = lambda key_path, message: Problem("", key_path, message)
    created: CreatedResources = field(default_factory=CreatedResources)
    # The SSM parameters users put, kept in the data directory (`running` names the file).
    parameters: KeptParameters = field(default_factory=lambda: KeptParameters(CreatedResources()))
    # The declared functions, which the template's `lambda` subscriptions deliver to.
    functions: LocalFunctions | None = None
    # The API's clock: the time of the buckets' events.
    clock: Clock | None = None


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
    token_clock: Clock | None = None,
    identity_pools: tuple[IdentityPoolSpec, ...] = (),
    resources: tuple[ServiceResources, Locate] | None = None,
) -> LocalAws:
    """`clock` checks signatures (clients sign with the wall clock); `resolver_clock` is what
    evaluated resolver code reads as the time (the API's own); `functions`: the declared
    Lambda functions, whose Invoke the `lambda` route answers; `api_cache`: the served API's
    cache, for FlushApiCache and GetApiCache (the rest of the control plane after them);
    `token_clock` (default `clock`): what user pool tokens and identity pool credentials expire
    on (the API's clock); `identity_pools`: the definition's, created while `running`;
    `resources`: a template's queues, topics and buckets, and where the definition states
    them (`ApiDefinition.problem`)."""
    moto = MotoServices()
    token_clock = token_clock if token_clock is not None else clock
    vended = IdentityPools(token_clock, data)
    if functions is not None:
        vended.sessions = functions.execution_roles
    # The route table, by the service a request names (`requests.identify`).
    dynamodb = DynamoDBRoute()
    routes: dict[str, ServiceRoute] = {
        "dynamodb": dynamodb,
        "states": StepFunctionsRoute(step_functions),
        # moto's Cognito, signing with the installation's key while `running`, its SRP sign-in
        # verified, with the pools' Lambda triggers run by the declared functions.
        "cognito-idp": RouteOnFirstCall(lambda: _user_pools_route(moto, functions, token_clock)),
        # moto's identity pools, with roles, verified logins and credentials per identity.
        "cognito-identity": RouteOnFirstCall(lambda: _identity_pools_route(vended, moto, data)),
        # The basic flow's AssumeRoleWithWebIdentity of those pools' tokens; moto's STS after.
        "sts": RouteOnFirstCall(lambda: _federation_route(vended, moto, data)),
    }
    if functions is not None:
        routes["lambda"] = LambdaRoute(functions, moto)
    # The control plane: the cache's calls, then EvaluateCode / EvaluateMappingTemplate, then
    # moto's AppSync for the rest.
    control: ServiceRoute = AppSyncControlPlane(resolver_clock, moto)
    routes["appsync"] = ApiCacheControl(api_cache, control) if api_cache is not None else control
    created = CreatedResources()
    parameters = KeptParameters(created)
    routes["ssm"] = KeepingParameters(moto, parameters)
    verifier = endpoint_verifier(settings, clock, vended, token_clock)
    access = S3Access(resources[0].roles) if resources is not None else None
    endpoint = AwsEndpoint(verifier, routes, fallback=moto, s3_access=access)
    transport = EndpointTransport(endpoint)
    local = LocalAws(
        settings,
        region,
        endpoint,
        transport,
        moto,
        data,
        dynamodb,
        vended,
        user_pools,
        identity_pools,
        created=created,
        parameters=parameters,
        functions=functions,
        clock=token_clock,
    )
    if resources is not None:
        local = dataclasses.replace(local, resources=resources[0], locate=resources[1])
    return local


class RouteOnFirstCall:
    """A route made by its first call: the modules of Cognito's routes (SRP, the pools'
    Lambda triggers, custom challenges, user migration, messages, identity pools, web identity
    federation) are imported then, not before `serve`'s first answer, which seldom is a
    Cognito call (issue 19)."""

    __slots__ = ("_make", "_route")

    def __init__(self, make: Callable[[], ServiceRoute]) -> None:
        self._make = make
        self._route: ServiceRoute | None = None

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        if self._route is None:
            self._route = self._make()
        return await self._route.handle(request, call)


def _user_pools_route(
    moto: MotoServices, functions: LocalFunctions | None, clock: Clock
) -> ServiceRoute:
    from appsync.aws.cognito_srp import SrpCognito
    from appsync.aws.cognito_triggers import CognitoTriggers

    return CognitoTriggers(SrpCognito(SigningCognito(moto), clock), functions, clock)


def _identity_pools_route(
    vended: IdentityPools, moto: MotoServices, data: DataDirectory
) -> ServiceRoute:
    from appsync.aws.cognito_identity import CognitoIdentity

    return CognitoIdentity(vended, moto, EmbeddedPoolKeys(data))


def _federation_route(
    vended: IdentityPools, moto: MotoServices, data: DataDirectory
) -> ServiceRoute:
    from appsync.aws.web_identity import WebIdentityFederation

    return WebIdentityFederation(vended, moto, EmbeddedPoolKeys(data))


@asynccontextmanager
async def running(local: LocalAws) -> AsyncIterator[None]:
    local.transport.attach(asyncio.get_running_loop())
    # Here, not when the endpoint is made: it imports moto (issue 19).
    query_by_partition()
    kept = local.data.file(RESOURCES_FILE) if local.data.path is not None else None
    users = local.data.file(PARAMETERS_FILE) if local.data.path is not None else None
    parameters = parameters_kept(local.parameters, users)
    resources = resources_created(
        local.created, local.resources, local.locate, kept, fsync=local.data.fsync
    )
    try:
        async with (
            local.created.lambda_subscriptions.delivering(local.functions),
            local.created.bucket_notifications.delivering(local.functions, local.clock),
        ):
            with (
                signing_with(local.data),
                user_pools_created(local.user_pools),
                identity_pools_created(local.identity_pool_specs, local.identity_pools),
            ):
                # Putting a large bucket back reads files: in a worker thread, as is the
                # last snapshot at the stop, so the loop answers meanwhile.
                async with _in_worker_thread(parameters), _in_worker_thread(resources):
                    yield
    finally:
        local.moto.close()


@asynccontextmanager
async def _in_worker_thread(manager: AbstractContextManager[None]) -> AsyncIterator[None]:
    """`manager` entered and left in worker threads."""
    await asyncio.to_thread(manager.__enter__)
    try:
        yield
    except BaseException as error:
        if not await asyncio.to_thread(manager.__exit__, type(error), error, error.__traceback__):
            raise
    else:
        await asyncio.to_thread(manager.__exit__, None, None, None)
