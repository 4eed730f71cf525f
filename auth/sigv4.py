"""AWS_IAM: Signature Version 4 requests to AppSync, signed for the service `appsync`.

`auth.signature` checks the signature (the canonical request rebuilt from what arrived, with the
SHA-256 of the real body, never a client-supplied `UNSIGNED-PAYLOAD`); this module turns the key
that signed into `$ctx.identity`. AppSync answers a bad signature with HTTP 403 and AWS's error
types (InvalidSignatureException, IncompleteSignatureException, UnrecognizedClientException,
ExpiredTokenException). Keys of the embedded moto's IAM and STS sign only when the definition
opts in (`iamConfig.trustEmbeddedIam`, see `MotoCredentialSource`).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from auth.clock import Clock
from auth.identity import AUTH_TYPES, Principal
from auth.modes import AuthMode
from auth.request import AuthRequest
from auth.signature import CredentialSource, IamCredential, SigV4Verifier, is_sigv4

__all__ = ["CredentialSource", "IamConfig", "IamCredential", "IamProvider", "is_sigv4"]

logger = logging.getLogger(__name__)

SERVICE = "appsync"


@dataclass(frozen=True, slots=True)
class IamConfig:
    """AWS_IAM. `region`, when set, is the only region the credential scope may name.
    `sources` are looked up after `credentials` (the embedded moto's IAM, on opt-in)."""

    credentials: tuple[IamCredential, ...] = ()
    region: str | None = None
    sources: tuple[CredentialSource, ...] = ()

    @property
    def mode(self) -> AuthMode:
        return AuthMode.AWS_IAM


class IamProvider:
    def __init__(self, config: IamConfig, clock: Clock, signing_clock: Clock | None = None) -> None:
        self._verifier = SigV4Verifier(
            config.credentials,
            clock,
            region=config.region,
            sources=config.sources,
            signing_clock=signing_clock,
        )

    async def authenticate(self, request: AuthRequest) -> Principal:
        credential = await self._verifier.verify(request, SERVICE)
        return Principal(
            mode=AuthMode.AWS_IAM,
            identity=iam_identity(credential, request.source_ip),
            auth_type=AUTH_TYPES[AuthMode.AWS_IAM],
        )


def iam_identity(credential: IamCredential, source_ip: str | None) -> dict[str, Any]:
    """`$ctx.identity` under AWS_IAM (AppSync resolver context reference, identity for IAM)."""
    username = credential.username or credential.user_arn.rsplit("/", 1)[-1]
    return {
        "accountId": credential.account_id,
        "cognitoIdentityPoolId": credential.cognito_identity_pool_id,
        "cognitoIdentityId": credential.cognito_identity_id,
        "sourceIp": [source_ip] if source_ip else [],
        "username": username,
        "userArn": credential.user_arn,
        "cognitoIdentityAuthType": credential.cognito_identity_auth_type,
        "cognitoIdentityAuthProvider": credential.cognito_identity_auth_provider,
    }


class MotoCredentialSource:
    """Access keys of the in-process moto: IAM users' keys and STS temporary credentials.

    Looks keys up in moto's IAM and STS backends (every account moto has seen), so a user or an
    assumed role created with boto3 against the embedded moto can sign requests. Only on the
    definition's explicit opt-in: anyone who can reach the embedded IAM can mint such keys.
    """

    async def lookup(self, access_key_id: str) -> IamCredential | None:
        return await asyncio.to_thread(_moto_lookup, access_key_id)


def _moto_lookup(access_key_id: str) -> IamCredential | None:
    # Imported here: moto is large, and only APIs running against the embedded moto use it.
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    for account_id, account in list(iam_backends.items()):
        for partition, backend in list(account.items()):
            key = backend.access_keys.get(access_key_id)
            if key is None:
                continue
            if key.status != "Active":
                return None
            if key.role_arn:
                role = sts_backends[account_id][partition].get_assumed_role_from_access_key(
                    access_key_id
                )
                if role is None:
                    return None
                expiration = role.expiration
                if expiration.tzinfo is None:
                    expiration = expiration.replace(tzinfo=UTC)
                return IamCredential(
                    access_key_id=access_key_id,
                    secret_access_key=role.secret_access_key,
                    account_id=account_id,
                    user_arn=role.arn,
                    username=role.user_id,
                    session_token=role.session_token,
                    expiration=int(expiration.timestamp()),
                )
            user = backend.users.get(key.user_name or "")
            if user is None:
                return None
            return IamCredential(
                access_key_id=access_key_id,
                secret_access_key=key.secret_access_key,
                account_id=account_id,
                user_arn=user.arn,
                username=user.id,
            )
    return None
