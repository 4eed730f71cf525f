"""The AWS endpoint and web pages of other origins, in headless Chromium (appsync.aws.cross_origin).

The page is a web app under development on another loopback port (as `localhost:3000` is
beside the server's `localhost:20002`: same site, another origin), calling the server:
- Cognito's unsigned sign-up and sign-in, as amazon-cognito-identity-js sends them (`fetch` in
  CORS mode with `Content-Type`, `X-Amz-Target`) and as the AWS SDK for JavaScript v3 sends
  them (its browser build, bundled with esbuild), work, as they do against AWS's Cognito, and so
  does aws-amplify v6's `signIn` (SRP);
- a call signed with the endpoint's keys in an `Authorization` header never leaves the browser
  (its preflight is refused);
- a pre-signed URL, which browsers send without a preflight (`mode: "no-cors"`), does not run
  its call: the default keys are public knowledge, so without this any page could."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from playwright.sync_api import Page

from tests.browser.conftest import origin
from tests.fixtures.aws_signing import REGION, TEST_KEY, aws_client, signed_headers
from tests.fixtures.cognito_pools import confirmed_user, user_pool
from tests.integration.conftest import APIS, Server, serve

PASSWORD = "Correct-Horse-9-Battery"

# Cognito's unsigned calls as amazon-cognito-identity-js's Client.js makes them.
COGNITO_CALL = """async ([url, operation, body]) => {
  const response = await fetch(url, {
    method: "POST",
    mode: "cors",
    cache: "no-cache",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
      "X-Amz-User-Agent": "aws-amplify/5.0.4 js",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json(),
           requestId: response.headers.get("x-amzn-requestid") };
}"""


SDK_ENTRY = Path(__file__).parent / "cognito_sdk" / "entry.js"
SDK_MODULES = Path(sys.prefix) / "aws-sdk-js" / "node_modules"
AMPLIFY_ENTRY = Path(__file__).parent / "amplify_app" / "entry.js"
AMPLIFY_MODULES = Path(sys.prefix) / "aws-amplify" / "node_modules"
ESBUILD = Path(sys.prefix) / "esbuild" / "node_modules" / ".bin" / "esbuild"


PAGE = (
    b"<!doctype html><title>app</title>"
    b'<script src="/cognito.js"></script><script src="/amplify.js"></script>'
)


def _app_handler(bundles: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
    class AppPage(BaseHTTPRequestHandler):
        """The web app: an empty page that loads the SDK's bundle."""

        def do_GET(self) -> None:
            if self.path in bundles:
                body, kind = bundles[self.path], "text/javascript"
            else:
                body, kind = PAGE, "text/html"
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return AppPage


@pytest.fixture(scope="module")
def app_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A web app's origin on another loopback port (a page on a public address may not
    reach loopback at all in current Chromium: Local Network Access), serving the AWS SDK for
    JavaScript's Cognito client and aws-amplify v6's sign-in, bundled for the browser with
    esbuild (scripts/node-deps installs them)."""
    folder = tmp_path_factory.mktemp("app")
    bundles = {
        "/cognito.js": _bundle(SDK_ENTRY, SDK_MODULES, folder / "cognito.js"),
        "/amplify.js": _bundle(AMPLIFY_ENTRY, AMPLIFY_MODULES, folder / "amplify.js"),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), _app_handler(bundles))
    thread = threading.Thread(target=server.serve_forever, name="app-page", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _bundle(entry: Path, modules: Path, out: Path) -> bytes:
    """`entry` bundled for the browser with esbuild, its packages from `modules`."""
    build = [str(ESBUILD), str(entry), "--bundle", "--platform=browser", "--format=iife"]
    subprocess.run(
        [*build, f"--outfile={out}", "--log-level=warning"],
        env={**os.environ, "NODE_PATH": str(modules)},
        check=True,
        timeout=120,
    )
    return out.read_bytes()


@pytest.fixture
def app_page(page: Page, app_origin: str) -> Page:
    """`page` showing the app's page on its own origin, the SDK loaded."""
    page.goto(f"{app_origin}/")
    page.wait_for_function(
        "() => typeof window.cognito === 'function' && typeof window.amplifySignIn === 'function'"
    )
    return page


