"""The credentials the primary's identity pools vend, verified by a worker of `serve --workers`.

GetCredentialsForIdentity and AssumeRoleWithWebIdentity are AWS API calls: whichever worker
receives them forwards them to the primary (`appsync.aws.forward`), whose `IdentityPools`
mints the credentials and keeps them in its memory. A worker that then gets a GraphQL request or
a realtime connection signed with them asks the primary for that access key over the loopback
channel the workers already use, signed as their DynamoDB and Step Functions calls are (SigV4,
the endpoint's first declared key):

* `VendedCredentialsRoute`, on the primary's AWS endpoint under the signing name
  `appsync-local-workers`, answers `AppSyncLocalWorkers.GetVendedCredentials` (AWS JSON 1.0,
  `{"AccessKeyId": ...}`) with the credentials and the identity they stand for, or `{}` for a
  key it did not mint. It answers only a request signed with the workers' key (not with vended
  credentials, which the endpoint's verifier accepts as well) from a loopback address; a
  worker never forwards a call of that signing name from its public port (`ForwardedAws`), so
  only a process on the primary's machine that holds the endpoint's key reaches it;
* `PrimaryCredentials`, a worker's `auth.signature.CredentialSource`, asks it for a key shaped
  as the minted ones (`ASIA` and 16 upper-case letters and digits) that it does not know, and
  keeps the answer until that credential expires (an expired one, or no credential, for
  `RECHECK_SECONDS`, so that a client repeating an unknown key asks the primary once per that
  time). Both caches are bounded, the oldest entries dropped first: a flood of made-up keys
  costs a loopback call each, as the AWS calls the worker forwards do, and no memory beyond
  the bound. Concurrent lookups of one key share one call.

The worker verifies the signature itself with the credential it got, so `$ctx.identity` and
the refusals (a wrong secret, a wrong session token, an expired credential) are those of one
process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from appsync.aws.errors import json_error, request_id
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from appsync.hosts import is_loopback
from auth.clock import Clock
from auth.signature import IamCredential, signature_access_key

# httpx and botocore: a worker's alone (see `appsync.aws.forward`).
if TYPE_CHECKING:
    import httpx

    from appsync.aws.identity_pools import IdentityPools

logger = logging.getLogger(__name__)

SIGNING_NAME = "appsync-local-workers"
OPERATION = "GetVendedCredentials"
TARGET = f"AppSyncLocalWorkers.{OPERATION}"
_JSON_TYPE = "application/x-amz-json-1.0"
# The keys `IdentityPools.mint` makes; no other key is asked for.
_VENDED_KEY = re.compile(r"ASIA[A-Z0-9]{16}")
# How long "no such credential" (or an expired one) stands before the primary is asked again.
RECHECK_SECONDS = 5.0
# At most this many answers kept: the primary keeps as many credentials
# (`identity_pools.MAX_CREDENTIALS`), and made-up keys get far fewer places.
MAX_KNOWN = 10_000
MAX_UNKNOWN = 1_000
# A lookup the primary does not answer within this refuses the request (the key is unknown).
_ASK_TIMEOUT_SECONDS = 10.0


class CredentialsJson(TypedDict):
    """GetCredentialsForIdentity's `Credentials`, with `Expiration` in epoch seconds."""

    AccessKeyId: str
    SecretKey: str
    SessionToken: str | None
    Expiration: int | None


class IdentityJson(TypedDict):
    """What the credentials stand for, under `$ctx.identity`'s names."""

    accountId: str
    userArn: str
    username: str | None
    cognitoIdentityPoolId: str | None
    cognitoIdentityId: str | None
    cognitoIdentityAuthType: str | None
    cognitoIdentityAuthProvider: str | None


class VendedJson(TypedDict):
    """The answer: both, or neither for a key the primary did not mint."""

    Credentials: NotRequired[CredentialsJson]
    Identity: NotRequired[IdentityJson]


def vended_json(credential: IamCredential) -> VendedJson:
    return {
        "Credentials": {
            "AccessKeyId": credential.access_key_id,
            "SecretKey": credential.secret_access_key,
            "SessionToken": credential.session_token,
            "Expiration": credential.expiration,
        },
        "Identity": {
            "accountId": credential.account_id,
            "userArn": credential.user_arn,
            "username": credential.username,
            "cognitoIdentityPoolId": credential.cognito_identity_pool_id,
            "cognitoIdentityId": credential.cognito_identity_id,
            "cognitoIdentityAuthType": credential.cognito_identity_auth_type,
            "cognitoIdentityAuthProvider": credential.cognito_identity_auth_provider,
        },
    }


