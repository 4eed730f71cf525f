"""The local `server:` block of appsync.yaml: its own keys, `server.dynamodb`,
`server.realtime` and `server.tls`."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.appsync_yaml.api import read_appsync_yaml
from definition.model import AccessKey, AwsEndpointSettings, RealtimeSpec, ServerSpec, TlsSpec
from tests.unit.definition.appsync_yaml.appsync_yaml_support import (
    HEAD,
    problems,
    write_definition,
)

SCHEMA = "type Query { a: String }\n"


def write(folder: Path, server: str) -> Path:
    return write_definition(folder, SCHEMA, HEAD + server)


def test_without_the_block_the_server_keeps_its_defaults(tmp_path: Path) -> None:
    server = read_appsync_yaml(write(tmp_path, "")).server
    assert server == ServerSpec()
    # AppSync's own limits: 30 s a request (aws-appsync-community#43), 5 MiB a body.
    assert (server.execution_timeout_seconds, server.max_request_body_bytes) == (30.0, 5242880)
    assert server.realtime == RealtimeSpec(None, None, None)
    assert server.tls is None


def test_the_servers_own_keys_are_read(tmp_path: Path) -> None:
    text = """
server:
  executionTimeoutSeconds: 0.5
  maxRequestBodyBytes: 1024
  domainName: api.example.com
"""
    server = read_appsync_yaml(write(tmp_path, text)).server
    assert (server.execution_timeout_seconds, server.max_request_body_bytes) == (0.5, 1024)
    assert server.domain_name == "api.example.com"
    assert problems(write(tmp_path, "server: {maxRequestBodyBytes: 0, port: 1}\n")) == [
        "server.port: unknown key; expected one of executionTimeoutSeconds, "
        "maxRequestBodyBytes, domainName, dynamodb, realtime, tls, stepFunctions, aws, "
        "allowedHosts, lambda",
        "server.maxRequestBodyBytes: expected an integer from 1 to 1073741824",
    ]


def test_the_realtime_block_is_read(tmp_path: Path) -> None:
    server = """
server:
  realtime:
    redisUrl: redis://127.0.0.1:6399/2
    keepAliveIntervalSeconds: 15
    inboxCapacity: 50
"""
    realtime = read_appsync_yaml(write(tmp_path, server)).server.realtime
    assert realtime == RealtimeSpec("redis://127.0.0.1:6399/2", 15.0, 50)


@pytest.mark.parametrize(
    "url", ["redis://localhost", "rediss://user:secret@cache.example.com:6380/1", "unix:///tmp/r"]
)
def test_every_url_redis_connects_with_is_accepted(tmp_path: Path, url: str) -> None:
    text = f"server: {{realtime: {{redisUrl: '{url}'}}}}\n"
    assert read_appsync_yaml(write(tmp_path, text)).server.realtime.redis_url == url


def test_bad_realtime_values_are_listed_with_their_key_paths(tmp_path: Path) -> None:
    server = """
server:
  realtime:
    redisUrl: http://127.0.0.1:6379
    keepAliveIntervalSeconds: 0
    inboxCapacity: many
    channels: 3
"""
    found = problems(write(tmp_path, server))
    assert [line.split(":")[0] for line in found] == [
        "server.realtime.channels",
        "server.realtime.redisUrl",
        "server.realtime.keepAliveIntervalSeconds",
        "server.realtime.inboxCapacity",
    ]
    # redis-py's own sentence for a scheme it does not connect with.
    assert found[1] == (
        "server.realtime.redisUrl: not a Redis URL: 'http://127.0.0.1:6379' (Redis URL must "
        "specify one of the following schemes (redis://, rediss://, unix://))"
    )


def test_a_redis_url_with_a_bad_port_is_refused(tmp_path: Path) -> None:
    text = "server: {realtime: {redisUrl: 'redis://127.0.0.1:99999'}}\n"
    assert problems(write(tmp_path, text)) == [
        "server.realtime.redisUrl: not a Redis URL: 'redis://127.0.0.1:99999' "
        "(Port out of range 0-65535)"
    ]


def test_tls_files_are_resolved_from_the_definition_folder(tmp_path: Path) -> None:
    (tmp_path / "cert.pem").write_text("-")
    (tmp_path / "key.pem").write_text("-")
    definition = read_appsync_yaml(
        write(tmp_path, "server:\n  tls: {certFile: cert.pem, keyFile: key.pem}\n")
    )
    assert definition.server.tls == TlsSpec(tmp_path / "cert.pem", tmp_path / "key.pem", False)


def test_a_self_signed_tls_block(tmp_path: Path) -> None:
    definition = read_appsync_yaml(write(tmp_path, "server:\n  tls: {selfSigned: true}\n"))
    assert definition.server.tls == TlsSpec(None, None, True)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("{certFile: cert.pem}", "server.tls: expected both certFile and keyFile"),
        ("{selfSigned: true, certFile: cert.pem}", "server.tls: selfSigned: true and certFile"),
        ("{selfSigned: yes please}", "server.tls.selfSigned: expected true or false"),
        ("{certFile: gone.pem, keyFile: cert.pem}", "server.tls.certFile: file not found"),
        ("{port: 443}", "server.tls.port: unknown key"),
    ],
)
def test_bad_tls_blocks_are_refused(tmp_path: Path, block: str, expected: str) -> None:
    (tmp_path / "cert.pem").write_text("-")
    found = problems(write(tmp_path, f"server:\n  tls: {block}\n"))
    assert any(line.startswith(expected) for line in found), found


def test_server_dynamodb_declares_tables_seeds_and_the_endpoint(tmp_path: Path) -> None:
    (tmp_path / "posts.json").write_text('[{"id": "p1"}]')
    text = f"""{HEAD}
