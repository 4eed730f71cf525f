"""The GraphQL explorer against the real server: queries with the API key the server announces,
subscriptions over AppSync's realtime protocol fed by a mutation run in another page, queries
signed with SigV4 in the browser, a Lambda authorizer's token, and no request leaving the
machine.

Answers are compared with the same API's answers to a plain HTTP client (the blog example's
seed data; the whoami API's `$util.authType()`), and the realtime frames with AppSync's
(shared reference appsync.md §3.3).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    VIEWPORT,
    WAIT_MS,
    open_explorer,
    origin,
    run_operation,
    wait_for_result,
)
from tests.integration.conftest import BLOG_KEY, Server, serve, write_whoami_api

IAM_ACCESS_KEY = "AKIACONSOLETEST00001"
IAM_SECRET = "console-test-secret-key"
LAMBDA_TOKEN = "let-console-in"


def test_query_with_the_api_key_from_config_json(page: Page, blog: Server) -> None:
    query = "{ listPosts { id title author { name } } }"
    expected = httpx.post(blog.url, json={"query": query}, headers={"x-api-key": BLOG_KEY}).json()
    open_explorer(page, blog, query)
    # The picker starts on the API's default mode with the key config.json names.
    assert page.get_by_label("Authorization mode").input_value() == "API_KEY"
    assert page.get_by_label("API key").input_value() == BLOG_KEY
    run_operation(page)
    text = wait_for_result(page, "Computable numbers")
    assert json.loads(text) == expected


def test_a_wrong_api_key_gets_appsyncs_401_body(page: Page, blog: Server) -> None:
    open_explorer(page, blog, "{ listPosts { id } }")
    page.get_by_label("API key").fill("da2-notakey")
    run_operation(page)
    text = wait_for_result(page, "UnauthorizedException")
    assert json.loads(text) == {
        "errors": [
            {
                "errorType": "UnauthorizedException",
                "message": "You are not authorized to make this call.",
            }
        ]
    }


def test_subscription_streams_a_mutation_run_in_another_page(
    browser: Browser, page: Page, blog: Server
) -> None:
    open_explorer(
        page, blog, 'subscription { onAddComment(postId: "p2") { postId author content } }'
    )
    run_operation(page)
    wait_for_result(page, "start_ack")
    other = browser.new_context(viewport=VIEWPORT)
    other.set_default_timeout(WAIT_MS)
    try:
        writer = other.new_page()
        open_explorer(
            writer,
            blog,
            'mutation { addComment(postId: "p2", author: "Grace", content: "From the console") '
            "{ postId author content } }",
        )
        run_operation(writer)
        wait_for_result(writer, "From the console")
    finally:
        other.close()
    text = wait_for_result(page, "From the console")
    assert json.loads(text) == {
        "data": {"onAddComment": {"postId": "p2", "author": "Grace", "content": "From the console"}}
    }


def test_a_subscription_the_server_refuses_shows_the_error_frame(page: Page, blog: Server) -> None:
    open_explorer(page, blog, "subscription { onAddComment { nope } }")
    run_operation(page)
    # The pane wraps the long message, so its text is read in parts rather than as JSON.
    text = wait_for_result(page, "Validation error of type FieldUndefined")
    assert '"realtime": {' in text
    assert '"type": "error"' in text


@pytest.fixture(scope="module")
def iam_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    auth = {
        "authenticationType": "AWS_IAM",
        "iamConfig": {
            "region": "us-east-1",
            "credentials": [
                {
                    "accessKeyId": IAM_ACCESS_KEY,
                    "secretAccessKey": IAM_SECRET,
                    "accountId": "123456789012",
                    "userArn": "arn:aws:iam::123456789012:user/console",
                }
            ],
        },
        "additionalAuthenticationProviders": [{"authenticationType": "API_KEY"}],
        "apiKeys": [{"id": "da2-consoleiamtestkey000000"}],
    }
    path = write_whoami_api(
        tmp_path_factory.mktemp("iam"), "console-iam", auth, fields=("whoami", "anyone")
    )
    with serve(path) as server:
        yield server


def test_query_signed_with_sigv4_in_the_browser(page: Page, iam_api: Server) -> None:
    open_explorer(page, iam_api, "{ whoami { authType } }")
    assert page.get_by_label("Authorization mode").input_value() == "AWS_IAM"
    # config.json names the access key, never its secret.
    assert page.get_by_label("Access key ID").input_value() == IAM_ACCESS_KEY
    page.get_by_label("Secret access key").fill(IAM_SECRET)
    run_operation(page)
    # The server says IAM Authorization only for a signature it verified with the secret.
    text = wait_for_result(page, "IAM Authorization")
    assert json.loads(text) == {"data": {"whoami": {"authType": "IAM Authorization"}}}


def test_a_wrong_secret_gets_the_signature_error(page: Page, iam_api: Server) -> None:
    open_explorer(page, iam_api, "{ whoami { authType } }")
    page.get_by_label("Secret access key").fill("not-the-secret")
    run_operation(page)
    text = wait_for_result(page, "InvalidSignatureException")
    # The message (AWS's, with the canonical request) is long; the pane wraps it.
    assert '"errorType": "InvalidSignatureException"' in text
    assert '"data"' not in text


def test_switching_to_the_additional_api_key_mode(page: Page, iam_api: Server) -> None:
    open_explorer(page, iam_api, "{ anyone { authType } }")
    page.get_by_label("Authorization mode").select_option("API_KEY")
    page.get_by_label("API key").fill("da2-consoleiamtestkey000000")
    run_operation(page)
    text = wait_for_result(page, "authType")
    assert json.loads(text) == {"data": {"anyone": {"authType": "API Key Authorization"}}}


@pytest.fixture(scope="module")
def lambda_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("lambda")
    # A module name of its own: Python handlers are imported once per process, by name, and
    # test_accessibility.py serves an `authorizer` module that refuses everyone.
    (folder / "console_lambda_authorizer.py").write_text(
        "def handler(event, context):\n"
        f"    return {{'isAuthorized': event['authorizationToken'] == {LAMBDA_TOKEN!r}}}\n"
    )
    auth = {
        "authenticationType": "AWS_LAMBDA",
        "lambdaAuthorizerConfig": {"handler": "console_lambda_authorizer:handler"},
    }
    with serve(write_whoami_api(folder, "console-lambda", auth)) as server:
        yield server


def test_query_with_a_lambda_authorizer_token(page: Page, lambda_api: Server) -> None:
    """The token goes in `Authorization` as typed; the API's own authorizer decides."""
    open_explorer(page, lambda_api, "{ whoami { authType } }")
    assert page.get_by_label("Authorization mode").input_value() == "AWS_LAMBDA"
    page.get_by_label("Authorization token").fill(LAMBDA_TOKEN)
    run_operation(page)
    text = wait_for_result(page, "Lambda Authorization")
    assert json.loads(text) == {"data": {"whoami": {"authType": "Lambda Authorization"}}}
    page.get_by_label("Authorization token").fill("let-me-out")
    run_operation(page)
    assert "UnauthorizedException" in wait_for_result(page, "UnauthorizedException")


