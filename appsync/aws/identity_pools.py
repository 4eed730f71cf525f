"""Cognito identity pools' identities, roles and the temporary credentials they vend.

moto keeps the pools themselves (CreateIdentityPool, DescribeIdentityPool ...); what moto lacks
is here: the roles a pool gives each kind of identity (SetIdentityPoolRoles, or a template's
`AWS::Cognito::IdentityPoolRoleAttachment`), the identities GetId makes (the same user of the
same provider always gets the same identity), and credentials minted per identity for the
role of its kind, as Amazon Cognito's enhanced (simple) flow mints them: an `ASIA...` access
key, a secret key and a session token that expire one hour later on the server's clock
("Identity pools (federated identities) authentication flow", Amazon Cognito Developer Guide;
the GetCredentialsForIdentity API reference).

The credentials are an `auth.signature.CredentialSource`: they sign AppSync requests as
AWS_IAM, whose `$ctx.identity` then names the pool, the identity, its kind and provider, and
the assumed role `arn:aws:sts::<account>:assumed-role/<role name>/CognitoIdentityCredentials`
(AppSync's resolver context reference, identity under AWS_IAM); and calls to the AWS endpoint,
as the local account's other keys do. They live in this process's memory (under `serve
--workers` the primary's, which its workers ask: `appsync.aws.vended_credentials`): a restarted
server has forgotten them, and a client asks for new ones (AWS differs: its credentials outlive a
restart of nothing). Identities are kept in the data directory (`cognito-identities.jsonl`, a
line per identity made or signed in): Amplify keeps a guest's identity id in the browser's
storage and asks for that identity's credentials again after a restart, which Cognito would
answer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import string
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from appsync.aws.identity_logins import Login
from appsync.aws.keys import ACCOUNT_ID
from appsync.data_directory import IDENTITIES_FILE, DataDirectory, DataDirectoryError
from auth.clock import Clock
from auth.signature import CredentialSource, IamCredential
from definition.cognito_resources import IdentityPoolSpec
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

logger = logging.getLogger(__name__)

AUTHENTICATED = "authenticated"
UNAUTHENTICATED = "unauthenticated"
# GetCredentialsForIdentity's credentials last an hour.
CREDENTIAL_SECONDS = 3600
# The session name Cognito gives the role it assumes for an identity.
SESSION_NAME = "CognitoIdentityCredentials"
# The issuer of GetOpenIdToken's tokens, which STS's AssumeRoleWithWebIdentity takes.
OPEN_ID_ISSUER = "https://cognito-identity.amazonaws.com"
_KEY_ALPHABET = string.ascii_uppercase + string.digits
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"
# Minted credentials kept before expired ones are dropped, and at most this many of those
# that have not expired (the oldest dropped first): a client calling GetCredentialsForIdentity
# in a loop must not grow the server's memory for the hour they last.
# AWS differs: every credential it vends stays valid for its hour.
_PRUNE_ABOVE = 1000
MAX_CREDENTIALS = 10_000


@dataclass(frozen=True, slots=True)
class IdentityPool:
    """What a call needs of a pool moto keeps."""

    pool_id: str
    allow_unauthenticated: bool
    # (provider name, app client id) of its CognitoIdentityProviders.
    providers: tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Identity:
    """One identity of a pool; `logins` by provider name: the user's `sub` there."""

    identity_id: str
    pool_id: str
    created: float
    modified: float
    logins: dict[str, str] = field(default_factory=dict)


