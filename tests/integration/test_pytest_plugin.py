"""The pytest plugin, through pytest itself: test files run by `pytester` against the
`testing_kit` API (apis/testing_kit), as a user's suite would run them. Queries, the seed, a
reset between tests, `$util.time`, a day-long Wait ending on `advance(days=1)`, an API key
expiring, a subscription receiving a mutation, tokens the server trusts, a subprocess server,
pytest-xdist workers with a server each, and a definition that cannot be served."""

from __future__ import annotations

import json
import shutil

import pytest

from appsync.data_directory import DataDirectory
from appsync.testing.api import LocalApi
from appsync.testing.servers import ServeMode, ServeOptions, load_definition, serve
from appsync.testing.tokens import IssuerKey
from tests.conftest import REPO_ROOT
from tests.integration.conftest import APIS, BLOG_CONFIG

KIT = APIS / "testing_kit"
# The inner runs import the server and start servers of their own: minutes on a busy machine.
pytestmark = pytest.mark.timeout(240)

HEADER = """
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from appsync.testing.realtime import SubscriptionError

START = datetime(2030, 1, 1, tzinfo=UTC)
DAILY = "arn:aws:states:us-east-1:123456789012:stateMachine:daily"
"""


@pytest.fixture(scope="module", autouse=True)
def _served_once(tmp_path_factory: pytest.TempPathFactory) -> None:
    """pytester's in-process runs drop the modules each run imported; a module imported again
    has new classes (uvicorn's `except httptools.HttpParserUpgrade` then misses the parser's
    own). A server run once here first imports what a server imports as it serves, for good."""
    options = ServeOptions(
        ServeMode.IN_PROCESS, None, DataDirectory(tmp_path_factory.mktemp("warm"))
    )
    definition = load_definition(BLOG_CONFIG)
    api = LocalApi(definition, serve(definition, options), options.data)
    try:
        with api.subscribe('subscription { onAddComment(postId: "p1") { content } }'):
            assert api.query('{ echo(message: "hi") }') == {"data": {"echo": "hi"}}
    finally:
        api.close()


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project holding the API in `api/`, its OIDC issuer's public keys in `api/jwks.json`
    and the private key in `issuer_key.json`."""
    shutil.copytree(KIT, pytester.path / "api")
    key = IssuerKey.generate("kit-key-1")
    key.write_jwks(pytester.path / "api" / "jwks.json")
    (pytester.path / "issuer_key.json").write_text(json.dumps(key.private_jwk))
    return pytester


def _run(project: pytest.Pytester, *args: str) -> pytest.RunResult:
    """An in-process run, warnings as errors; except that pytest cannot rewrite the asserts of
    the plugin's distribution in this process, which imported it long ago."""
    ignored = "ignore::pytest.PytestAssertRewriteWarning"
    return project.runpytest("-p", "no:cacheprovider", "-W", "error", "-W", ignored, *args)


def test_a_module_server_reset_between_tests_on_a_manual_clock(project: pytest.Pytester) -> None:
    project.makepyfile(
        HEADER
        + """
@pytest.fixture(scope="module")
def api(appsync_local_module):
    return appsync_local_module("api/appsync.yaml", clock="manual", start=START)


@pytest.fixture(autouse=True)
def fresh(api):
    api.reset()


def test_a_query_reads_the_seed(api):
    assert api.query('{ note(id: "seeded") { id text } }') == {
        "data": {"note": {"id": "seeded", "text": "from the seed file"}}
    }


def test_a_mutation_writes_the_table(api):
    api.query('mutation { addNote(id: "n1", text: "one") { id } }')
    item = api.dynamodb.get_item(TableName="KitNotes", Key={"id": {"S": "n1"}})["Item"]
    assert item == {"id": {"S": "n1"}, "text": {"S": "one"}}


def test_the_next_test_does_not_see_it(api):
    assert api.query('{ note(id: "n1") { id } }') == {"data": {"note": None}}


def test_util_time_follows_the_clock(api):
    assert api.query("{ now }") == {"data": {"now": "2030-01-01T00:00:00.000Z"}}
    assert api.clock.advance(hours=1) == datetime(2030, 1, 1, 1, tzinfo=UTC)
    assert api.query("{ now }") == {"data": {"now": "2030-01-01T01:00:00.000Z"}}


def test_a_days_wait_ends_when_a_day_passes(api):
    sfn = api.stepfunctions
    arn = sfn.start_execution(stateMachineArn=DAILY)["executionArn"]
    api.clock.advance(hours=23)
    assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
    api.clock.advance(days=1)
    described = sfn.describe_execution(executionArn=arn)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"]) == {"waited": "a day"}


def test_the_reset_forgot_the_execution_and_put_the_clock_back(api):
    assert api.stepfunctions.list_executions(stateMachineArn=DAILY)["executions"] == []
    assert api.clock.now() == START


def test_the_api_key_expires_a_week_on(api):
    api.clock.advance(86400 * 7 - 1)
    assert api.query("{ now }") == {"data": {"now": "2030-01-07T23:59:59.000Z"}}
    api.clock.advance(1)
    refused = api.http.post(api.graphql_url, json={"query": "{ now }"})
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["errorType"] == "UnauthorizedException"
"""
    )
    _run(project).assert_outcomes(passed=7)


