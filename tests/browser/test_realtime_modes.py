"""Subscriptions from the explorer in the API's other modes: AWS IAM (the handshake's header
object signed as `POST <graphql>/connect` with body `{}`, the `start` signed as `POST <graphql>`
with the `data` string as body, both by the browser) and a pasted OIDC token. The subscription
fields admit only their own mode (`@aws_iam`, `@aws_oidc`), so an event arriving proves the
server accepted the browser's authorization; the mutation comes over HTTP with the API key.
The API is tests/integration/apis/auth_realtime (test_auth_realtime.py drives it with gql)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import open_explorer, run_operation, wait_for_result
from tests.fixtures import keys
from tests.integration.conftest import Server, serve, write_realtime_auth_api

API_KEY = "da2-consolerealtimekey00000"
ISSUER = "https://console-oidc.example.com"
ACCESS_KEY = keys.access_key_id()
SECRET = keys.secret_access_key()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("realtime_modes")
    (folder / "jwks.json").write_text(json.dumps(keys.jwks(("console-oidc", "c-1"))))
    credential = {
        "accessKeyId": ACCESS_KEY,
        "secretAccessKey": SECRET,
        "accountId": "123456789012",
        "userArn": "arn:aws:iam::123456789012:user/listener",
    }
    path = write_realtime_auth_api(folder, "console-realtime", API_KEY, credential, ISSUER)
    with serve(path) as server:
        yield server


def _add_item(api: Server, name: str) -> None:
    query = f'mutation {{ addItem(id: "7", name: "{name}") {{ id name }} }}'
    response = httpx.post(api.url, json={"query": query}, headers={"x-api-key": API_KEY})
    assert response.json() == {"data": {"addItem": {"id": "7", "name": name}}}


def test_iam_subscription_signed_in_the_browser(page: Page, api: Server) -> None:
    open_explorer(page, api, "subscription { onIamItem { id name } }")
    page.get_by_label("Authorization mode").select_option("AWS_IAM")
    assert page.get_by_label("Access key ID").input_value() == ACCESS_KEY
    page.get_by_label("Secret access key").fill(SECRET)
    run_operation(page)
    wait_for_result(page, "start_ack")
    _add_item(api, "signed lamp")
    text = wait_for_result(page, "signed lamp")
    assert json.loads(text) == {"data": {"onIamItem": {"id": "7", "name": "signed lamp"}}}


def test_iam_subscription_with_a_wrong_secret_is_refused(page: Page, api: Server) -> None:
    open_explorer(page, api, "subscription { onIamItem { id name } }")
    page.get_by_label("Authorization mode").select_option("AWS_IAM")
    page.get_by_label("Secret access key").fill("not-the-secret")
    run_operation(page)
    # The handshake's signature fails: the server's connection_error frame, shown as it came
    # (its errors first, the frame's type beside them). On the socket AppSync answers refused
    # credentials with UnauthorizedException and errorCode 401 (aws-appsync-community#373).
    text = wait_for_result(page, "connection_error")
    assert '"errorType": "UnauthorizedException"' in text
    assert '"errorCode": 401' in text
    assert '"data"' not in text


def test_oidc_subscription_with_a_pasted_token(page: Page, api: Server) -> None:
    now = int(time.time())  # the server checks the token's times against its own clock
    claims = {"iss": ISSUER, "sub": "listener", "aud": "web", "iat": now, "exp": now + 300}
    token = keys.rs256_token(claims, "console-oidc", "c-1")
    open_explorer(page, api, "subscription { onOidcItem { id name } }")
    page.get_by_label("Authorization mode").select_option("OPENID_CONNECT")
    page.get_by_label("OIDC token (JWT)").fill(token)
    run_operation(page)
    wait_for_result(page, "start_ack")
    _add_item(api, "oidc lamp")
    text = wait_for_result(page, "oidc lamp")
    assert json.loads(text) == {"data": {"onOidcItem": {"id": "7", "name": "oidc lamp"}}}
