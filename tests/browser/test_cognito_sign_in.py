"""Cognito sign-in through the explorer's picker, with real tokens.

The user pool is moto's cognito-idp on its own loopback server (the console's AWS endpoint will
serve cognito-idp later; until then the picker's endpoint field names moto's). The page calls
InitiateAuth (USER_PASSWORD_AUTH) there from the browser, and the API verifies the tokens with
moto's keys: a member of `admins` reads what only that group may read, another user gets
AppSync's field-level `Unauthorized` (tests/integration/test_auth_cognito.py has the same API
driven by boto3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from auth.cognito import moto_jwks_file
from tests.browser.conftest import open_explorer, run_operation, wait_for_result
from tests.integration.conftest import APIS, Server, moto_client, moto_endpoint, serve

REGION = "us-east-1"
PASSWORD = "Correct-Horse-9-Battery"


@dataclass(frozen=True, slots=True)
class Pool:
    endpoint: str
    pool_id: str
    client_id: str


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    with moto_endpoint() as endpoint:
        idp = moto_client("cognito-idp", endpoint, REGION)
        pool_id = idp.create_user_pool(PoolName="console")["UserPool"]["Id"]
        client_id = idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName="console", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        idp.create_group(UserPoolId=pool_id, GroupName="admins")
        for username in ("ada", "bob"):
            idp.admin_create_user(UserPoolId=pool_id, Username=username)
            idp.admin_set_user_password(
                UserPoolId=pool_id, Username=username, Password=PASSWORD, Permanent=True
            )
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username="ada", GroupName="admins")
        yield Pool(endpoint, pool_id, client_id)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, pool: Pool) -> Iterator[Server]:
    definition = {
        "name": "console-cognito",
        "schema": str(APIS / "auth_cognito" / "schema.graphql"),
        "authenticationType": "AMAZON_COGNITO_USER_POOLS",
        "userPoolConfig": {
            "userPoolId": pool.pool_id,
            "awsRegion": REGION,
            "appIdClientRegex": pool.client_id,
            "jwksFile": moto_jwks_file(),
        },
        "dataSources": [{"name": "Local", "type": "NONE"}],
        "resolvers": [
            {
                "typeName": "Query",
                "fieldName": "adminsOnly",
                "dataSourceName": "Local",
                "code": str(APIS / "auth_whoami" / "auth_whoami.py"),
            }
        ],
    }
    path = tmp_path_factory.mktemp("cognito") / "appsync.json"
    path.write_text(json.dumps(definition))
    with serve(path) as server:
        yield server


def _sign_in(page: Page, pool: Pool, username: str) -> None:
    page.get_by_label("Cognito endpoint").fill(pool.endpoint)
    page.get_by_label("App client ID").fill(pool.client_id)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("status").filter(has_text="signed in").inner_text() == (
        f"signed in as {username}"
    )


def test_a_group_member_signs_in_and_reads_the_groups_field(
    page: Page, pool: Pool, api: Server
) -> None:
    open_explorer(page, api, "{ adminsOnly { authType } }")
    assert page.get_by_label("Authorization mode").input_value() == "AMAZON_COGNITO_USER_POOLS"
    _sign_in(page, pool, "ada")
    run_operation(page)
    text = wait_for_result(page, "authType")
    assert json.loads(text) == {"data": {"adminsOnly": {"authType": "User Pool Authorization"}}}


def test_another_user_is_refused_the_field(page: Page, pool: Pool, api: Server) -> None:
    open_explorer(page, api, "{ adminsOnly { authType } }")
    _sign_in(page, pool, "bob")
    page.get_by_label("Send").select_option("id")  # the ID token carries the groups too
    run_operation(page)
    # The pane wraps long lines: compare with whitespace collapsed.
    text = " ".join(wait_for_result(page, '"errorType": "Unauthorized"').split())
    assert "Not Authorized to access adminsOnly on type Query" in text
    assert '"adminsOnly": null' in text


def test_a_wrong_password_shows_cognitos_error(page: Page, pool: Pool, api: Server) -> None:
    open_explorer(page, api, "{ adminsOnly { authType } }")
    page.get_by_label("Cognito endpoint").fill(pool.endpoint)
    page.get_by_label("App client ID").fill(pool.client_id)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    status = page.get_by_role("status").filter(has_text="NotAuthorizedException")
    assert "NotAuthorizedException" in status.inner_text()
