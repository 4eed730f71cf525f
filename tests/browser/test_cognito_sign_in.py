"""Cognito sign-in through the explorer's picker, with real tokens of the embedded Cognito.

The user pool lives in the embedded Cognito and is made through the server's own AWS endpoint
(boto3, signed with the `testing` key) by a first server of the same installation; the API's
server, started next on the same data directory, names that pool without a `jwksFile`, so the
tokens verify against this installation's key. The page calls InitiateAuth (USER_PASSWORD_AUTH,
unsigned as Amplify sends it) on the API's own origin: a member of `admins` reads what only that
group may read, another user gets AppSync's field-level `Unauthorized`
(tests/integration/test_auth_cognito.py has the same API driven by boto3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page

from appsync.data_directory import DataDirectory
from tests.browser.conftest import open_explorer, run_operation, wait_for_result
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, Server, serve, write_whoami_api

REGION = "us-east-1"
PASSWORD = "Correct-Horse-9-Battery"


@dataclass(frozen=True, slots=True)
class Pool:
    pool_id: str
    client_id: str
    data: DataDirectory


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Pool:
    folder = tmp_path_factory.mktemp("cognito-setup")
    data = DataDirectory(folder / ".appsync-local")
    setup = write_whoami_api(folder, "setup", {"authenticationType": "API_KEY"})
    with serve(setup, data=data) as server:
        idp = aws_client("cognito-idp", f"http://{server.host}:{server.port}")
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
    return Pool(pool_id, client_id, data)


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
    path: Path = tmp_path_factory.mktemp("cognito") / "appsync.json"
    path.write_text(json.dumps(definition))
    with serve(path, data=pool.data) as server:
        yield server


def _sign_in(page: Page, pool: Pool, api: Server, username: str) -> None:
    page.get_by_label("Cognito endpoint").fill(f"http://{api.host}:{api.port}")
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
    _sign_in(page, pool, api, "ada")
    run_operation(page)
    text = wait_for_result(page, "authType")
    assert json.loads(text) == {"data": {"adminsOnly": {"authType": "User Pool Authorization"}}}


def test_another_user_is_refused_the_field(page: Page, pool: Pool, api: Server) -> None:
    open_explorer(page, api, "{ adminsOnly { authType } }")
    _sign_in(page, pool, api, "bob")
    page.get_by_label("Send").select_option("id")  # the ID token carries the groups too
    run_operation(page)
    # The pane wraps long lines: compare with whitespace collapsed.
    text = " ".join(wait_for_result(page, '"errorType": "Unauthorized"').split())
    assert "Not Authorized to access adminsOnly on type Query" in text
    assert '"adminsOnly": null' in text


def test_a_wrong_password_shows_cognitos_error(page: Page, pool: Pool, api: Server) -> None:
    open_explorer(page, api, "{ adminsOnly { authType } }")
    page.get_by_label("Cognito endpoint").fill(f"http://{api.host}:{api.port}")
    page.get_by_label("App client ID").fill(pool.client_id)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    status = page.get_by_role("status").filter(has_text="NotAuthorizedException")
    assert "NotAuthorizedException" in status.inner_text()
