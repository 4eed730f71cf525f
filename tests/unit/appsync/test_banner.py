"""What `serve` prints once it listens, and the warning beyond loopback: the public test keys in
full and a declared key by its id only, the services the API uses, what the data directory
keeps, whether it reloads. (The whole announcement from a real process: tests/integration/
test_cli.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from appsync.app import build_app
from appsync.banner import announce, credentials_text, exposure_warning
from appsync.data_directory import DataDirectory
from definition.appsync_yaml.api import read_appsync_yaml
from definition.formats import read_definition
from definition.model import TEST_ACCESS_KEY, AccessKey, AwsEndpointSettings
from tests.unit.appsync.api_support import API_KEY, write_api


def test_a_declared_secret_never_reaches_the_terminal() -> None:
    assert credentials_text(AwsEndpointSettings()) == (
        "access key id testing, secret access key testing"
    )
    declared = AwsEndpointSettings(credentials=(AccessKey("AKIDLOCAL", "s3cr3t-value"),))
    assert credentials_text(declared) == (
        "access key id AKIDLOCAL (secret as declared in server.aws.credentials)"
    )
    assert "s3cr3t-value" not in exposure_warning("0.0.0.0", declared)
    assert exposure_warning("0.0.0.0", AwsEndpointSettings()).endswith(
        "which every moto and LocalStack user knows. DNS rebinding protection applies to "
        "loopback connections only. The console (/console/) works from other hosts with the "
        "console API token printed below, which pages loaded from elsewhere ask for."
    )
    assert AwsEndpointSettings().credentials == (TEST_ACCESS_KEY,)


def test_the_announcement_says_where_and_what_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build_app(read_appsync_yaml(write_api(tmp_path)))
    announce(app, DataDirectory(tmp_path / "state"), "::1", 20002)
    text = capsys.readouterr().out
    assert "  GraphQL:  http://[::1]:20002/graphql\n" in text
    assert f"  API key:  {API_KEY}\n" in text
    token = app.state.console.token.value
    assert f"    console API token: {token}  (browsers on this machine get it" in text
    assert f"  Data directory: {tmp_path / 'state'}\n" in text
    assert (
        "    The embedded DynamoDB's tables and the Step Functions engine's executions are kept "
        "there (`appsync-local reset` empties it)\n"
    ) in text
    assert "  In memory only: what clients store in the AWS endpoint's other services" in text
    assert "Reload: on" not in text  # nothing watches this app
    announce(app, DataDirectory.ephemeral(), "127.0.0.1", 20002)
    ephemeral = capsys.readouterr().out
    assert "kept there" not in ephemeral
    assert "  In memory only: what clients store through the AWS endpoint is gone" in ephemeral


def test_a_template_s_queues_and_buckets_are_said_to_be_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n  Api:\n    Type: AWS::AppSync::GraphQLApi\n"
        "    Properties: {Name: kept, AuthenticationType: API_KEY}\n"
        "  Schema:\n    Type: AWS::AppSync::GraphQLSchema\n"
        '    Properties: {ApiId: !GetAtt Api.ApiId, Definition: "type Query { a: String }"}\n'
        "  Jobs:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: banner-jobs}\n"
        "  Where:\n    Type: AWS::SSM::Parameter\n    Properties: {Type: String, Value: x}\n"
    )
    app = build_app(read_definition(template))
    announce(app, DataDirectory(tmp_path / "state"), "127.0.0.1", 20002)
    kept = capsys.readouterr().out
    assert (
        "    The embedded DynamoDB's tables, the Step Functions engine's executions and what the "
        "template's queues and buckets hold (each change as it is answered) are kept there"
    ) in kept
    assert "    SQS: queues banner-jobs\n" in kept
    assert "    SSM: 1 parameter of the template\n" in kept
    assert (
        "  In memory only: what clients store in queues, buckets and services the template "
        "does not declare is gone"
    ) in kept
    announce(app, DataDirectory.ephemeral(), "127.0.0.1", 20002)
    assert "  In memory only: embedded data (queue messages and bucket objects) is gone" in (
        capsys.readouterr().out
    )
