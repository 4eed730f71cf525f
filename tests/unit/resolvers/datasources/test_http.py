"""The HTTP data source against a real HTTP server on 127.0.0.1.

Expected behaviour is AppSync's "resolver mapping template reference for HTTP" (request document
fields, the headers a template may not set, the UTF-8 body) and the HTTP resolvers tutorial
(`ctx.result` carries `statusCode` and `body` whatever the status, and the response template
decides; "Invoking AWS services": requests signed with SigV4 for the configured region and
service). The signature is checked by the auth package's own SigV4 verifier.

The `states` and `sync-states` endpoints are routed to the real embedded engine. Data source and
templates are those of the AWS blog "Invoke AWS services directly from AWS AppSync" and the
singledigit StartSyncExecution gist: endpoint `https://states.<region>.amazonaws.com` (or
`sync-states`), `awsIamConfig {signingRegion, signingServiceName: states}`,
`x-amz-target: AWSStepFunctions.StartExecution`, the body `{stateMachineArn, input}` with the
input as a JSON string, and a response template that parses `$ctx.result.body`.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.credentials import Credentials

from auth.clock import SystemClock
from auth.request import AuthRequest
from auth.sigv4 import IamConfig, IamCredential, IamProvider
from definition.model import AwsIamConfig, HttpConfig
from resolvers.datasources.http import (
    HttpDataSource,
    HttpEndpoint,
    HttpStateMachineRunner,
    parse_request,
)
from resolvers.errors import DataSourceError, ResolverError, UtilError
from resolvers.runtimes.vtl import load_vtl_code
from resolvers.unit import UnitResolver
from stepfunctions.runtime.clock import FakeClock
from stepfunctions.runtime.task_registry import TaskRegistry
from stepfunctions.service.api import StepFunctionsService
from tests.fixtures.loopback import free_port
from tests.unit.resolvers.contexts import field_context
from tests.unit.resolvers.datasources.http_listener import Endpoint, serve
from tests.unit.resolvers.datasources.test_stepfunctions import (
    ACCOUNT,
    ECHO,
    REGION,
    EngineRunner,
    create_machine,
    finished,
)

pytestmark = pytest.mark.timeout(20)

ACCESS_KEY = "AKIAHTTPDATASOURCE01"
# Made-up keys: the test signs and verifies with the same pair; no AWS account knows them.
SECRET_KEY = "http-data-source-test-secret"


@pytest.fixture
def endpoint() -> Iterator[Endpoint]:
    with serve() as state:
        yield state


@pytest.fixture
def elsewhere() -> Iterator[Endpoint]:
    """A second listener: no resource path may send a request here."""
    with serve() as state:
        yield state


@pytest.mark.anyio
async def test_a_request_document_becomes_the_http_call(endpoint: Endpoint) -> None:
    source = HttpDataSource("Users", HttpConfig(endpoint.url + "/"))
    await source.invoke(
        {
            "version": "2018-05-29",
            "method": "POST",
            "resourcePath": "/v1/users",
            "params": {
                "query": {"type": "json", "limit": 10},
                "headers": {"Content-Type": "application/json", "x-tenant": "a"},
                "body": {"id": "2", "username": "shaggy"},
            },
        },
        field_context("getUser"),
    )
    [sent] = endpoint.requests
    assert (sent.method, sent.path) == ("POST", "/v1/users")
    assert sorted(sent.query.split("&")) == ["limit=10", "type=json"]
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["x-tenant"] == "a"
    assert json.loads(sent.body) == {"id": "2", "username": "shaggy"}


@pytest.mark.anyio
async def test_the_result_is_status_headers_and_the_body_as_a_string(endpoint: Endpoint) -> None:
    endpoint.answer = (200, {"Content-Type": "application/json", "X-Trace": "t1"}, b'{"id":"1"}')
    source = HttpDataSource("Users", HttpConfig(endpoint.url))
    result = await source.invoke(
        {"version": "2018-05-29", "method": "GET", "resourcePath": "/v1/users/1"},
        field_context("getUser"),
    )
    assert result["statusCode"] == 200
    assert result["body"] == '{"id":"1"}'
    assert result["headers"]["X-Trace"] == "t1"
    assert result["headers"]["Content-Type"] == "application/json"


@pytest.mark.anyio
async def test_a_non_2xx_answer_is_a_result_for_the_template_to_judge(endpoint: Endpoint) -> None:
    endpoint.answer = (404, {"Content-Type": "application/json"}, b'{"message":"no user"}')
    source = HttpDataSource("Users", HttpConfig(endpoint.url))
    result = await source.invoke(
        {"version": "2018-05-29", "method": "GET", "resourcePath": "/v1/users/9"},
        field_context("getUser"),
    )
    assert result["statusCode"] == 404
    assert json.loads(result["body"]) == {"message": "no user"}


@pytest.mark.anyio
async def test_the_tutorial_response_template_appends_a_non_200_answer_as_an_error(
    endpoint: Endpoint, tmp_path: Path
) -> None:
    """The HTTP resolvers tutorial's addUser templates (with a null value after appendError),
    through a unit resolver."""
    request = tmp_path / "request.vtl"
    request.write_text(
        '{"version": "2018-05-29", "method": "POST", "resourcePath": "/v1/users",'
        ' "params": {"headers": {"Content-Type": "application/json"},'
        ' "body": $util.toJson($ctx.args.userInput)}}'
    )
    response = tmp_path / "response.vtl"
    response.write_text(
        "#if($ctx.error)\n  $util.error($ctx.error.message, $ctx.error.type)\n#end\n"
        "#if($ctx.result.statusCode == 200)\n  $ctx.result.body\n#else\n"
        '  $utils.appendError($ctx.result.body, "$ctx.result.statusCode")\n  null\n#end\n'
    )
    resolver = UnitResolver(
        load_vtl_code(request, response), HttpDataSource("Users", HttpConfig(endpoint.url))
    )
    endpoint.answer = (200, {"Content-Type": "application/json"}, b'{"id":"2","username":"s"}')
    ctx = field_context("getUser", "Query", {"userInput": {"id": "2", "username": "s"}})
    assert await resolver.resolve(ctx) == {"id": "2", "username": "s"}

    endpoint.answer = (409, {"Content-Type": "application/json"}, b'"taken"')
    ctx = field_context("getUser", "Query", {"userInput": {"id": "2", "username": "s"}})
    assert await resolver.resolve(ctx) is None
    [appended] = ctx.appended_errors
    assert (appended["message"], appended["errorType"]) == ('"taken"', "409")


@pytest.mark.anyio
async def test_a_text_body_is_sent_as_is_in_utf_8(endpoint: Endpoint) -> None:
    source = HttpDataSource("Text", HttpConfig(endpoint.url))
    await source.invoke(
        {
            "version": "2018-05-29",
            "method": "POST",
            "resourcePath": "/",
            "params": {"headers": {"Content-Type": "text/plain"}, "body": "crème brûlée"},
        },
        field_context("getUser"),
    )
    assert endpoint.requests[0].body == "crème brûlée".encode()


@pytest.mark.anyio
async def test_headers_appsync_reserves_are_not_sent_from_the_template(
    endpoint: Endpoint,
) -> None:
    source = HttpDataSource("Users", HttpConfig(endpoint.url))
    await source.invoke(
        {
            "version": "2018-05-29",
            "method": "GET",
            "resourcePath": "/",
            "params": {"headers": {"User-Agent": "from-template", "Host": "elsewhere.example"}},
        },
        field_context("getUser"),
    )
    sent = endpoint.requests[0].headers
    assert sent["User-Agent"] != "from-template"
    assert sent["Host"] == endpoint.url.removeprefix("http://")


@pytest.mark.anyio
async def test_an_unreachable_endpoint_is_a_data_source_error() -> None:
    port = free_port()
    source = HttpDataSource("Gone", HttpConfig(f"http://127.0.0.1:{port}"))
    with pytest.raises(DataSourceError) as raised:
        await source.invoke(
            {"version": "2018-05-29", "method": "GET", "resourcePath": "/"},
            field_context("getUser"),
        )
    assert raised.value.error_type == "HttpRequestException"


@pytest.mark.anyio
async def test_a_data_source_failure_reaches_the_response_template_as_ctx_error(
    tmp_path: Path,
) -> None:
    port = free_port()
    request = tmp_path / "request.vtl"
    request.write_text('{"version": "2018-05-29", "method": "GET", "resourcePath": "/"}')
    response = tmp_path / "response.vtl"
    response.write_text("$util.error($ctx.error.message, $ctx.error.type)")
    resolver = UnitResolver(
        load_vtl_code(request, response),
        HttpDataSource("Gone", HttpConfig(f"http://127.0.0.1:{port}")),
    )
    with pytest.raises(UtilError) as raised:
        await resolver.resolve(field_context("getUser"))
    assert raised.value.error_type == "HttpRequestException"


@pytest.mark.parametrize(
    "document",
    [
        {"version": "2018-05-29", "resourcePath": "/"},
        {"version": "2018-05-29", "method": "HEAD", "resourcePath": "/"},
        {"version": "2018-05-29", "method": "GET"},
        {"version": "2017-02-28", "method": "GET", "resourcePath": "/"},
        {"version": "2018-05-29", "method": "GET", "resourcePath": "/", "params": {"query": "a"}},
    ],
)
def test_a_document_outside_the_request_schema_is_a_mapping_template_error(
    document: dict[str, Any],
) -> None:
    with pytest.raises(ResolverError) as raised:
        parse_request(document)
    assert raised.value.error_type == "MappingTemplate"


@pytest.mark.anyio
async def test_aws_iam_signs_with_the_configured_region_and_service(endpoint: Endpoint) -> None:
    config = HttpConfig(endpoint.url, AwsIamConfig("eu-west-1", "appsync"))
    source = HttpDataSource("Signed", config, credentials=Credentials(ACCESS_KEY, SECRET_KEY))
    await source.invoke(
        {
            "version": "2018-05-29",
            "method": "POST",
            "resourcePath": "/graphql",
            "params": {
                "query": {"a b": "c/d"},
                "headers": {"Content-Type": "application/json"},
                "body": {"query": "{ ping }"},
            },
        },
        field_context("getUser"),
    )
    [sent] = endpoint.requests
    assert "/eu-west-1/appsync/aws4_request" in sent.headers["Authorization"]
    verifier = IamProvider(
        IamConfig(
            credentials=(
                IamCredential(
                    ACCESS_KEY, SECRET_KEY, "123456789012", "arn:aws:iam::123456789012:user/t"
                ),
            ),
            region="eu-west-1",
        ),
        SystemClock(),
    )
    principal = await verifier.authenticate(
        AuthRequest.from_raw_headers(sent.method, sent.path, sent.headers, sent.body, sent.query)
    )
    assert principal.identity is not None
    assert principal.identity["userArn"] == "arn:aws:iam::123456789012:user/t"


@pytest.mark.anyio
async def test_the_aws_runner_speaks_aws_json_signed_for_states(endpoint: Endpoint) -> None:
    endpoint.answer = (
        400,
        {"Content-Type": "application/x-amz-json-1.0"},
        b'{"__type":"com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist",'
        b'"message":"State Machine Does Not Exist"}',
    )
    runner = HttpStateMachineRunner(
        "us-west-2", endpoint=endpoint.url, credentials=Credentials(ACCESS_KEY, SECRET_KEY)
    )
    status, body = await runner.call("StartExecution", {"stateMachineArn": "arn:x"})
    assert status == 400
    assert body["message"] == "State Machine Does Not Exist"
    [sent] = endpoint.requests
    assert (sent.method, sent.path) == ("POST", "/")
    assert sent.headers["X-Amz-Target"] == "AWSStepFunctions.StartExecution"
    assert sent.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert "/us-west-2/states/aws4_request" in sent.headers["Authorization"]
    assert json.loads(sent.body) == {"stateMachineArn": "arn:x"}


STATES = f"https://states.{REGION}.amazonaws.com"
SYNC_STATES = f"https://sync-states.{REGION}.amazonaws.com"
SIGNED = AwsIamConfig(REGION, "states")


@pytest.fixture
async def runner() -> AsyncIterator[EngineRunner]:
    service = StepFunctionsService(FakeClock(), TaskRegistry(), region=REGION, account_id=ACCOUNT)
    async with service.running():
        yield EngineRunner(service)


def start(target: str, body: Any) -> dict[str, Any]:
    return {
        "version": "2018-05-29",
        "method": "POST",
        "resourcePath": "/",
        "params": {
            "headers": {"content-type": "application/x-amz-json-1.0", "x-amz-target": target},
            "body": body,
        },
    }


@pytest.mark.anyio
async def test_start_execution_through_the_states_endpoint_reaches_the_engine(
    runner: EngineRunner,
) -> None:
    machine = await create_machine(runner, "orders", ECHO)
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    assert source.routed_to_runner
    result = await source.invoke(
        start(
            "AWSStepFunctions.StartExecution",
            {"stateMachineArn": machine, "name": "o-1", "input": '{"orderId":"1"}'},
        ),
        field_context("startOrder", "Mutation"),
    )
    assert result["statusCode"] == 200
    assert result["headers"]["Content-Type"] == "application/x-amz-json-1.0"
    body = json.loads(result["body"])
    assert body["executionArn"] == f"arn:aws:states:{REGION}:{ACCOUNT}:execution:orders:o-1"
    described = await finished(runner, body["executionArn"])
    assert json.loads(described["output"]) == {"orderId": "1"}


@pytest.mark.anyio
async def test_start_sync_execution_through_sync_states_answers_with_the_output(
    runner: EngineRunner,
) -> None:
    machine = await create_machine(runner, "quote", ECHO, kind="EXPRESS")
    source = HttpDataSource("Sync", HttpConfig(SYNC_STATES, SIGNED), runner)
    result = await source.invoke(
        start(
            "AWSStepFunctions.StartSyncExecution",
            json.dumps({"stateMachineArn": machine, "input": '{"sku":"A"}'}),
        ),
        field_context("startOrder", "Mutation"),
    )
    body = json.loads(result["body"])
    assert (result["statusCode"], body["status"]) == (200, "SUCCEEDED")
    assert json.loads(body["output"]) == {"sku": "A"}


@pytest.mark.anyio
async def test_an_engine_error_is_the_aws_status_and_error_body(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    missing = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:missing"
    result = await source.invoke(
        start("AWSStepFunctions.StartExecution", {"stateMachineArn": missing}),
        field_context("startOrder", "Mutation"),
    )
    assert result["statusCode"] == 400
    assert result["headers"]["x-amzn-ErrorType"] == "StateMachineDoesNotExist"
    assert json.loads(result["body"])["__type"] == "StateMachineDoesNotExist"


@pytest.mark.anyio
async def test_the_blog_templates_return_the_execution_arn(
    runner: EngineRunner, tmp_path: Path
) -> None:
    machine = await create_machine(runner, "search", ECHO)
    request = tmp_path / "request.vtl"
    request.write_text(
        '{"version": "2018-05-29", "method": "POST", "resourcePath": "/",'
        ' "params": {"headers": {"content-type": "application/x-amz-json-1.0",'
        ' "x-amz-target": "AWSStepFunctions.StartExecution"},'
        f' "body": {{"stateMachineArn": "{machine}",'
        ' "input": "{ \\"name\\": \\"$ctx.args.query\\" }"}}}'
    )
    response = tmp_path / "response.vtl"
    response.write_text(
        "#if($ctx.error)\n  $util.error($ctx.error.message, $ctx.error.type)\n#end\n"
        "#if($ctx.result.statusCode == 200)\n"
        '  {"id": "$util.parseJson($ctx.result.body).executionArn", "status": "PENDING"}\n'
        '#else\n  $utils.error($ctx.result.body, "$ctx.result.statusCode")\n#end\n'
    )
    resolver = UnitResolver(
        load_vtl_code(request, response),
        HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner),
    )
    ctx = field_context("startOrder", "Mutation", {"query": "shoes"})
    value = await resolver.resolve(ctx)
    assert value["status"] == "PENDING"
    assert value["id"].startswith(f"arn:aws:states:{REGION}:{ACCOUNT}:execution:search:")
    described = await finished(runner, value["id"])
    assert json.loads(described["input"]) == {"name": "shoes"}


@pytest.mark.anyio
async def test_a_missing_target_is_an_unknown_operation(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    document = start("", {})
    del document["params"]["headers"]["x-amz-target"]
    result = await source.invoke(document, field_context("startOrder", "Mutation"))
    assert result["statusCode"] == 400
    assert json.loads(result["body"])["__type"] == "UnknownOperationException"
    assert runner.calls == []


@pytest.mark.anyio
async def test_a_body_that_is_not_json_is_a_serialization_error(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES, SIGNED), runner)
    result = await source.invoke(
        start("AWSStepFunctions.StartExecution", "meow"), field_context("startOrder", "Mutation")
    )
    assert result["statusCode"] == 400
    assert json.loads(result["body"])["__type"] == "SerializationException"


@pytest.mark.anyio
async def test_signing_for_another_service_is_refused_as_aws_refuses_it(
    runner: EngineRunner,
) -> None:
    config = HttpConfig(STATES, AwsIamConfig(REGION, "appsync"))
    source = HttpDataSource("StepFunctions", config, runner)
    result = await source.invoke(
        start("AWSStepFunctions.ListStateMachines", {}), field_context("startOrder", "Mutation")
    )
    assert json.loads(result["body"]) == {
        "__type": "InvalidSignatureException",
        "message": "Credential should be scoped to correct service: 'states'. ",
    }
    assert runner.calls == []


@pytest.mark.anyio
async def test_signing_for_another_region_is_refused_as_aws_refuses_it(
    runner: EngineRunner,
) -> None:
    config = HttpConfig(STATES, AwsIamConfig("eu-west-1", "states"))
    source = HttpDataSource("StepFunctions", config, runner)
    result = await source.invoke(
        start("AWSStepFunctions.ListStateMachines", {}), field_context("startOrder", "Mutation")
    )
    assert json.loads(result["body"])["message"] == (
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
    )


@pytest.mark.anyio
async def test_an_unsigned_call_is_refused(runner: EngineRunner) -> None:
    source = HttpDataSource("StepFunctions", HttpConfig(STATES), runner)
    result = await source.invoke(
        start("AWSStepFunctions.ListStateMachines", {}), field_context("startOrder", "Mutation")
    )
    assert json.loads(result["body"])["__type"] == "MissingAuthenticationTokenException"


def test_other_endpoints_and_a_missing_runner_are_not_routed() -> None:
    class Never:
        async def call(self, operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            raise AssertionError("not routed")

    assert not HttpDataSource(
        "A", HttpConfig("https://appsync.us-west-2.amazonaws.com/")
    ).routed_to_runner
    assert not HttpDataSource("B", HttpConfig("https://example.com"), Never()).routed_to_runner
    assert not HttpDataSource("C", HttpConfig(STATES, SIGNED)).routed_to_runner
    assert HttpDataSource(
        "D", HttpConfig("https://states.amazonaws.com", SIGNED), Never()
    ).routed_to_runner


def _hostile_paths(other: str) -> tuple[list[str], list[str]]:
    """Resource paths that would reach `other` (host:port) if joined to the endpoint as text:
    those without a leading "/", then those with one."""
    port = other.rpartition(":")[2]
    bare = [
        f"@{other}/steal",
        f"http://{other}/steal",
        f"https://{other}/steal",
        f"\\\\{other}/steal",
        f".{other}/steal",
        f":{port}/steal",
        "0/steal",
        f"%40{other}/steal",
    ]
    rooted = [
        f"/@{other}/steal",
        f"//{other}/steal",
        f"/..//{other}/steal",
        f"/%2e%2e/%2e%2e/{other}/steal",
        f"/\\\\{other}/steal",
        f"/x?next=http://{other}/steal",
        f"/x#@{other}/steal",
        f"/\r\nHost: {other}\r\n\r\n",
    ]
    return bare, rooted


def _get(path: str) -> dict[str, Any]:
    return {"version": "2018-05-29", "method": "GET", "resourcePath": path}


@pytest.mark.anyio
@pytest.mark.parametrize("trailing_slash", [False, True], ids=["endpoint", "endpoint/"])
async def test_no_resource_path_reaches_another_host(
    endpoint: Endpoint, elsewhere: Endpoint, trailing_slash: bool
) -> None:
    other = elsewhere.url.removeprefix("http://")
    source = HttpDataSource("Users", HttpConfig(endpoint.url + ("/" if trailing_slash else "")))
    bare, rooted = _hostile_paths(other)
    refused = []
    for path in bare + rooted:
        try:
            await source.invoke(_get(path), field_context())
        except ResolverError as error:
            refused.append((path, error.error_type))
        else:
            sent = endpoint.requests[-1]
            assert sent.headers["Host"] == endpoint.url.removeprefix("http://"), path
            assert sent.target.startswith("/"), path
    assert elsewhere.requests == []
    # Refused before any request: only the paths that would run into the authority.
    assert refused == ([] if trailing_slash else [(path, "MappingTemplate") for path in bare])


@pytest.mark.anyio
async def test_a_hostile_path_is_a_path_on_the_endpoint(
    endpoint: Endpoint, elsewhere: Endpoint
) -> None:
    other = elsewhere.url.removeprefix("http://")
    source = HttpDataSource("Users", HttpConfig(endpoint.url))
    for path, target in [
        (f"/@{other}/steal", f"/@{other}/steal"),
        (f"//{other}/steal", f"//{other}/steal"),
        (f"/%2e%2e/{other}/steal", f"/%2e%2e/{other}/steal"),
        ("/a b/\r\n/\u00e9", "/a%20b/%0D%0A/%C3%A9"),
        ("/100%/done", "/100%25/done"),
    ]:
        await source.invoke(_get(path), field_context())
        assert endpoint.requests[-1].target == target
    assert elsewhere.requests == []


def test_a_path_without_its_slash_is_a_mapping_template_error() -> None:
    with pytest.raises(ResolverError) as raised:
        HttpEndpoint.parse("http://127.0.0.1:8080").url("@127.0.0.1:20311/steal")
    assert raised.value.error_type == "MappingTemplate"
    assert raised.value.message == "resourcePath must start with '/'."


@pytest.mark.parametrize(
    ("endpoint", "resource_path", "query", "url"),
    [
        ("https://api.example.com", "/v1/users", (), "https://api.example.com/v1/users"),
        ("https://api.example.com/", "v1/users", (), "https://api.example.com/v1/users"),
        ("https://api.example.com/", "/v1/users", (), "https://api.example.com/v1/users"),
        ("https://api.example.com/prod", "/users", (), "https://api.example.com/prod/users"),
        ("https://api.example.com/prod/", "users", (), "https://api.example.com/prod/users"),
        ("https://api.example.com/prod", "", (), "https://api.example.com/prod"),
        ("https://api.example.com", "", (), "https://api.example.com/"),
        ("HTTPS://api.example.com:8443", "/", (), "https://api.example.com:8443/"),
        (
            "https://api.example.com",
            "/users?limit=2",
            (("a b", "c/d"),),
            "https://api.example.com/users?limit=2&a%20b=c%2Fd",
        ),
        ("https://api.example.com", "/users#top", (), "https://api.example.com/users"),
    ],
)
def test_the_url_is_the_endpoint_followed_by_the_resource_path(
    endpoint: str, resource_path: str, query: tuple[tuple[str, str], ...], url: str
) -> None:
    assert HttpEndpoint.parse(endpoint).url(resource_path, query) == url


@pytest.mark.parametrize("endpoint", ["ftp://example.com", "example.com/v1", "https://"])
def test_an_endpoint_that_is_not_an_http_url_is_refused(endpoint: str) -> None:
    with pytest.raises(DataSourceError):
        HttpDataSource("Bad", HttpConfig(endpoint))