def test_cognito_sign_up_and_sign_in_work_from_another_origin(app_page: Page, blog: Server) -> None:
    endpoint = origin(blog)
    idp, pool, client = user_pool(endpoint, "web-app", ["ALLOW_USER_PASSWORD_AUTH"])
    signed_up: dict[str, Any] = app_page.evaluate(
        COGNITO_CALL,
        [f"{endpoint}/", "SignUp", {"ClientId": client, "Username": "ada", "Password": PASSWORD}],
    )
    assert signed_up["status"] == 200, signed_up
    assert signed_up["body"]["UserConfirmed"] is False
    # The SDKs read the request id from a header: it is exposed to the page.
    assert signed_up["requestId"]
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="ada")
    signed_in: dict[str, Any] = app_page.evaluate(
        COGNITO_CALL,
        [
            f"{endpoint}/",
            "InitiateAuth",
            {
                "ClientId": client,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "ada", "PASSWORD": PASSWORD},
            },
        ],
    )
    assert signed_in["status"] == 200, signed_in
    assert signed_in["body"]["AuthenticationResult"]["IdToken"].count(".") == 2
    refused: dict[str, Any] = app_page.evaluate(
        COGNITO_CALL,
        [
            f"{endpoint}/",
            "InitiateAuth",
            {
                "ClientId": client,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "ada", "PASSWORD": "wrong"},
            },
        ],
    )
    # Cognito's own refusal, readable by the page as the SDK reads it.
    assert refused["status"] == 400
    assert refused["body"]["__type"] == "NotAuthorizedException"


def test_the_aws_sdk_for_javascript_signs_up_and_in_from_another_origin(
    app_page: Page, blog: Server
) -> None:
    """The SDK's own requests (its `amz-sdk-*` and user-agent headers, its preflight) from a
    page of another origin, as a web app built on it sends them."""
    endpoint = origin(blog)
    idp, pool, client = user_pool(endpoint, "sdk-app", ["ALLOW_USER_PASSWORD_AUTH"])
    sign_up = {"ClientId": client, "Username": "grace", "Password": PASSWORD}
    signed_up = app_page.evaluate(
        "([url, input]) => window.cognito(url, 'SignUp', input)", [endpoint, sign_up]
    )
    assert signed_up["ok"], signed_up
    assert signed_up["output"]["UserConfirmed"] is False
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="grace")
    auth = {"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH"}
    signed_in = app_page.evaluate(
        "([url, input]) => window.cognito(url, 'InitiateAuth', input)",
        [endpoint, {**auth, "AuthParameters": {"USERNAME": "grace", "PASSWORD": PASSWORD}}],
    )
    assert signed_in["ok"], signed_in
    assert signed_in["output"]["AuthenticationResult"]["AccessToken"].count(".") == 2
    wrong = app_page.evaluate(
        "([url, input]) => window.cognito(url, 'InitiateAuth', input)",
        [endpoint, {**auth, "AuthParameters": {"USERNAME": "grace", "PASSWORD": "nope"}}],
    )
    # The SDK read Cognito's error type: the page was allowed to read the answer.
    assert (wrong["ok"], wrong["name"], wrong["status"]) == (False, "NotAuthorizedException", 400)


def test_aws_amplify_signs_in_with_srp_from_another_origin(app_page: Page, blog: Server) -> None:
    """aws-amplify v6's `signIn` (USER_SRP_AUTH, its default) with the server as
    `userPoolEndpoint`, as a web app on another port configures it: the right password signs in
    with the pool's tokens, a wrong one gets Cognito's NotAuthorizedException."""
    endpoint = origin(blog)
    idp, pool, client = user_pool(endpoint, "amplify-app", ["ALLOW_USER_SRP_AUTH"])
    confirmed_user(idp, pool, "ada", PASSWORD)
    sign_in = "([url, pool, client, password]) => "
    sign_in += "window.amplifySignIn(url, pool, client, 'ada', password)"
    signed_in = app_page.evaluate(sign_in, [f"{endpoint}/", pool, client, PASSWORD])
    assert signed_in["ok"], signed_in
    assert signed_in["step"] == "DONE"
    claims = jwt.decode(signed_in["idToken"], options={"verify_signature": False})
    assert (claims["cognito:username"], claims["aud"]) == ("ada", client)
    wrong = app_page.evaluate(sign_in, [f"{endpoint}/", pool, client, "Not-The-1-Password"])
    assert (wrong["ok"], wrong["name"], wrong["message"]) == (
        False,
        "NotAuthorizedException",
        "Incorrect username or password.",
    )


