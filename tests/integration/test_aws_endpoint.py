"""The one AWS endpoint on the server's own port, through boto3 and botocore's signer.

Every service answers a signed request with the declared keys (`testing`/`testing` by default,
or the definition's own, which replace them), and refuses an unsigned or wrongly signed one
before the service sees it, in the service's own error shape (`appsync/aws/errors.py` names the
sources). A web page on another origin gets no CORS grant, and on loopback a Host name that is
not a loopback one is refused (DNS rebinding). `server.dynamodb.endpoint` adds a listener of
its own on a fixed port, for scripts written against DynamoDB Local.
"""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.exceptions
import httpx
import pytest

from tests.fixtures.aws_signing import JSON_1_0, TARGETS, aws_client, json_call_headers
from tests.fixtures.aws_signing import signed_headers as sign
from tests.integration.conftest import BLOG_KEY, Server, serve, write_whoami_api

OTHER_KEY = ("AKIALOCALDECLARED001", "declared-secret-of-this-api")


def _endpoint(server: Server) -> str:
    return f"http://{server.host}:{server.port}"


def _write(
    folder: Path, server: dict[str, Any] | None = None, dynamodb: dict[str, Any] | None = None
) -> Path:
    path = write_whoami_api(folder, "aws-endpoint", {"authenticationType": "API_KEY"})
    config = json.loads(path.read_text())
    config["apiKeys"] = [{"id": BLOG_KEY}]
    table = {
        "TableName": "Notes",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    config["server"] = {**(server or {}), "dynamodb": {"tables": [table], **(dynamodb or {})}}
    path.write_text(json.dumps(config))
    return path


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(_write(tmp_path_factory.mktemp("aws_endpoint"))) as server:
        yield server


def _error(call: Any) -> dict[str, Any]:
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call()
    return dict(raised.value.response)


@pytest.mark.parametrize(
    ("service", "call"),
    [
        ("dynamodb", lambda c: c.list_tables()),
        ("stepfunctions", lambda c: c.list_state_machines()),
        ("cognito-idp", lambda c: c.list_user_pools(MaxResults=5)),
        ("sqs", lambda c: c.list_queues()),
        ("secretsmanager", lambda c: c.list_secrets()),
    ],
)
def test_json_services_refuse_a_wrong_key_with_unrecognized_client(
    api: Server, service: str, call: Any
) -> None:
    assert call(aws_client(service, _endpoint(api)))["ResponseMetadata"]["HTTPStatusCode"] == 200
    refused = _error(
        lambda: call(aws_client(service, _endpoint(api), ("AKIASTRANGER0000001", "x")))
    )
    assert refused["Error"]["Code"] == "UnrecognizedClientException"
    assert refused["Error"]["Message"] == "The security token included in the request is invalid."
    assert refused["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("service", ["dynamodb", "states", "cognito-idp"])
def test_unsigned_and_wrongly_signed_json_calls_are_refused(api: Server, service: str) -> None:
    url = _endpoint(api) + "/"
    unsigned = httpx.post(
        url, content=b"{}", headers={"content-type": JSON_1_0, "x-amz-target": TARGETS[service]}
    )
    assert unsigned.status_code == 400
    prefix = "com.amazon.coral.service#" if service == "dynamodb" else ""
    assert unsigned.json() == {
        "__type": f"{prefix}MissingAuthenticationTokenException",
        "message": "Request is missing Authentication Token",
    }
    headers = json_call_headers(url, service, key=("testing", "not-the-secret"))
    wrong = httpx.post(url, content=b"{}", headers=headers)
    assert wrong.status_code == 400
    assert wrong.json()["__type"] == f"{prefix}InvalidSignatureException"
    assert wrong.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert (
        httpx.post(url, content=b"{}", headers=json_call_headers(url, service)).status_code == 200
    )


def test_the_embedded_dynamodb_is_the_resolvers_own(api: Server) -> None:
    dynamodb = aws_client("dynamodb", _endpoint(api))
    # moto's backend is the process's: other tests' tables may be there too.
    assert "Notes" in dynamodb.list_tables()["TableNames"]
    dynamodb.put_item(TableName="Notes", Item={"id": {"S": "n1"}, "text": {"S": "from boto3"}})
    item = dynamodb.get_item(TableName="Notes", Key={"id": {"S": "n1"}})["Item"]
    assert item == {"id": {"S": "n1"}, "text": {"S": "from boto3"}}


def test_query_services_refuse_with_their_common_errors(api: Server) -> None:
    sts = aws_client("sts", _endpoint(api))
    assert sts.get_caller_identity()["Account"] == "123456789012"
    refused = _error(
        lambda: aws_client("sts", _endpoint(api), ("testing", "wrong")).get_caller_identity()
    )
    assert (refused["Error"]["Code"], refused["ResponseMetadata"]["HTTPStatusCode"]) == (
        "SignatureDoesNotMatch",
        403,
    )
    body = b"Action=ListUsers&Version=2010-05-08"
    form = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    unsigned = httpx.post(_endpoint(api) + "/", content=body, headers=form)
    assert unsigned.status_code == 403
    document = ElementTree.fromstring(unsigned.content)
    assert document.findtext("Error/Code") == "MissingAuthenticationToken"
    unknown = _error(
        lambda: aws_client("iam", _endpoint(api), ("AKIASTRANGER0000001", "x")).list_users()
    )
    assert unknown["Error"]["Code"] == "InvalidClientTokenId"


def test_s3_refuses_with_its_own_codes(api: Server) -> None:
    s3 = aws_client("s3", _endpoint(api))
    s3.create_bucket(Bucket="endpoint-files")
    s3.put_object(Bucket="endpoint-files", Key="a.txt", Body=b"hello")
    assert s3.get_object(Bucket="endpoint-files", Key="a.txt")["Body"].read() == b"hello"
    stranger = aws_client("s3", _endpoint(api), ("AKIASTRANGER0000001", "x"))
    refused = _error(lambda: stranger.get_object(Bucket="endpoint-files", Key="a.txt"))
    assert (refused["Error"]["Code"], refused["ResponseMetadata"]["HTTPStatusCode"]) == (
        "InvalidAccessKeyId",
        403,
    )
    # A pre-signed URL is verified from its query string; the same URL unsigned is not an AWS
    # call at all (the path alone never routes).
    params = {"Bucket": "endpoint-files", "Key": "a.txt"}
    v4 = aws_client("s3", _endpoint(api), signature_version="s3v4")
    url = v4.generate_presigned_url("get_object", Params=params)
    assert httpx.get(url).content == b"hello"
    assert httpx.get(url.split("?", 1)[0]).status_code == 404
    # boto3's default pre-signing is Signature Version 2, which S3 refuses for new buckets.
    old = httpx.get(s3.generate_presigned_url("get_object", Params=params))
    assert old.status_code == 400
    document = ElementTree.fromstring(old.content)
    assert (document.findtext("Code"), document.findtext("Message")) == (
        "InvalidRequest",
        "The authorization mechanism you have provided is not supported. Please use "
        "AWS4-HMAC-SHA256.",
    )


def test_rest_json_services_refuse_with_403(api: Server) -> None:
    functions = aws_client("lambda", _endpoint(api), ("AKIASTRANGER0000001", "x"))
    refused = _error(lambda: functions.list_functions())
    assert (refused["Error"]["Code"], refused["ResponseMetadata"]["HTTPStatusCode"]) == (
        "UnrecognizedClientException",
        403,
    )


def test_cognitos_sign_in_operations_need_no_signature_as_in_aws(api: Server) -> None:
    idp = aws_client("cognito-idp", _endpoint(api))
    pool = idp.create_user_pool(PoolName="unsigned-sign-in")["UserPool"]["Id"]
    client = idp.create_user_pool_client(
        UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    body = json.dumps({"ClientId": client, "Username": "ada", "Password": "Passw0rd!x"})
    target = "AWSCognitoIdentityProviderService.SignUp"
    headers = {"content-type": "application/x-amz-json-1.1", "x-amz-target": target}
    signed_up = httpx.post(_endpoint(api) + "/", content=body, headers=headers)
    assert signed_up.status_code == 200, signed_up.text
    assert signed_up.json()["UserConfirmed"] is False
    # AdminCreateUser is not one of them.
    headers["x-amz-target"] = "AWSCognitoIdentityProviderService.AdminCreateUser"
    admin = httpx.post(
        _endpoint(api) + "/",
        content=json.dumps({"UserPoolId": pool, "Username": "x"}),
        headers=headers,
    )
    assert admin.json()["__type"] == "MissingAuthenticationTokenException"


def test_declared_keys_replace_the_testing_pair(tmp_path: Path) -> None:
    credentials = [{"accessKeyId": OTHER_KEY[0], "secretAccessKey": OTHER_KEY[1]}]
    with serve(_write(tmp_path, {"aws": {"credentials": credentials}})) as server:
        refused = _error(lambda: aws_client("dynamodb", _endpoint(server)).list_tables())
        assert refused["Error"]["Code"] == "UnrecognizedClientException"
        tables = aws_client("dynamodb", _endpoint(server), OTHER_KEY).list_tables()
        assert "Notes" in tables["TableNames"]


def test_a_signed_call_from_another_origin_gets_no_cors_grant_and_is_refused(
    api: Server,
) -> None:
    preflight = httpx.options(
        _endpoint(api) + "/",
        headers={
            "origin": "http://evil.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization,content-type,x-amz-date,x-amz-target",
        },
    )
    assert preflight.status_code == 403
    assert not [name for name in preflight.headers if name.startswith("access-control-")]
    # Sent anyway (by no browser: they stop at the preflight), a good signature is refused too.
    url = _endpoint(api) + "/"
    headers = {**json_call_headers(url, "cognito-idp"), "origin": "http://evil.example"}
    refused = httpx.post(url, content=b"{}", headers=headers)
    assert (refused.status_code, refused.json()["__type"]) == (403, "AccessDeniedException")
    assert not [name for name in refused.headers if name.startswith("access-control-")]
    # Without a page's headers the same call is answered, and moto's own CORS headers
    # (Flask-CORS: any origin) do not leave.
    answered = httpx.post(url, content=b"{}", headers=json_call_headers(url, "cognito-idp"))
    assert answered.status_code == 200
    assert not [name for name in answered.headers if name.startswith("access-control-")]
    # /graphql keeps AppSync's own CORS answer: any origin.
    graphql = httpx.options(
        api.url,
        headers={"origin": "http://evil.example", "access-control-request-method": "POST"},
    )
    assert graphql.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("path", ["/", "/graphql"])
def test_a_rebinding_host_is_refused(api: Server, path: str) -> None:
    url = _endpoint(api) + path
    body = json.dumps({"query": "{ whoami { authType } }"}).encode()
    headers = {"host": "evil.example", "x-api-key": BLOG_KEY, "content-type": "application/json"}
    refused = httpx.post(url, content=body, headers=headers)
    assert refused.status_code == 403
    assert "appsync-local refuses the Host 'evil.example'" in refused.json()["message"]
    target = {"x-amz-target": TARGETS["dynamodb"]}
    signed = sign("POST", "http://evil.example/", "dynamodb", b"{}", target)
    signed["host"] = "evil.example"
    assert httpx.post(_endpoint(api) + "/", content=b"{}", headers=signed).status_code == 403


def test_a_rebinding_host_cannot_open_a_websocket(api: Server) -> None:
    # A browser's upgrade request, Host and all (websockets' client always sends its own Host).
    upgrade = (
        "GET /graphql/realtime HTTP/1.1\r\nHost: evil.example\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-ws\r\n\r\n"
    )
    with socket.create_connection((api.host, api.port), timeout=10) as connection:
        connection.sendall(upgrade.encode())
        status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 403")


def test_an_allowed_host_is_answered(tmp_path: Path) -> None:
    with serve(_write(tmp_path), allowed_hosts=("dev.example.test",)) as server:
        headers = {"host": "dev.example.test:8080", "x-api-key": BLOG_KEY}
        body = {"query": "{ whoami { authType } }"}
        answered = httpx.post(server.url, json=body, headers=headers)
        assert answered.json() == {"data": {"whoami": {"authType": "API Key Authorization"}}}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_a_fixed_dynamodb_port_serves_the_same_verified_endpoint(tmp_path: Path) -> None:
    port = _free_port()
    endpoint = {"endpoint": {"host": "127.0.0.1", "port": port}}
    with serve(_write(tmp_path, dynamodb=endpoint)) as server:
        assert server.app.state.extra_listener == f"http://127.0.0.1:{port}"
        local = aws_client("dynamodb", f"http://127.0.0.1:{port}")
        local.put_item(TableName="Notes", Item={"id": {"S": "on-8000"}})
        main = aws_client("dynamodb", _endpoint(server))
        assert main.get_item(TableName="Notes", Key={"id": {"S": "on-8000"}})["Item"]
        stranger = aws_client("dynamodb", f"http://127.0.0.1:{port}", ("AKIASTRANGER0000001", "x"))
        assert _error(stranger.list_tables)["Error"]["Code"] == "UnrecognizedClientException"
        assert httpx.post(f"http://127.0.0.1:{port}/graphql", json={}).status_code == 404
