"""A function's execution role session: an `ASIA` key, a secret and a session token made for
the run, standing for `arn:aws:sts::<account>:assumed-role/<role name>/<function name>` with the
id `<role id>:<function name>` (the role's path is not in the session's ARN, as STS writes it)."""

from __future__ import annotations

import asyncio
import re

from appsync.aws.identity_pools import role_id
from appsync.execution_roles import ExecutionRoles

ROLE = "arn:aws:iam::123456789012:role/service/on-upload-role"


def test_a_session_and_the_principal_its_key_stands_for() -> None:
    roles = ExecutionRoles("123456789012")
    made = roles.session("on-upload", ROLE)
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", made.access_key_id)
    assert made.session_token
    assert roles.function_credentials == {"on-upload": made}
    found = asyncio.run(roles.lookup(made.access_key_id))
    assert found is not None
    assert found.user_arn == "arn:aws:sts::123456789012:assumed-role/on-upload-role/on-upload"
    assert found.username == f"{role_id(ROLE)}:on-upload"
    assert (found.secret_access_key, found.session_token) == (
        made.secret_access_key,
        made.session_token,
    )
    assert found.expiration is None


def test_each_session_is_its_own() -> None:
    roles = ExecutionRoles("123456789012")
    first, second = roles.session("a", ROLE), roles.session("b", ROLE)
    assert first.access_key_id != second.access_key_id
    assert asyncio.run(roles.lookup("ASIAAAAAAAAAAAAAAAAA")) is None
