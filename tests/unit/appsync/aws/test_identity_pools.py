"""The identity pools' own state: identities (the same user, the same identity), credentials
minted per identity for a role (their shape: an `ASIA` key, an hour long on the injected clock,
the assumed role's session ARN), and a definition's pools created in moto's Cognito Identity
under their template ids. The operations through the endpoint:
tests/integration/test_cognito_identity.py."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from appsync.aws.identity_logins import Login
from appsync.aws.identity_pools import (
    AUTHENTICATED,
    UNAUTHENTICATED,
    IdentityPools,
    identity_pools_created,
    role_id,
)
from appsync.data_directory import DataDirectory
from appsync.execution_roles import ExecutionRoles
from auth.clock import ManualClock
from definition.cognito_resources import IdentityPoolSpec

POOL = "eu-west-1:0c3d9a7e-51f2-4a8b-9d33-5b1c0e2f4a61"
PROVIDER = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123xyz"
ROLE = "arn:aws:iam::123456789012:role/amplify-notes-dev-authRole"
NOW = 1_800_000_000.0


@pytest.fixture
def pools() -> IdentityPools:
    return IdentityPools(ManualClock(NOW))


def test_the_same_user_gets_the_same_identity_and_guests_new_ones(pools: IdentityPools) -> None:
    ada = Login(PROVIDER, "sub-ada")
    first = pools.identity_for(POOL, [ada])
    assert pools.identity_for(POOL, [ada]) is first
    assert pools.identity_for(POOL, [Login(PROVIDER, "sub-bob")]) is not first
    guest, other_guest = pools.identity_for(POOL, []), pools.identity_for(POOL, [])
    assert guest.identity_id != other_guest.identity_id
    assert first.identity_id.startswith("eu-west-1:")
    assert first.logins == {PROVIDER: "sub-ada"}
    assert len(pools.identities(POOL)) == 4


def test_a_guest_who_signs_in_keeps_its_identity(pools: IdentityPools) -> None:
    guest = pools.identity_for(POOL, [])
    pools.link(guest, [Login(PROVIDER, "sub-ada")])
    assert pools.identity_for(POOL, [Login(PROVIDER, "sub-ada")]) is guest


def test_credentials_are_the_roles_session_for_an_hour(pools: IdentityPools) -> None:
    ada = Login(PROVIDER, "sub-ada")
    identity = pools.identity_for(POOL, [ada])
    minted = pools.mint(identity, AUTHENTICATED, ROLE, [ada])
    assert minted.access_key_id.startswith("ASIA")
    assert len(minted.access_key_id) == 20
    assert len(minted.secret_access_key) == 40
    assert minted.expiration == int(NOW) + 3600
    assert minted.user_arn == (
        "arn:aws:sts::123456789012:assumed-role/amplify-notes-dev-authRole/"
        "CognitoIdentityCredentials"
    )
    assert minted.username == f"{role_id(ROLE)}:CognitoIdentityCredentials"
    assert (minted.cognito_identity_pool_id, minted.cognito_identity_id) == (
        POOL,
        identity.identity_id,
    )
    assert minted.cognito_identity_auth_type == AUTHENTICATED
    assert minted.cognito_identity_auth_provider == ada.auth_provider
    assert asyncio.run(pools.lookup(minted.access_key_id)) == minted
    assert asyncio.run(pools.lookup("ASIAUNKNOWN000000000")) is None
    again = pools.mint(identity, AUTHENTICATED, ROLE, [ada])
    assert again.access_key_id != minted.access_key_id


def test_a_function_s_session_is_looked_up_after_the_minted_keys(pools: IdentityPools) -> None:
    """The verifiers that take the pools' keys take the functions' sessions as well."""
    roles = ExecutionRoles("123456789012")
    made = roles.session("fn", "arn:aws:iam::123456789012:role/fn-role")
    assert asyncio.run(pools.lookup(made.access_key_id)) is None
    pools.sessions = roles
    found = asyncio.run(pools.lookup(made.access_key_id))
    assert found is not None
    assert found.user_arn == "arn:aws:sts::123456789012:assumed-role/fn-role/fn"


def test_a_guests_credentials_name_no_provider(pools: IdentityPools) -> None:
    minted = pools.mint(pools.identity_for(POOL, []), UNAUTHENTICATED, ROLE, [])
    assert minted.cognito_identity_auth_provider is None
    assert minted.cognito_identity_auth_type == UNAUTHENTICATED


def test_expired_credentials_are_dropped_once_many_are_kept() -> None:
    clock = ManualClock(NOW)
    pools = IdentityPools(clock)
    identity = pools.identity_for(POOL, [])
    old = [pools.mint(identity, UNAUTHENTICATED, ROLE, []) for _ in range(1001)]
    clock.advance(3601)
    fresh = pools.mint(identity, UNAUTHENTICATED, ROLE, [])
    assert asyncio.run(pools.lookup(old[0].access_key_id)) is None
    assert asyncio.run(pools.lookup(fresh.access_key_id)) == fresh


def test_a_loop_of_minting_keeps_at_most_the_newest_credentials() -> None:
    # None has expired, yet memory stays bounded: the oldest are dropped first.
    pools = IdentityPools(ManualClock(NOW), max_credentials=50)
    identity = pools.identity_for(POOL, [])
    minted = [pools.mint(identity, UNAUTHENTICATED, ROLE, []) for _ in range(120)]

    async def kept() -> list[bool]:
        return [await pools.lookup(c.access_key_id) is not None for c in minted]

    found = asyncio.run(kept())
    assert found == [False] * 70 + [True] * 50


def test_a_role_id_is_the_same_for_the_same_role() -> None:
    assert role_id(ROLE) == role_id(ROLE)
    assert role_id(ROLE) != role_id(ROLE + "2")
    assert role_id(ROLE).startswith("AROA")
    assert len(role_id(ROLE)) == 21


def test_a_definitions_pool_is_created_under_its_template_id(pools: IdentityPools) -> None:
    spec = IdentityPoolSpec(
        POOL,
        "notes_identitypool",
        allow_unauthenticated=True,
        providers=((PROVIDER, "client-a"),),
        roles={"authenticated": ROLE},
    )
    assert pools.pool(POOL) is None
    with identity_pools_created([spec], pools):
        found = pools.pool(POOL)
        assert found is not None
        assert (found.allow_unauthenticated, found.providers) == (True, ((PROVIDER, "client-a"),))
        assert pools.roles[POOL] == {"authenticated": ROLE}
    assert pools.pool(POOL) is None


def test_an_id_that_names_no_region_is_no_pool(pools: IdentityPools) -> None:
    assert pools.pool(":nothing") is None


def test_identities_outlive_a_restart_in_the_data_directory(tmp_path: Path) -> None:
    # Amplify keeps a guest's identity id in the browser's storage and asks for its
    # credentials again: a restarted server knows the identity, and the user's login.
    data = DataDirectory(tmp_path / "data")
    before = IdentityPools(ManualClock(NOW), data)
    guest = before.identity_for(POOL, [])
    ada = before.identity_for(POOL, [Login(PROVIDER, "sub-ada")])
    file = tmp_path / "data" / "cognito-identities.jsonl"
    with file.open("a", encoding="utf-8") as out:
        out.write('{"identityId": "cut sho')
    after = IdentityPools(ManualClock(NOW + 60), data)
    kept = after.identity(guest.identity_id)
    assert kept is not None
    assert (kept.pool_id, kept.logins, kept.created) == (POOL, {}, NOW)
    assert after.identity_for(POOL, [Login(PROVIDER, "sub-ada")]).identity_id == ada.identity_id
    assert data.reset() == [file]


def test_memory_only_pools_keep_no_file(tmp_path: Path) -> None:
    pools = IdentityPools(ManualClock(NOW), DataDirectory.ephemeral())
    assert pools.identity_for(POOL, []).pool_id == POOL
    assert list(tmp_path.iterdir()) == []


def test_an_identity_waits_for_the_disk_only_with_fsync(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync

    def recording(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording)
    IdentityPools(ManualClock(NOW), DataDirectory(tmp_path / "plain")).identity_for(POOL, [])
    assert synced == []
    durable = DataDirectory(tmp_path / "durable", fsync=True)
    IdentityPools(ManualClock(NOW), durable).identity_for(POOL, [])
    assert len(synced) == 1
