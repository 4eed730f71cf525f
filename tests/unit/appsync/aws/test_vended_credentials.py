"""A worker's way to the credentials the primary's identity pools vend
(`appsync.aws.vended_credentials`): a real primary AWS endpoint on loopback (its verifier, its
`IdentityPools`, the `appsync-local-workers` route), asked by `PrimaryCredentials` as a worker
asks it; the worker-side verifier checks requests signed with minted credentials as one process
checks them (botocore's SigV4Auth signs them), on an injected clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest

from appsync.aws.endpoint import AwsEndpoint
from appsync.aws.identity_pools import IdentityPools
from appsync.aws.keys import endpoint_verifier
from appsync.aws.listener import AwsOnlyApp, extra_listener
from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol
from appsync.aws.vended_credentials import (
    RECHECK_SECONDS,
    SIGNING_NAME,
    TARGET,
    PrimaryCredentials,
    VendedCredentialsRoute,
    credential_of,
    vended_json,
)
from appsync.clock import ManualClock
from appsync.hosts import HostPolicy
from auth.clock import SystemClock
from auth.errors import SignatureError
from auth.request import AuthRequest
from auth.signature import IamCredential, SigV4Verifier
from definition.model import AwsEndpointSettings
from tests.fixtures.aws_signing import signed_headers

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

POOL = "us-east-1:11111111-2222-3333-4444-555555555555"
ROLE = "arn:aws:iam::123456789012:role/notes-unauthRole"
QUERY = b'{"query":"{ whoami }"}'
API = "http://127.0.0.1:20002/graphql"


class Primary:
    """The primary's side: its identity pools and the URL of its AWS endpoint."""

    def __init__(self, pools: IdentityPools, url: str) -> None:
        self.pools = pools
        self.url = url

    def mint(self, seconds: int = 3600) -> IamCredential:
        identity = self.pools.identity_for(POOL, [])
        return self.pools.mint(identity, "unauthenticated", ROLE, [], seconds=seconds)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 1, tzinfo=UTC))


@pytest.fixture
async def primary(clock: ManualClock) -> AsyncIterator[Primary]:
    pools = IdentityPools(clock)
    settings = AwsEndpointSettings()
    # Requests are signed now (botocore reads the wall clock); credentials expire on `clock`.
    endpoint = AwsEndpoint(endpoint_verifier(settings, SystemClock(), pools, clock), {})
    endpoint.add_route(SIGNING_NAME, VendedCredentialsRoute(pools, "testing"))
    async with extra_listener(AwsOnlyApp(endpoint, HostPolicy()), "127.0.0.1", 0) as url:
        yield Primary(pools, url)


def _worker(primary: Primary, clock: ManualClock, **bounds: int) -> PrimaryCredentials:
    return PrimaryCredentials(primary.url, ("testing", "testing"), clock, **bounds)


def _signed(credential: IamCredential, secret: str | None = None) -> AuthRequest:
    """A GraphQL POST signed for `appsync` with the credential (or another secret)."""
    key = (
        credential.access_key_id,
        secret or credential.secret_access_key,
        credential.session_token or "",
    )
    headers = signed_headers(
        "POST", API, "appsync", QUERY, {"content-type": "application/json"}, key
    )
    # As received: the Host botocore signed from the URL.
    received = {**headers, "host": "127.0.0.1:20002"}
    return AuthRequest.from_raw_headers("POST", "/graphql", received, QUERY)


def _verifier(source: PrimaryCredentials, clock: ManualClock) -> SigV4Verifier:
    """The worker's AWS_IAM check: no declared key of its own, the primary's credentials."""
    return SigV4Verifier((), clock, sources=(source,), signing_clock=SystemClock())


async def test_a_worker_verifies_credentials_the_primary_minted_with_their_identity(
    primary: Primary, clock: ManualClock
) -> None:
    minted = primary.mint()
    worker = _worker(primary, clock)
    verified = await _verifier(worker, clock).verify(_signed(minted), "appsync")
    # Every field `$ctx.identity` reads, as the primary minted it.
    assert verified == minted
    assert verified.cognito_identity_pool_id == POOL
    assert verified.user_arn == (
        "arn:aws:sts::123456789012:assumed-role/notes-unauthRole/CognitoIdentityCredentials"
    )
    await worker.close()