class IdentityPools:
    """Roles, identities and vended credentials of every identity pool."""

    def __init__(
        self,
        clock: Clock,
        data: DataDirectory | None = None,
        *,
        max_credentials: int = MAX_CREDENTIALS,
    ) -> None:
        self.clock = clock
        self._max_credentials = max_credentials
        self._data = data
        self._loaded = data is None
        # Pool id -> {"authenticated": role ARN, "unauthenticated": role ARN}.
        self.roles: dict[str, dict[str, str]] = {}
        self.role_mappings: dict[str, dict[str, Any]] = {}
        self._identities: dict[str, Identity] = {}
        self._by_login: dict[tuple[str, str, str], str] = {}
        self._credentials: dict[str, IamCredential] = {}
        # The functions' execution role sessions (`appsync.execution_roles`): keys the same
        # verifiers accept, and workers ask the primary for as they ask for these.
        self.sessions: CredentialSource | None = None

    # -- pools (moto's)

    def pool(self, pool_id: str) -> IdentityPool | None:
        with BACKEND_LOCK:
            found = _moto_pool(pool_id)
            if found is None:
                return None
            providers = tuple(
                (str(item.get("ProviderName", "")), str(item.get("ClientId", "")))
                for item in found.cognito_identity_providers or ()
                if isinstance(item, dict)
            )
            allowed = found.allow_unauthenticated_identities
            return IdentityPool(
                pool_id, allowed is True or str(allowed).lower() == "true", providers
            )

    # -- identities

    def identity(self, identity_id: str) -> Identity | None:
        self._load()
        return self._identities.get(identity_id)

    def identities(self, pool_id: str) -> list[Identity]:
        self._load()
        return [each for each in self._identities.values() if each.pool_id == pool_id]

    def logins_of(self, identity: Identity) -> list[Login]:
        return [Login(provider, subject) for provider, subject in identity.logins.items()]

    def identity_for(self, pool_id: str, logins: Sequence[Login]) -> Identity:
        """The identity of the user `logins` name (made on their first GetId); a new one for
        a guest (no logins) each time, as Cognito makes one per GetId."""
        self._load()
        for login in logins:
            known = self._by_login.get((pool_id, login.provider, login.subject))
            if known is not None and known in self._identities:
                return self._identities[known]
        now = self.clock.time()
        region = pool_id.split(":", 1)[0]
        made = Identity(f"{region}:{uuid.uuid4()}", pool_id, now, now)
        self._identities[made.identity_id] = made
        self.link(made, logins)
        if not logins:
            self._record(made)
        return made

    def link(self, identity: Identity, logins: Sequence[Login]) -> None:
        """`logins` become the identity's (a guest who signs in keeps its identity id)."""
        for login in logins:
            identity.logins[login.provider] = login.subject
            self._by_login[(identity.pool_id, login.provider, login.subject)] = identity.identity_id
        if logins:
            identity.modified = self.clock.time()
            self._record(identity)

    def _load(self) -> None:
        """The identities the data directory kept, read on first use."""
        if self._loaded:
            return
        self._loaded = True
        assert self._data is not None
        file = self._data.file(IDENTITIES_FILE)
        if file is None or not file.exists():
            return
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except OSError as error:
            logger.warning("cannot read %s: %s; identities start afresh", file, error)
            return
        for line in lines:
            try:
                kept = json.loads(line)
                identity = Identity(
                    str(kept["identityId"]),
                    str(kept["poolId"]),
                    float(kept["created"]),
                    float(kept["modified"]),
                    {str(k): str(v) for k, v in dict(kept["logins"]).items()},
                )
            except (ValueError, KeyError, TypeError):
                # A line cut short by a killed server: the ones before it stand.
                continue
            self._identities[identity.identity_id] = identity
            for provider, subject in identity.logins.items():
                self._by_login[(identity.pool_id, provider, subject)] = identity.identity_id

    def _record(self, identity: Identity) -> None:
        """A line for the identity as it is now (the last line of an identity wins)."""
        try:
            file = self._data.file(IDENTITIES_FILE) if self._data is not None else None
            if file is None:
                return
            line = {
                "identityId": identity.identity_id,
                "poolId": identity.pool_id,
                "created": identity.created,
                "modified": identity.modified,
                "logins": identity.logins,
            }
            with file.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line) + "\n")
                if self._data is not None and self._data.fsync:
                    # `serve --fsync`: the answer waits for the disk, as DynamoDB's writes do.
                    out.flush()
                    os.fsync(out.fileno())
        except (OSError, DataDirectoryError) as error:
            logger.warning("cannot keep identity %s: %s", identity.identity_id, error)

    # -- credentials

    def mint(
        self,
        identity: Identity,
        kind: str,
        role_arn: str,
        logins: Sequence[Login],
        *,
        session_name: str = SESSION_NAME,
        seconds: int = CREDENTIAL_SECONDS,
    ) -> IamCredential:
        """Credentials of `role_arn` for `identity`, of `kind` (authenticated or not), for
        `seconds`; the role's session is `session_name` (the enhanced flow's by default)."""
        now = self.clock.time()
        if len(self._credentials) >= min(_PRUNE_ABOVE, self._max_credentials):
            self._credentials = {
                key: credential
                for key, credential in self._credentials.items()
                if (credential.expiration or 0) > now
            }
            # Room for the one minted now.
            excess = len(self._credentials) - self._max_credentials + 1
            for key in list(self._credentials)[: max(0, excess)]:
                del self._credentials[key]
        role_name = role_arn.rsplit("/", 1)[-1]
        access_key_id, secret_access_key = temporary_key()
        credential = IamCredential(
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            account_id=ACCOUNT_ID,
            user_arn=f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_name}/{session_name}",
            # AWS's principal id of an assumed role: `<role id>:<session name>`.
            username=f"{role_id(role_arn)}:{session_name}",
            session_token=secrets.token_urlsafe(96),
            expiration=int(now) + seconds,
            cognito_identity_pool_id=identity.pool_id,
            cognito_identity_id=identity.identity_id,
            cognito_identity_auth_type=kind,
            cognito_identity_auth_provider=(
                ",".join(login.auth_provider for login in logins) if logins else None
            ),
        )
        self._credentials[access_key_id] = credential
        return credential

    async def lookup(self, access_key_id: str) -> IamCredential | None:
        """`auth.signature.CredentialSource`: the credentials minted under that key (or a
        function's session's)."""
        found = self._credentials.get(access_key_id)
        if found is None and self.sessions is not None:
            return await self.sessions.lookup(access_key_id)
        return found