def test_no_request_leaves_the_machine(page: Page, blog: Server) -> None:
    """Every request the console makes (pages, scripts, styles, fonts, workers, the API) goes to
    the server it was loaded from; nothing comes from a CDN or a font service."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("websocket", lambda socket: requested.append(socket.url))
    open_explorer(page, blog, 'subscription { onAddComment(postId: "none") { postId } }')
    run_operation(page)
    wait_for_result(page, "start_ack")
    sections = {
        "Step Functions": "State machines",
        "DynamoDB": "DynamoDB tables",
        "Resolver log": "Resolver log",
    }
    for link, heading in sections.items():
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=heading).wait_for()
        # Each section reads the console API on the same server, and gets its data.
        page.get_by_role("status").filter(has_text="Loading").first.wait_for(state="detached")
        # (Monaco leaves its empty aria alerts behind the explorer.)
        assert [text for text in page.get_by_role("alert").all_inner_texts() if text.strip()] == []
    # The resolver log follows the console API's stream over a websocket on the same server.
    page.get_by_text("· live").wait_for()
    base = origin(blog)
    realtime = f"ws://{blog.host}:{blog.port}/"
    outside = [
        url for url in requested if not url.startswith((base + "/", realtime, "data:", "blob:"))
    ]
    assert outside == []
    assert any(re.search(r"/console/assets/.*\.js$", url) for url in requested)
    assert f"{realtime}graphql/realtime" in requested
    assert f"{base}/console/graphql" in requested
    assert f"{realtime}console/graphql" in requested