async def test_the_answer_is_kept_until_the_credential_expires_then_expired_is_refused(
    primary: Primary, clock: ManualClock
) -> None:
    minted = primary.mint(seconds=900)
    worker = _worker(primary, clock)
    verifier = _verifier(worker, clock)
    for _ in range(5):
        await verifier.verify(_signed(minted), "appsync")
    assert worker.asked == 1
    clock.advance(900)
    with pytest.raises(SignatureError) as refused:
        await verifier.verify(_signed(minted), "appsync")
    # One process's refusal of an expired credential (AWS's ExpiredTokenException).
    assert (refused.value.error_type, refused.value.message) == (
        "ExpiredTokenException",
        "The security token included in the request is expired",
    )
    # Asked once more at expiry, then that answer stands for a while.
    with pytest.raises(SignatureError):
        await verifier.verify(_signed(minted), "appsync")
    assert worker.asked == 2
    await worker.close()


async def test_a_wrong_secret_is_an_invalid_signature(primary: Primary, clock: ManualClock) -> None:
    minted = primary.mint()
    worker = _worker(primary, clock)
    with pytest.raises(SignatureError) as refused:
        await _verifier(worker, clock).verify(_signed(minted, secret="not-the-secret"), "appsync")
    assert refused.value.error_type == "InvalidSignatureException"
    await worker.close()


async def test_an_unknown_key_is_asked_once_per_recheck_and_a_made_up_one_never(
    primary: Primary, clock: ManualClock
) -> None:
    worker = _worker(primary, clock)
    stranger = IamCredential("ASIA" + "Q" * 16, "secret", "123456789012", "arn", session_token="t")
    verifier = _verifier(worker, clock)
    for _ in range(3):
        with pytest.raises(SignatureError) as refused:
            await verifier.verify(_signed(stranger), "appsync")
        assert refused.value.error_type == "UnrecognizedClientException"
    assert worker.asked == 1
    clock.advance(RECHECK_SECONDS)
    assert await worker.lookup(stranger.access_key_id) is None
    assert worker.asked == 2
    # Not the shape of a minted key: the primary is not asked.
    for key in ("AKIAIOSFODNN7EXAMPLE", "ASIA" + "q" * 16, "testing"):
        assert await worker.lookup(key) is None
    assert worker.asked == 2
    await worker.close()


async def test_the_caches_are_bounded_oldest_first(primary: Primary, clock: ManualClock) -> None:
    worker = _worker(primary, clock, max_known=2, max_unknown=2)
    first, second, third = primary.mint(), primary.mint(), primary.mint()
    for credential in (first, second, third):
        assert await worker.lookup(credential.access_key_id) == credential
    for letter in "ABC":
        assert await worker.lookup("ASIA" + letter * 16) is None
    assert worker.asked == 6
    # The newest two of each are kept; the oldest is asked for again.
    assert await worker.lookup(third.access_key_id) == third
    assert await worker.lookup("ASIA" + "C" * 16) is None
    assert worker.asked == 6
    assert await worker.lookup(first.access_key_id) == first
    assert await worker.lookup("ASIA" + "A" * 16) is None
    assert worker.asked == 8
    await worker.close()


async def test_a_primary_that_does_not_answer_refuses_and_keeps_nothing(
    clock: ManualClock,
) -> None:
    worker = PrimaryCredentials("http://127.0.0.1:9", ("testing", "testing"), clock)
    key = "ASIA" + "Z" * 16
    assert await worker.lookup(key) is None
    assert await worker.lookup(key) is None
    assert worker.asked == 2
    await worker.close()


