"""The access keys the AWS endpoint accepts, as `auth` verifies them.

The definition declares them (`server.aws.credentials`; by default the `testing`/`testing` pair
that moto's and LocalStack's users already configure). They stand for the root of the local
account (moto's default, 123456789012), which owns everything in the embedded services. Keys
minted at run time in the embedded IAM or STS are accepted only on the definition's explicit
opt-in (`server.aws.trustEmbeddedIam`): with the endpoint's own keys anyone could mint them.
"""

from __future__ import annotations

from auth.clock import Clock
from auth.signature import CredentialSource, IamCredential, SigV4Verifier
from auth.sigv4 import MotoCredentialSource
from definition.model import AwsEndpointSettings

# moto's default account: the one the embedded services and the resolvers' DynamoDB use.
ACCOUNT_ID = "123456789012"


def endpoint_credentials(settings: AwsEndpointSettings) -> tuple[IamCredential, ...]:
    """The declared keys, each the local account's root."""
    return tuple(
        IamCredential(
            access_key_id=key.access_key_id,
            secret_access_key=key.secret_access_key,
            account_id=ACCOUNT_ID,
            user_arn=f"arn:aws:iam::{ACCOUNT_ID}:root",
            # AWS's principal id for an account's root is the account id.
            username=ACCOUNT_ID,
        )
        for key in settings.credentials
    )


def endpoint_verifier(
    settings: AwsEndpointSettings,
    clock: Clock,
    vended: CredentialSource | None = None,
    token_clock: Clock | None = None,
) -> SigV4Verifier:
    """`clock` checks request dates; `vended`: credentials the embedded Cognito identity pools
    minted (always accepted, as AWS accepts them), whose expiry `token_clock` decides."""
    sources: tuple[CredentialSource, ...] = (vended,) if vended is not None else ()
    if settings.trust_embedded_iam:
        sources += (MotoCredentialSource(),)
    return SigV4Verifier(
        endpoint_credentials(settings),
        token_clock if token_clock is not None else clock,
        sources=sources,
        signing_clock=clock,
    )
