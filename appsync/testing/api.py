"""`LocalApi`: what the `appsync_local` fixtures hand a test.

The API's URLs and keys, the clock (`api.clock.advance(days=1)`, `api.clock.set(...)`),
`api.reset()`, ready-made clients (`api.http`: httpx with the API key; `api.gql`: a gql client;
`api.dynamodb`, `api.stepfunctions` and `api.client(service)`: boto3 on the AWS endpoint with its
declared key; `api.subscribe(...)`: a realtime subscription), and tokens the server trusts
(`api.cognito_token(...)`, `api.oidc_token(...)`). The clock and the reset go through the
server's control API (`appsync.control`), in process or in a subprocess alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

import boto3
import httpx

from appsync.data_directory import DataDirectory
from appsync.testing.control_client import ControlClient
from appsync.testing.errors import LocalApiError, TokenError
from appsync.testing.realtime import DEFAULT_TIMEOUT_SECONDS, RealtimeSubscription
from appsync.testing.servers import LOOPBACK, RunningServer
from appsync.testing.tokens import (
    DEFAULT_LIFETIME_SECONDS,
    cognito_issuer,
    cognito_token,
    oidc_token,
    read_private_jwk,
)
from definition.authorization import AuthProviderSpec
from definition.model import ApiDefinition

# The app client id minted Cognito tokens name unless told otherwise.
DEFAULT_CLIENT_ID = "appsynclocaltestclient"
T = TypeVar("T")
_GQL_MISSING = "the gql clients need gql: pip install 'appsync-local[testing]'"


class ClockControl:
    """The server's clock, as the control API moves it. Each move answers once the work it woke
    (a Wait state ending, a retry, a timeout) has run until it waits again."""

    def __init__(self, control: ControlClient) -> None:
        self._control = control

    def now(self) -> datetime:
        return _clock_time(self._control.call("DescribeClock"))

    @property
    def manual(self) -> bool:
        return bool(self._control.call("DescribeClock")["mode"] == "MANUAL")

    def advance(
        self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0
    ) -> datetime:
        """Move time forward; returns the new time. `advance(86400)` is `advance(days=1)`."""
        total = timedelta(seconds=seconds, minutes=minutes, hours=hours, days=days)
        answer = self._control.call("AdvanceClock", {"seconds": total.total_seconds()})
        return _clock_time(answer)

    def settle(self) -> datetime:
        """Let the server's work run until it waits (on time, a worker, a callback) without
        moving time: `advance(0)`. An execution just started has reached its first wait."""
        return self.advance(0)

    def set(self, moment: datetime) -> datetime:
        """Put time at `moment` (timezone-aware; it may go back)."""
        if moment.tzinfo is None:
            raise LocalApiError("clock.set needs a timezone-aware datetime")
        return _clock_time(self._control.call("SetClock", {"time": moment.isoformat()}))


class LocalApi:
    """One served API. Clients are made on first use and closed with the server."""

    def __init__(
        self, definition: ApiDefinition, server: RunningServer, data: DataDirectory
    ) -> None:
        self.definition = definition
        self._server = server
        self._data = data
        self.port = server.port
        base = f"http://{LOOPBACK}:{server.port}"
        self.graphql_url = f"{base}/graphql"
        self.realtime_url = f"ws://{LOOPBACK}:{server.port}/graphql/realtime"
        self.aws_endpoint = base
        aws = definition.server.aws
        self.region = aws.region or definition.server.step_functions.region
        self.api_keys = tuple(key.id for key in definition.api_keys)
        self.api_key = self.api_keys[0] if self.api_keys else None
        [first, *_] = aws.credentials
        self.access_key_id = first.access_key_id
        self.secret_access_key = first.secret_access_key
        self._control = ControlClient(base, self.access_key_id, self.secret_access_key, self.region)
        self.clock = ClockControl(self._control)
        self._clients: dict[str, Any] = {}
        self._http: list[httpx.Client] = []

    # --- state -------------------------------------------------------------------------------

    def reset(self, *, seed: bool = True, clock: bool = True) -> dict[str, Any]:
        """The embedded services as the server started: Step Functions executions, machines and
        activities made since, DynamoDB tables (seeded again unless `seed` is False), realtime
        connections, and a manual clock back at its start unless `clock` is False."""
        return self._control.call("ResetState", {"seed": seed, "clock": clock})

    # --- clients -----------------------------------------------------------------------------

    @property
    def http(self) -> httpx.Client:
        """An httpx client sending the API key when the API has one
        (`api.http.post(api.graphql_url, json={"query": ...})`)."""
        client = self._clients.get("http")
        if client is None:
            headers = {"x-api-key": self.api_key} if self.api_key else {}
            client = self._clients["http"] = self._httpx(headers)
        assert isinstance(client, httpx.Client)
        return client

    def query(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST a query or mutation; the response's JSON body (`data`, `errors`). With `token`
        (a JWT) or `headers`, those authorize it instead of the API key (AppSync takes an API
        key before a token)."""
        body = {"query": document, "variables": dict(variables or {})}
        if token is None and headers is None:
            response = self.http.post(self.graphql_url, json=body)
        else:
            sent = dict(headers or {})
            if token is not None:
                sent["Authorization"] = token
            response = self._plain().post(self.graphql_url, json=body, headers=sent)
        answer: dict[str, Any] = response.json()
        return answer

    def subscribe(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> RealtimeSubscription:
        """A subscription, started (acknowledged) when this returns: use it in a `with`."""
        headers = {"host": f"{LOOPBACK}:{self.port}"}
        if token is not None:
            headers["Authorization"] = token
        elif self.api_key is not None:
            headers["x-api-key"] = self.api_key
        return RealtimeSubscription(
            self.realtime_url, headers, document, variables, timeout=timeout
        )

    @property
    def gql(self) -> Any:
        """A gql `Client` on /graphql with the API key (`api.gql.execute(gql("..."))`)."""
        if "gql" not in self._clients:
            try:
                from gql import Client
                from gql.transport.httpx import HTTPXTransport
            except ImportError as error:
                raise LocalApiError(_GQL_MISSING) from error
            headers = {"x-api-key": self.api_key} if self.api_key else {}
            transport = HTTPXTransport(url=self.graphql_url, headers=headers)
            self._clients["gql"] = Client(transport=transport)
        return self._clients["gql"]

    def gql_realtime(self) -> Any:
        """A gql `Client` on the realtime endpoint with the API key (async: `async with`)."""
        try:
            from gql import Client
            from gql.transport.appsync_auth import AppSyncApiKeyAuthentication
            from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
        except ImportError as error:
            raise LocalApiError(_GQL_MISSING) from error
        if self.api_key is None:
            raise LocalApiError(f"{self.definition.name} has no API key")
        auth = AppSyncApiKeyAuthentication(host=f"{LOOPBACK}:{self.port}", api_key=self.api_key)
        return Client(transport=AppSyncWebsocketsTransport(url=self.realtime_url, auth=auth))

    @property
    def dynamodb(self) -> Any:
        """boto3's DynamoDB client on the AWS endpoint."""
        return self.client("dynamodb")

    @property
    def stepfunctions(self) -> Any:
        """boto3's Step Functions client on the AWS endpoint."""
        return self.client("stepfunctions")

    def client(self, service: str) -> Any:
        """boto3's client of `service` on the AWS endpoint, signed with its declared key."""
        key = f"boto3:{service}"
        if key not in self._clients:
            session = boto3.session.Session(
                aws_access_key_id=self.access_key_id,
                aws_secret_access_key=self.secret_access_key,
                region_name=self.region,
            )
            self._clients[key] = session.client(  # type: ignore[call-overload]
                service, endpoint_url=self.aws_endpoint
            )
        return self._clients[key]

    def wait_for_execution(self, execution_arn: str, timeout: float = 10.0) -> dict[str, Any]:
        """DescribeExecution once the execution has left RUNNING (polled, `timeout` seconds)."""
        ends = time.monotonic() + timeout
        while True:
            described: dict[str, Any] = self.stepfunctions.describe_execution(
                executionArn=execution_arn
            )
            if described["status"] != "RUNNING" or time.monotonic() > ends:
                return described
            time.sleep(0.01)

    # --- tokens ------------------------------------------------------------------------------

    def cognito_token(
        self,
        username: str,
        *,
        groups: Sequence[str] = (),
        claims: Mapping[str, Any] | None = None,
        token_use: Literal["id", "access"] = "id",
        client_id: str = DEFAULT_CLIENT_ID,
        lifetime: int = DEFAULT_LIFETIME_SECONDS,
        user_pool_id: str | None = None,
        signing_key: Mapping[str, Any] | Path | str | None = None,
    ) -> str:
        """A user pool token for `username`, issued now on the server's clock. The pool is the
        API's only one unless `user_pool_id` names it; an embedded pool's token is signed with
        this installation's key, any other's with `signing_key` (a private JWK or its file)."""
        pools = [spec.user_pool_config for spec in self._providers() if spec.user_pool_config]
        pool = _the_one(pools, lambda pool: pool.user_pool_id, user_pool_id, "user_pool_id")
        if signing_key is not None:
            key = read_private_jwk(signing_key)
        elif pool.jwks_file is None:
            key = self._data.cognito_signing_key()
        else:
            raise TokenError(
                f"pool {pool.user_pool_id} trusts the keys of {pool.jwks_file}: "
                "pass the private half as signing_key=..."
            )
        return cognito_token(
            key,
            issuer=cognito_issuer(pool.aws_region, pool.user_pool_id),
            username=username,
            now=self.clock.now().timestamp(),
            client_id=client_id,
            token_use=token_use,
            groups=groups,
            claims=claims,
            lifetime=lifetime,
        )

    def oidc_token(
        self,
        subject: str,
        *,
        signing_key: Mapping[str, Any] | Path | str,
        claims: Mapping[str, Any] | None = None,
        lifetime: int = DEFAULT_LIFETIME_SECONDS,
        issuer: str | None = None,
        audience: str | None = None,
    ) -> str:
        """An OIDC ID token for `subject`, issued now on the server's clock by the API's only
        OIDC provider (or `issuer`), signed with `signing_key` (a private JWK, or its file,
        whose public half is in the provider's `jwksFile`). `aud` is the provider's
        `clientId` unless `audience` says otherwise."""
        configs = [
            spec.open_id_connect_config for spec in self._providers() if spec.open_id_connect_config
        ]
        config = _the_one(configs, lambda config: config.issuer, issuer, "issuer")
        return oidc_token(
            read_private_jwk(signing_key),
            issuer=config.issuer,
            subject=subject,
            now=self.clock.now().timestamp(),
            audience=audience if audience is not None else config.client_id,
            claims=claims,
            lifetime=lifetime,
        )

    # --- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the clients, then stop the server."""
        try:
            for client in self._http:
                client.close()
            for name, client in self._clients.items():
                if name.startswith("boto3:"):
                    client.close()
            self._control.close()
        finally:
            self._server.stop()

    def _providers(self) -> tuple[AuthProviderSpec, ...]:
        return (
            self.definition.authentication,
            *self.definition.additional_authentication_providers,
        )

    def _httpx(self, headers: Mapping[str, str]) -> httpx.Client:
        client = httpx.Client(headers=dict(headers), timeout=30.0)
        self._http.append(client)
        return client

    def _plain(self) -> httpx.Client:
        client = self._clients.get("plain")
        if client is None:
            client = self._clients["plain"] = self._httpx({})
        assert isinstance(client, httpx.Client)
        return client


def _the_one(found: Sequence[T], name: Callable[[T], str], wanted: str | None, option: str) -> T:
    """The one provider config a token is for: `wanted` by name, or the API's only one."""
    matching = [item for item in found if wanted is None or name(item) == wanted]
    if len(matching) != 1:
        known = ", ".join(name(item) for item in found) or "none"
        raise TokenError(f"name the provider ({option}=...): the API's are: {known}")
    return matching[0]


def _clock_time(answer: Mapping[str, Any]) -> datetime:
    return datetime.fromtimestamp(float(answer["epochSeconds"]), UTC)
