"""The `cognito-identity` route: Cognito identity pools as Amplify's guest and IAM access uses
them, around moto's pools.

moto's Cognito Identity keeps pools (create, describe, update, list, delete: those calls go to
it) but answers GetCredentialsForIdentity with the same fixed keys for everyone, gives pools
no roles and takes any `Logins`. This route answers the rest as Amazon Cognito does (the
Amazon Cognito Identity API Reference for each operation; the enhanced flow in "Identity pools
(federated identities) authentication flow", Amazon Cognito Developer Guide):

- GetId: an identity of the pool for the user the `Logins` name (`appsync.aws.identity_logins`
  verifies them), the same for the same user; without `Logins`, a new guest identity, or
  NotAuthorizedException "Unauthenticated access is not supported for this identity pool." when
  the pool has `AllowUnauthenticatedIdentities: false` (boto/botocore#329,
  aws/aws-sdk-js-v3#3113);
- GetCredentialsForIdentity: credentials of the pool's role for the identity's kind
  (`appsync.aws.identity_pools`); an identity that has signed in must send a login of its own
  (NotAuthorizedException "Access to Identity '<id>' is forbidden.", aws/aws-sdk-js#1241); a
  kind without a role is InvalidIdentityPoolConfigurationException "Invalid identity pool
  configuration. Check assigned IAM roles for this pool." (aws-amplify/amplify-swift#3124
  records the answer); a signed-in identity's role is the one the pool's role mappings give
  (`appsync.aws.identity_role_mappings`: from the token's group roles, or by rules);
- GetOpenIdToken: an OpenID token for the identity (issuer `https://cognito-identity.amazonaws.com`,
  audience the pool, `amr` its kind and providers), ten minutes long, signed with the
  installation's key;
- SetIdentityPoolRoles, GetIdentityPoolRoles; ListIdentities and DescribeIdentity of the
  identities made here.

An unknown pool is ResourceNotFoundException "IdentityPool '<id>' not found.", an unknown
identity "Identity '<id>' not found.".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from appsync.aws.cognito import signed_again
from appsync.aws.cognito_pools import answer, error_response
from appsync.aws.endpoint import ServiceRoute
from appsync.aws.identity_logins import (
    NOT_AUTHORIZED,
    IdentityPoolError,
    Login,
    verified_logins,
)
from appsync.aws.identity_pools import (
    AUTHENTICATED,
    OPEN_ID_ISSUER,
    UNAUTHENTICATED,
    Identity,
    IdentityPool,
    IdentityPools,
)
from appsync.aws.identity_role_mappings import mapped_role
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall

if TYPE_CHECKING:
    from auth.oidc import JwksSource

logger = logging.getLogger(__name__)

NO_GUESTS = "Unauthenticated access is not supported for this identity pool."
NO_ROLE = "Invalid identity pool configuration. Check assigned IAM roles for this pool."
_NOT_FOUND = "ResourceNotFoundException"
_INVALID = "InvalidParameterException"
# GetOpenIdToken's token lasts ten minutes (its API reference).
_OPEN_ID_SECONDS = 600

_Operation = Callable[["CognitoIdentity", dict[str, Any]], Awaitable[dict[str, Any]]]


class CognitoIdentity:
    """`ServiceRoute` for `cognito-identity`; `keys`: the embedded user pools' public keys."""

    def __init__(self, pools: IdentityPools, moto: ServiceRoute, keys: JwksSource) -> None:
        self._pools = pools
        self._moto = moto
        self._keys = keys

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        operation = _OPERATIONS.get(call.operation or "")
        body = request.json_object()
        if operation is None or body is None:
            return await self._moto.handle(request, call)
        try:
            return answer(await operation(self, body))
        except IdentityPoolError as error:
            logger.info("refused %s: %s %s", call.operation, error.code, error.message)
            return error_response(error.code, error.message)

    # -- the operations

    async def get_id(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = await self._pool(body)
        logins = await self._logins(body, pool)
        if not logins and not pool.allow_unauthenticated:
            raise IdentityPoolError(NOT_AUTHORIZED, NO_GUESTS)
        return {"IdentityId": self._pools.identity_for(pool.pool_id, logins).identity_id}

    async def get_credentials_for_identity(self, body: dict[str, Any]) -> dict[str, Any]:
        identity, pool, logins = await self._signed_in(body)
        kind = AUTHENTICATED if logins else UNAUTHENTICATED
        role = self._pools.roles.get(pool.pool_id, {}).get(kind)
        if not role:
            raise IdentityPoolError("InvalidIdentityPoolConfigurationException", NO_ROLE)
        if logins:
            mappings = self._pools.role_mappings.get(pool.pool_id, {})
            custom = body.get("CustomRoleArn")
            role = mapped_role(mappings, logins, role, custom if isinstance(custom, str) else None)
        credential = self._pools.mint(identity, kind, role, logins)
        return {
            "IdentityId": identity.identity_id,
            "Credentials": {
                "AccessKeyId": credential.access_key_id,
                "SecretKey": credential.secret_access_key,
                "SessionToken": credential.session_token,
                "Expiration": credential.expiration,
            },
        }

    async def get_open_id_token(self, body: dict[str, Any]) -> dict[str, Any]:
        identity, pool, logins = await self._signed_in(body)
        now = int(self._pools.clock.time())
        amr = (
            [AUTHENTICATED, *(login.provider for login in logins)] if logins else [UNAUTHENTICATED]
        )
        claims = {
            "iss": OPEN_ID_ISSUER,
            "sub": identity.identity_id,
            "aud": pool.pool_id,
            "amr": amr,
            "iat": now,
            "exp": now + _OPEN_ID_SECONDS,
        }
        return {"IdentityId": identity.identity_id, "Token": signed_again(claims)}

    async def set_identity_pool_roles(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = await self._pool(body)
        roles = body.get("Roles")
        if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
            raise IdentityPoolError(_INVALID, "Roles must be a map of role ARNs.")
        self._pools.roles[pool.pool_id] = dict(roles)
        mappings = body.get("RoleMappings")
        if isinstance(mappings, dict):
            self._pools.role_mappings[pool.pool_id] = mappings
        return {}

    async def get_identity_pool_roles(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = await self._pool(body)
        found: dict[str, Any] = {
            "IdentityPoolId": pool.pool_id,
            "Roles": self._pools.roles.get(pool.pool_id, {}),
        }
        if pool.pool_id in self._pools.role_mappings:
            found["RoleMappings"] = self._pools.role_mappings[pool.pool_id]
        return found

    async def list_identities(self, body: dict[str, Any]) -> dict[str, Any]:
        pool = await self._pool(body)
        listed = [_described(each) for each in self._pools.identities(pool.pool_id)]
        return {"IdentityPoolId": pool.pool_id, "Identities": listed}

    async def describe_identity(self, body: dict[str, Any]) -> dict[str, Any]:
        return _described(self._identity(body))

    # -- what the operations share

    async def _pool(self, body: dict[str, Any]) -> IdentityPool:
        pool_id = body.get("IdentityPoolId")
        # Off the loop: moto's backends are behind a lock another call may hold.
        pool = (
            await asyncio.to_thread(self._pools.pool, pool_id) if isinstance(pool_id, str) else None
        )
        if pool is None:
            raise IdentityPoolError(_NOT_FOUND, f"IdentityPool '{pool_id}' not found.")
        return pool

    def _identity(self, body: dict[str, Any]) -> Identity:
        identity_id = body.get("IdentityId")
        identity = self._pools.identity(identity_id) if isinstance(identity_id, str) else None
        if identity is None:
            raise IdentityPoolError(_NOT_FOUND, f"Identity '{identity_id}' not found.")
        return identity

    async def _logins(self, body: dict[str, Any], pool: IdentityPool) -> tuple[Login, ...]:
        logins = body.get("Logins") or {}
        if not isinstance(logins, dict):
            raise IdentityPoolError(_INVALID, "Logins must be a map of provider names to tokens.")
        if not logins:
            return ()
        jwks = await self._keys.fetch()
        return verified_logins(logins, pool.providers, jwks, self._pools.clock.time())

    async def _signed_in(
        self, body: dict[str, Any]
    ) -> tuple[Identity, IdentityPool, tuple[Login, ...]]:
        """The identity a call names, its pool, and the call's verified logins, which must
        include one of the identity's own when it has any."""
        identity = self._identity(body)
        pool = await asyncio.to_thread(self._pools.pool, identity.pool_id)
        if pool is None:
            raise IdentityPoolError(_NOT_FOUND, f"IdentityPool '{identity.pool_id}' not found.")
        logins = await self._logins(body, pool)
        mine = [login for login in logins if identity.logins.get(login.provider) == login.subject]
        if identity.logins and not mine:
            forbidden = f"Access to Identity '{identity.identity_id}' is forbidden."
            raise IdentityPoolError(NOT_AUTHORIZED, forbidden)
        if logins and not identity.logins:
            # A guest who signs in keeps its identity (Amplify sends the guest's id).
            self._pools.link(identity, logins)
        elif not logins and not pool.allow_unauthenticated:
            raise IdentityPoolError(NOT_AUTHORIZED, NO_GUESTS)
        return identity, pool, logins


def _described(identity: Identity) -> dict[str, Any]:
    return {
        "IdentityId": identity.identity_id,
        "Logins": sorted(identity.logins),
        "CreationDate": identity.created,
        "LastModifiedDate": identity.modified,
    }


_OPERATIONS: dict[str, _Operation] = {
    "GetId": CognitoIdentity.get_id,
    "GetCredentialsForIdentity": CognitoIdentity.get_credentials_for_identity,
    "GetOpenIdToken": CognitoIdentity.get_open_id_token,
    "SetIdentityPoolRoles": CognitoIdentity.set_identity_pool_roles,
    "GetIdentityPoolRoles": CognitoIdentity.get_identity_pool_roles,
    "ListIdentities": CognitoIdentity.list_identities,
    "DescribeIdentity": CognitoIdentity.describe_identity,
}
