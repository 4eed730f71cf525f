"""The credentials each declared function signs with: a session of its execution role.

Lambda runs a function with temporary credentials of its execution role (`Role`), given to the
code as `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (Lambda developer
guide, "Defining Lambda function permissions with an execution role" and "Defined runtime
environment variables"); the role's session is named after the function, so what the function
signs is the principal `arn:aws:sts::<account>:assumed-role/<role name>/<function name>`, whose
id is `<role id>:<function name>` (what AppSync puts in `$ctx.identity.userArn` and `username`
for an AWS_IAM request, and CloudTrail records). An Amplify Gen 2 function's data client signs
its GraphQL requests so (`allow.resource(fn)`).

Locally each function with a `Role` gets such a session when the server builds its functions:
an `ASIA` key with a secret and a session token made for this run, in the function's
environment (`functions.environment.AwsEnvironment.function_credentials`). `lookup` answers
for those keys (`auth.signature.CredentialSource`): the AWS endpoint and the API's AWS_IAM mode
accept them through the identity pools' source (`appsync.aws.identity_pools`), which workers of
`serve --workers` ask the primary for too. A function without a `Role` keeps the endpoint's key.
IAM policies are not enforced: the role's session may call anything locally.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from appsync.aws.identity_pools import role_id, temporary_key
from auth.signature import IamCredential
from functions.environment import Credentials


class ExecutionRoles:
    """The sessions of the functions' execution roles, by function name and by access key."""

    def __init__(self, account_id: str) -> None:
        self._account_id = account_id
        self._by_key: dict[str, IamCredential] = {}
        self._by_function: dict[str, Credentials] = {}

    def session(self, function_name: str, role_arn: str) -> Credentials:
        """A new session of `role_arn` for `function_name` (the function's credentials)."""
        access_key_id, secret_access_key = temporary_key()
        credential = IamCredential(
            access_key_id=access_key_id,
            secret_access_key=secret_access_key,
            account_id=self._account_id,
            user_arn=(
                f"arn:aws:sts::{self._account_id}:assumed-role/"
                f"{role_arn.rsplit('/', 1)[-1]}/{function_name}"
            ),
            username=f"{role_id(role_arn)}:{function_name}",
            session_token=secrets.token_urlsafe(96),
        )
        self._by_key[credential.access_key_id] = credential
        made = Credentials(
            credential.access_key_id, credential.secret_access_key, credential.session_token
        )
        self._by_function[function_name] = made
        return made

    @property
    def function_credentials(self) -> Mapping[str, Credentials]:
        return dict(self._by_function)

    async def lookup(self, access_key_id: str) -> IamCredential | None:
        return self._by_key.get(access_key_id)