def test_a_signed_call_from_another_origin_never_leaves_the_browser(
    app_page: Page, blog: Server
) -> None:
    endpoint = origin(blog)
    body = "Action=CreateTopic&Name=from-a-page&Version=2010-03-31"
    # A good signature made with the (public) default keys, as a page could make it.
    headers = signed_headers(
        "POST",
        f"{endpoint}/",
        "sns",
        body.encode(),
        {"content-type": "application/x-www-form-urlencoded"},
    )
    sent = {name: value for name, value in headers.items() if name.lower() != "host"}
    outcome: str = app_page.evaluate(
        """async ([url, headers, body]) => {
          try {
            await fetch(url, { method: "POST", mode: "cors", headers, body });
            return "sent";
          } catch (error) { return error.name; }
        }""",
        [f"{endpoint}/", sent, body],
    )
    # The preflight (which asks for Authorization) is refused: fetch fails before sending.
    assert outcome == "TypeError"
    assert "from-a-page" not in str(aws_client("sns", endpoint).list_topics()["Topics"])


class _PageSigner(SigV4QueryAuth):
    """botocore's query-string (pre-signed URL) signer, leaving the body in the body and
    covering its hash, as a page signing its own call with the public default keys would."""

    def _modify_request_before_signing(self, request: AWSRequest) -> None:
        body = request.data
        request.data = b""
        # Not in botocore's type stubs: SigV4QueryAuth's step that adds the X-Amz-* parameters.
        super()._modify_request_before_signing(request)  # type: ignore[misc]
        request.data = body

    def payload(self, request: AWSRequest) -> str:
        body = request.body
        return hashlib.sha256(body.encode() if isinstance(body, str) else body).hexdigest()


def _pre_signed_invoke(endpoint: str, body: bytes) -> str:
    request = AWSRequest(
        method="POST", url=f"{endpoint}/2015-03-31/functions/python-notes/invocations", data=body
    )
    _PageSigner(Credentials(*TEST_KEY), "lambda", REGION, expires=300).add_auth(request)
    return str(request.url)


@pytest.fixture(scope="module")
def functions() -> Iterator[Server]:
    with serve(APIS / "functions" / "appsync.yaml") as server:
        yield server


def test_a_pre_signed_url_from_another_origin_does_not_run_its_call(
    app_page: Page, functions: Server
) -> None:
    """A `text/plain` POST is a simple request: the browser sends it without a preflight, and
    before the endpoint refused pages of other origins this ran the function (which writes the
    note to DynamoDB)."""
    endpoint = origin(functions)
    dynamodb = aws_client("dynamodb", endpoint)
    planted = json.dumps({"action": "put", "id": "planted", "text": "from a page"})
    outcome: str = app_page.evaluate(
        """async ([url, body]) => {
          const answer = await fetch(url, { method: "POST", mode: "no-cors", body });
          return answer.type;
        }""",
        [_pre_signed_invoke(endpoint, planted.encode()), planted],
    )
    assert outcome == "opaque"  # sent and answered; the page may not read the answer
    assert "Item" not in dynamodb.get_item(TableName="Notes", Key={"id": {"S": "planted"}})
    # Not sent from a page, the same kind of URL runs the function: the signature is good.
    direct = json.dumps({"action": "put", "id": "direct", "text": "from a script"}).encode()
    request = urllib.request.Request(
        _pre_signed_invoke(endpoint, direct), data=direct, method="POST"
    )
    with urllib.request.urlopen(request) as answer:
        assert json.loads(answer.read())["id"] == "direct"
    assert "Item" in dynamodb.get_item(TableName="Notes", Key={"id": {"S": "direct"}})