server:
  executionTimeoutSeconds: 5
  dynamodb:
    endpoint: {{host: 127.0.0.1, port: 8000}}
    tables:
      - TableName: Post
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
        AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
        BillingMode: PAY_PER_REQUEST
        seed: posts.json
"""
    settings = read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).server.dynamodb
    assert (settings.endpoint_host, settings.endpoint_port) == ("127.0.0.1", 8000)
    [table] = settings.tables
    assert table.table_name == "Post"
    assert table.seed == (tmp_path / "posts.json").resolve()
    assert table.create_table_input["BillingMode"] == "PAY_PER_REQUEST"


def test_without_server_dynamodb_there_is_no_extra_listener(tmp_path: Path) -> None:
    settings = read_appsync_yaml(write_definition(tmp_path, SCHEMA, HEAD)).server.dynamodb
    assert (settings.tables, settings.endpoint_host, settings.endpoint_port) == ((), None, 0)


def test_endpoint_false_turns_the_extra_listener_off(tmp_path: Path) -> None:
    text = f"{HEAD}server: {{dynamodb: {{endpoint: false}}}}\n"
    assert (
        read_appsync_yaml(write_definition(tmp_path, SCHEMA, text)).server.dynamodb.endpoint_host
        is None
    )


def test_server_dynamodb_problems_are_listed_with_the_rest(tmp_path: Path) -> None:
    text = f"""{HEAD}
queryDepthLimit: 99
server:
  dynamodb:
    endpoint: {{port: 70000}}
    tables:
      - TableName: Post
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
        AttributeDefinitions: [{{AttributeName: pk, AttributeType: S}}]
        BillingMode: PAY_PER_REQUEST
        seed: absent.json
    colour: blue
"""
    assert problems(write_definition(tmp_path, SCHEMA, text), all_in_file=True) == [
        "server.dynamodb.colour: unknown key; expected one of tables, endpoint",
        "server.dynamodb.tables[0].AttributeDefinitions: key attribute 'id' is not defined",
        f"server.dynamodb.tables[0].seed: file not found: {(tmp_path / 'absent.json').resolve()}",
        "server.dynamodb.endpoint.port: expected a port number from 0 to 65535",
        "queryDepthLimit: expected an integer from 0 to 75",
    ]


def test_the_aws_endpoint_accepts_the_testing_pair_by_default(tmp_path: Path) -> None:
    aws = read_appsync_yaml(write(tmp_path, "")).server.aws
    assert aws.credentials == (AccessKey("testing", "testing"),)
    assert (aws.region, aws.trust_embedded_iam) == (None, False)


def test_declared_aws_credentials_replace_the_testing_pair(tmp_path: Path) -> None:
    text = """
server:
  aws:
    credentials:
      - {accessKeyId: AKIALOCAL0000000001, secretAccessKey: local-secret}
    region: eu-west-1
    trustEmbeddedIam: true
  allowedHosts: [MyHost.test, "*.example.test"]
"""
    server = read_appsync_yaml(write(tmp_path, text)).server
    assert server.aws == AwsEndpointSettings(
        (AccessKey("AKIALOCAL0000000001", "local-secret"),), "eu-west-1", True
    )
    assert server.allowed_hosts == ("myhost.test", "*.example.test")


def test_bad_aws_keys_are_reported(tmp_path: Path) -> None:
    text = """
server:
  aws:
    credentials: [{accessKeyId: only-the-id}]
    trustEmbeddedIam: yes-please
  allowedHosts: [http://a/b]
"""
    assert problems(write(tmp_path, text)) == [
        "server.aws.credentials[0].secretAccessKey: required; expected a non-empty string",
        "server.aws.credentials: expected at least one access key",
        "server.aws.trustEmbeddedIam: expected true or false, got str",
        "server.allowedHosts[0]: expected a host name (such as myhost.test or *.example.test)",
    ]