def temporary_key() -> tuple[str, str]:
    """A new access key id (`ASIA` and 16 letters and digits, as STS makes temporary ones) and
    its secret key."""
    access_key_id = "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    return access_key_id, "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def role_id(role_arn: str) -> str:
    """A role's unique id (`AROA` and 17 letters and digits), the same for the same ARN."""
    digest = int.from_bytes(hashlib.sha256(role_arn.encode()).digest(), "big")
    characters = []
    for _ in range(17):
        digest, index = divmod(digest, len(_KEY_ALPHABET))
        characters.append(_KEY_ALPHABET[index])
    return "AROA" + "".join(characters)


def _backend(region: str) -> Any:
    from moto.cognitoidentity.models import cognitoidentity_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return cognitoidentity_backends[DEFAULT_ACCOUNT_ID][region]


def _moto_pool(pool_id: str) -> Any:
    region = pool_id.split(":", 1)[0]
    if not region:
        return None
    return _backend(region).identity_pools.get(pool_id)


@contextmanager
def identity_pools_created(
    specs: Sequence[IdentityPoolSpec], pools: IdentityPools
) -> Iterator[None]:
    """While inside, moto holds the definition's identity pools under the ids their `Ref`
    gave them, with their roles in `pools`."""
    with BACKEND_LOCK:
        for spec in specs:
            _create(spec, pools)
    try:
        yield
    finally:
        with BACKEND_LOCK:
            for spec in specs:
                backend = _backend(spec.identity_pool_id.split(":", 1)[0])
                backend.identity_pools.pop(spec.identity_pool_id, None)
                backend.pools_identities.pop(spec.identity_pool_id, None)


def _create(spec: IdentityPoolSpec, pools: IdentityPools) -> None:
    backend = _backend(spec.identity_pool_id.split(":", 1)[0])
    providers = [
        {"ProviderName": name, "ClientId": client, "ServerSideTokenCheck": False}
        for name, client in spec.providers
    ]
    backend.create_identity_pool(
        spec.pool_name, spec.allow_unauthenticated, {}, "", [], providers, [], {}
    )
    made = next(reversed(backend.identity_pools.values()))
    del backend.identity_pools[made.identity_pool_id]
    identities = backend.pools_identities.pop(made.identity_pool_id)
    made.identity_pool_id = spec.identity_pool_id
    backend.identity_pools[spec.identity_pool_id] = made
    backend.pools_identities[spec.identity_pool_id] = {
        **identities,
        "IdentityPoolId": spec.identity_pool_id,
    }
    if spec.roles:
        pools.roles[spec.identity_pool_id] = dict(spec.roles)
    if spec.role_mappings:
        pools.role_mappings[spec.identity_pool_id] = dict(spec.role_mappings)
    logger.info("identity pool %s (%s) created", spec.identity_pool_id, spec.pool_name)