async def test_the_route_answers_only_the_workers_key(primary: Primary) -> None:
    minted = primary.mint()
    body = b'{"AccessKeyId": "%s"}' % minted.access_key_id.encode()
    headers = {"content-type": "application/x-amz-json-1.0", "x-amz-target": TARGET}
    url = primary.url + "/"
    async with httpx.AsyncClient() as client:
        # Signed with the vended credentials themselves, which the endpoint accepts.
        key = (minted.access_key_id, minted.secret_access_key, minted.session_token or "")
        as_guest = signed_headers("POST", url, SIGNING_NAME, body, headers, key)
        refused = await client.post(url, content=body, headers=as_guest)
        as_worker = signed_headers("POST", url, SIGNING_NAME, body, headers)
        answered = await client.post(url, content=body, headers=as_worker)
        unsigned = await client.post(url, content=body, headers=headers)
    assert refused.status_code == 403
    assert refused.json()["__type"] == "AccessDeniedException"
    assert answered.status_code == 200
    assert credential_of(answered.json()) == minted
    assert unsigned.status_code == 400
    assert unsigned.json()["__type"] == "MissingAuthenticationTokenException"


async def test_the_route_refuses_a_caller_beyond_loopback_and_other_operations(
    primary: Primary,
) -> None:
    route = VendedCredentialsRoute(primary.pools, "testing")
    body = b'{"AccessKeyId": "ASIAAAAAAAAAAAAAAAAA"}'
    headers = {"content-type": "application/x-amz-json-1.0", "x-amz-target": TARGET}
    signed = {
        name.lower(): value
        for name, value in signed_headers("POST", API, SIGNING_NAME, body, headers).items()
    }
    signed["host"] = "127.0.0.1:20002"
    call = ServiceCall(
        SIGNING_NAME, SIGNING_NAME, "GetVendedCredentials", WireProtocol.JSON, "", True
    )
    remote = await route.handle(AwsRequest("POST", "/", "", signed, body, "192.0.2.7"), call)
    assert remote.status == 403
    local = AwsRequest("POST", "/", "", signed, body, "127.0.0.1")
    assert (await route.handle(local, call)).body == b"{}"
    other = ServiceCall(SIGNING_NAME, SIGNING_NAME, "ListKeys", WireProtocol.JSON, "", True)
    assert (await route.handle(local, other)).status == 400
    not_a_key = AwsRequest("POST", "/", "", signed, b'{"AccessKeyId": 7}', "127.0.0.1")
    assert (await route.handle(not_a_key, call)).status == 400


def test_the_answer_round_trips_and_other_shapes_name_no_credential() -> None:
    credential = IamCredential(
        "ASIA" + "B" * 16,
        "secret",
        "123456789012",
        "arn:aws:sts::123456789012:assumed-role/r/s",
        "AROAEXAMPLE:s",
        "token",
        1_900_000_000,
        POOL,
        "us-east-1:identity",
        "authenticated",
        "cognito-idp.us-east-1.amazonaws.com/pool",
    )
    assert credential_of(vended_json(credential)) == credential
    others: list[object] = [{}, [], {"Credentials": {}, "Identity": {}}, {"Credentials": None}]
    for other in others:
        assert credential_of(other) is None


async def test_concurrent_lookups_of_one_key_share_one_call(
    primary: Primary, clock: ManualClock
) -> None:
    minted = primary.mint()
    worker = _worker(primary, clock)
    found = await asyncio.gather(*(worker.lookup(minted.access_key_id) for _ in range(5)))
    assert found == [minted] * 5
    assert worker.asked == 1
    await worker.close()


async def test_a_lookup_cancelled_while_others_wait_on_it_leaves_them_an_answer(
    primary: Primary, clock: ManualClock
) -> None:
    # A client that goes away while its request asks the primary: those sharing that call ask
    # again rather than refuse their own callers.
    minted = primary.mint()
    worker = _worker(primary, clock)
    async with asyncio.TaskGroup() as group:
        first = group.create_task(worker.lookup(minted.access_key_id))
        await asyncio.sleep(0)
        sharing = group.create_task(worker.lookup(minted.access_key_id))
        await asyncio.sleep(0)
        assert (worker.asked, first.done()) == (1, False)
        first.cancel()
    assert first.cancelled()
    assert sharing.result() == minted
    assert worker.asked == 2
    await worker.close()