def credential_of(answer: Any) -> IamCredential | None:
    """The credential a `VendedJson` answer names; None for `{}` or any other shape."""
    if not isinstance(answer, dict):
        return None
    credentials, identity = answer.get("Credentials"), answer.get("Identity")
    if not isinstance(credentials, dict) or not isinstance(identity, dict):
        return None
    try:
        return IamCredential(
            access_key_id=str(credentials["AccessKeyId"]),
            secret_access_key=str(credentials["SecretKey"]),
            account_id=str(identity["accountId"]),
            user_arn=str(identity["userArn"]),
            username=_text(identity.get("username")),
            session_token=_text(credentials.get("SessionToken")),
            expiration=_seconds(credentials.get("Expiration")),
            cognito_identity_pool_id=_text(identity.get("cognitoIdentityPoolId")),
            cognito_identity_id=_text(identity.get("cognitoIdentityId")),
            cognito_identity_auth_type=_text(identity.get("cognitoIdentityAuthType")),
            cognito_identity_auth_provider=_text(identity.get("cognitoIdentityAuthProvider")),
        )
    except KeyError:
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _seconds(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class VendedCredentialsRoute:
    """`ServiceRoute` of the primary for `appsync-local-workers` (see above); `workers_key`:
    the access key id the workers sign with."""

    def __init__(self, pools: IdentityPools, workers_key: str) -> None:
        self._pools = pools
        self._workers_key = workers_key

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        if call.operation != OPERATION:
            return json_error(
                400, "UnknownOperationException", f"Unknown operation {call.operation}"
            )
        # The endpoint has verified the signature: the key it names signed the request.
        signer = signature_access_key(request.auth_request())
        if signer != self._workers_key or not is_loopback(request.source_ip or ""):
            return json_error(
                403,
                "AccessDeniedException",
                "Only the workers of this server may read the credentials it vended",
            )
        body = request.json_object()
        key = body.get("AccessKeyId") if body is not None else None
        if not isinstance(key, str):
            return json_error(400, "ValidationException", "AccessKeyId must be a string")
        credential = await self._pools.lookup(key)
        answer: VendedJson = vended_json(credential) if credential is not None else {}
        return AwsResponse(
            200,
            json.dumps(answer).encode(),
            [("content-type", _JSON_TYPE), ("x-amzn-requestid", request_id())],
        )


class PrimaryCredentials:
    """A worker's `CredentialSource`: the primary's vended credentials (see above), asked of
    its AWS endpoint at `url` signed with `key` (access key id, secret), cached on `clock`
    (the API's, on which the credentials expire)."""

    def __init__(
        self,
        url: str,
        key: tuple[str, str],
        clock: Clock,
        *,
        max_known: int = MAX_KNOWN,
        max_unknown: int = MAX_UNKNOWN,
    ) -> None:
        self._url = url.rstrip("/") + "/"
        self._key = key
        self._clock = clock
        self._max_known = max_known
        self._max_unknown = max_unknown
        # Access key id -> (the credential, when to ask again); oldest first.
        self._known: OrderedDict[str, tuple[IamCredential, float]] = OrderedDict()
        # Access key id -> when to ask again.
        self._unknown: OrderedDict[str, float] = OrderedDict()
        self._asking: dict[str, asyncio.Future[bool | None]] = {}
        # Made on first use, on the worker's event loop.
        self._client: httpx.AsyncClient | None = None
        # Calls made to the primary (what the cache saves is counted in the tests).
        self.asked = 0

    async def lookup(self, access_key_id: str) -> IamCredential | None:
        if _VENDED_KEY.fullmatch(access_key_id) is None:
            return None
        while True:
            hit, credential = self._cached(access_key_id)
            if hit:
                return credential
            shared = self._asking.get(access_key_id)
            if shared is None:
                break
            # Another request asks for this key: its answer is kept, or the primary gave none
            # (False); should that request be cancelled first (None), one of the others asks.
            if await asyncio.shield(shared) is False:
                return None
        asking: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()
        self._asking[access_key_id] = asking
        answered: bool | None = None
        try:
            answered, credential = await self._ask(access_key_id)
            if answered:
                self._keep(access_key_id, credential)
        finally:
            del self._asking[access_key_id]
            asking.set_result(answered)
        return credential

    def _cached(self, access_key_id: str) -> tuple[bool, IamCredential | None]:
        """Whether an answer for the key stands, and that answer."""
        now = self._clock.time()
        known = self._known.get(access_key_id)
        if known is not None and now < known[1]:
            return True, known[0]
        recheck = self._unknown.get(access_key_id)
        return recheck is not None and now < recheck, None

    def _keep(self, access_key_id: str, credential: IamCredential | None) -> None:
        now = self._clock.time()
        self._known.pop(access_key_id, None)
        self._unknown.pop(access_key_id, None)
        if credential is None:
            self._unknown[access_key_id] = now + RECHECK_SECONDS
            _bound(self._unknown, self._max_unknown)
            return
        until = max(float(credential.expiration or 0), now + RECHECK_SECONDS)
        self._known[access_key_id] = (credential, until)
        _bound(self._known, self._max_known)

    async def _ask(self, access_key_id: str) -> tuple[bool, IamCredential | None]:
        """Whether the primary answered, and the credential it named. Without an answer (it
        does not run, it refused) the request is refused as for an unknown key, and nothing
        is kept: the next request asks again."""
        import httpx
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        if self._client is None:
            self._client = httpx.AsyncClient(timeout=_ASK_TIMEOUT_SECONDS)
        body = json.dumps({"AccessKeyId": access_key_id}).encode()
        request = AWSRequest(
            method="POST",
            url=self._url,
            data=body,
            headers={"content-type": _JSON_TYPE, "x-amz-target": TARGET},
        )
        # The region is the scope's alone: the primary's endpoint takes any.
        SigV4Auth(Credentials(*self._key), SIGNING_NAME, "us-east-1").add_auth(request)
        headers = {name: str(value) for name, value in request.headers.items()}
        self.asked += 1
        try:
            response = await self._client.post(self._url, content=body, headers=headers)
            answer = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("the primary did not tell a key's credentials: %s", error)
            return False, None
        if answer is None:
            logger.warning("the primary refused to tell a key's credentials: %s", response.text)
            return False, None
        return True, credential_of(answer)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()


def _bound(entries: OrderedDict[str, Any], most: int) -> None:
    while len(entries) > most:
        entries.popitem(last=False)