def test_a_subscription_receives_a_mutation_and_a_reset_ends_it(project: pytest.Pytester) -> None:
    project.makepyfile(
        HEADER
        + """
def test_a_subscriber_receives_the_mutation(appsync_local):
    api = appsync_local("api/appsync.yaml")
    with api.subscribe("subscription { onAddNote { id text } }") as added:
        api.query('mutation { addNote(id: "n2", text: "two") { id text } }')
        assert added.next() == {"data": {"onAddNote": {"id": "n2", "text": "two"}}}


def test_a_reset_closes_every_subscription(appsync_local):
    api = appsync_local("api/appsync.yaml")
    with api.subscribe("subscription { onAddNote { id } }") as added:
        assert api.reset()["connectionsClosed"] == 1
        with pytest.raises(SubscriptionError, match="closed"):
            added.next(timeout=5)
"""
    )
    _run(project).assert_outcomes(passed=2)


def test_tokens_the_server_trusts_and_their_lifetime(project: pytest.Pytester) -> None:
    project.makepyfile(
        HEADER
        + """
def test_cognito_and_oidc_tokens(appsync_local):
    api = appsync_local("api/appsync.yaml", clock="manual", start=START)
    alice = api.cognito_token("alice", groups=["admins"])
    assert api.query("{ whoami }", token=alice) == {"data": {"whoami": "alice"}}
    oidc = api.oidc_token("user-7", signing_key=Path("issuer_key.json"))
    assert api.query("{ whoami }", token=oidc) == {"data": {"whoami": "user-7"}}
    # Both last an hour from the server's now.
    api.clock.advance(hours=1)
    for token in (alice, oidc):
        [error] = api.query("{ whoami }", token=token)["errors"]
        assert error == {"errorType": "UnauthorizedException", "message": "Token has expired."}
    assert api.query("{ whoami }", token=api.cognito_token("bob")) == {"data": {"whoami": "bob"}}
"""
    )
    _run(project).assert_outcomes(passed=1)


def test_a_server_in_a_subprocess_runs_on_the_same_clock_controls(
    project: pytest.Pytester,
) -> None:
    project.makepyfile(
        HEADER
        + """
def test_in_a_subprocess(appsync_local):
    api = appsync_local("api/appsync.yaml", clock="manual", start=START, mode="subprocess")
    assert api.query('{ note(id: "seeded") { id } }') == {"data": {"note": {"id": "seeded"}}}
    arn = api.stepfunctions.start_execution(stateMachineArn=DAILY)["executionArn"]
    api.clock.advance(days=1)
    assert api.stepfunctions.describe_execution(executionArn=arn)["status"] == "SUCCEEDED"
    assert api.reset()["tables"] == ["KitNotes"]
"""
    )
    _run(project).assert_outcomes(passed=1)


def test_each_xdist_worker_serves_its_own_api(project: pytest.Pytester) -> None:
    project.makepyfile(
        HEADER
        + """
import os


@pytest.fixture(scope="session")
def api(appsync_local_session):
    return appsync_local_session("api/appsync.yaml")


@pytest.mark.parametrize("n", range(4))
def test_record_the_server(api, n):
    worker = os.environ["PYTEST_XDIST_WORKER"]
    api.query(f'mutation {{ addNote(id: "{worker}-{n}", text: "x") {{ id }} }}')
    Path(f"served-{worker}-{n}").write_text(str(api.port))
"""
    )
    result = project.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")
    result.assert_outcomes(passed=4)
    ports: dict[str, set[str]] = {}
    for record in project.path.glob("served-*"):
        worker = record.name.split("-")[1]
        ports.setdefault(worker, set()).add(record.read_text())
    assert sorted(ports) == ["gw0", "gw1"]
    [first], [second] = ports.values()
    assert first != second


def test_a_definition_that_cannot_be_served_is_reported_with_its_problems(
    project: pytest.Pytester,
) -> None:
    broken = project.path / "api" / "broken.yaml"
    broken.write_text(
        "schema: schema.graphql\nauthenticationType: API_KEY\n"
        "resolvers: [{typeName: Query, fieldName: now, dataSourceName: Nowhere}]\n"
    )
    project.makepyfile(
        """
def test_broken(appsync_local):
    appsync_local("api/broken.yaml")
"""
    )
    result = _run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*ServerStartError: appsync-local could not serve */api/broken.yaml:*", "*Nowhere*"]
    )


EXAMPLE = REPO_ROOT / "examples" / "pytest" / "test_examples.py"


def test_the_readmes_example_file_passes(pytester: pytest.Pytester) -> None:
    # Run as a user runs it: pytest in a process of its own (whose moto holds no table of the
    # suite's other servers), under this repository's settings (warnings as errors).
    result = pytester.runpytest_subprocess(str(EXAMPLE), "-p", "no:cacheprovider")
    result.assert_outcomes(passed=5)


def test_the_readme_shows_the_example_file_as_it_is() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```python\n{EXAMPLE.read_text(encoding='utf-8')}```" in readme
