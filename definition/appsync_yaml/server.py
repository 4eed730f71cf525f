"""The local `server:` block: settings of the local server that AppSync does not expose.

    server:
      executionTimeoutSeconds: 30             # AppSync's request limit; shorter for tests
      maxRequestBodyBytes: 5242880
      domainName: api.example.com             # the custom domain realtime URLs name
      dynamodb: {...}                         # the embedded DynamoDB (appsync_yaml.dynamodb)
      stepFunctions: {...}                    # the embedded engine (appsync_yaml.step_functions)
      lambda: {...}                           # Lambda functions (appsync_yaml.lambda_functions)
      realtime:
        redisUrl: redis://127.0.0.1:6379/0   # several server processes share mutations
        keepAliveIntervalSeconds: 60          # how often `ka` frames go out (AppSync: ~60 s)
        inboxCapacity: 1000                   # publications queued per slow subscription
      tls:
        certFile: cert.pem                    # PEM certificate (chain), relative to the file
        keyFile: key.pem
        # or: selfSigned: true                (a cached certificate for localhost)
      aws:                                    # the one AWS endpoint on the server's port
        credentials:                          # the keys SigV4 is verified against
          - {accessKeyId: testing, secretAccessKey: testing}   # the default
        region: us-east-1                     # the region `serve` prints for clients
        trustEmbeddedIam: false               # true: keys minted in the embedded IAM sign too
      allowedHosts: [myhost.test]             # Host names answered besides loopback ones

AppSync has no `realtime` or `tls` block: its endpoint is always `wss://`, its fan-out is the
service's own.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from definition.appsync_yaml.dynamodb import read_embedded_dynamodb
from definition.appsync_yaml.lambda_functions import read_lambda
from definition.appsync_yaml.reader import DefinitionReader, join
from definition.appsync_yaml.step_functions import read_step_functions
from definition.model import (
    AccessKey,
    AwsEndpointSettings,
    RealtimeSpec,
    ServerSpec,
    TlsSpec,
)

_SERVER_KEYS = (
    *["executionTimeoutSeconds", "maxRequestBodyBytes", "domainName", "dynamodb"],
    *["realtime", "tls", "stepFunctions", "aws", "allowedHosts", "lambda"],
)
_AWS_KEYS = ("credentials", "region", "trustEmbeddedIam")
_ACCESS_KEY_KEYS = ("accessKeyId", "secretAccessKey")
_REALTIME_KEYS = ("redisUrl", "keepAliveIntervalSeconds", "inboxCapacity")
_TLS_KEYS = ("certFile", "keyFile", "selfSigned")
# The URL schemes redis-py connects with (its `from_url` refuses any other with this sentence).
_REDIS_SCHEMES = ("redis", "rediss", "unix")
_REDIS_SCHEME_MESSAGE = (
    "Redis URL must specify one of the following schemes (redis://, rediss://, unix://)"
)


def read_server(reader: DefinitionReader, value: Any) -> ServerSpec:
    if value is None:
        return ServerSpec()
    block = reader.mapping(value, "server", _SERVER_KEYS)
    if block is None:
        return ServerSpec()
    defaults = ServerSpec()
    dynamodb = read_embedded_dynamodb(reader, block.get("dynamodb"), "server.dynamodb")
    step_functions = read_step_functions(reader, block.get("stepFunctions"))
    aws = read_aws(reader, block.get("aws"), "server.aws")
    # Local ARNs are in the AWS endpoint's region, as the server prints it.
    functions, node_sdk = read_lambda(
        reader, block.get("lambda"), aws.region or step_functions.region
    )
    return ServerSpec(
        execution_timeout_seconds=reader.number(
            block, "executionTimeoutSeconds", "server", defaults.execution_timeout_seconds
        ),
        max_request_body_bytes=reader.integer(
            block, "maxRequestBodyBytes", "server", 1, 1 << 30, defaults.max_request_body_bytes
        ),
        domain_name=reader.string(block, "domainName", "server", required=False),
        dynamodb=dynamodb,
        step_functions=step_functions,
        realtime=read_realtime(reader, block.get("realtime"), "server.realtime"),
        tls=read_tls(reader, block.get("tls"), "server.tls"),
        aws=aws,
        allowed_hosts=_allowed_hosts(reader, block),
        lambda_functions=functions,
        node_sdk_directory=node_sdk,
    )


def read_aws(reader: DefinitionReader, value: Any, path: str) -> AwsEndpointSettings:
    """`server.aws`; without `credentials` the endpoint accepts the testing/testing pair."""
    if value is None:
        return AwsEndpointSettings()
    block = reader.mapping(value, path, _AWS_KEYS)
    if block is None:
        return AwsEndpointSettings()
    defaults = AwsEndpointSettings()
    credentials = []
    for where, item in reader.items(block, "credentials", path):
        key = reader.mapping(item, where, _ACCESS_KEY_KEYS)
        if key is None:
            continue
        key_id = reader.string(key, "accessKeyId", where, required=True)
        secret = reader.string(key, "secretAccessKey", where, required=True)
        if key_id is not None and secret is not None:
            credentials.append(AccessKey(key_id, secret))
    if "credentials" in block and not credentials:
        reader.problem(join(path, "credentials"), "expected at least one access key")
    return AwsEndpointSettings(
        credentials=tuple(credentials) or defaults.credentials,
        region=reader.string(block, "region", path, required=False),
        trust_embedded_iam=reader.boolean(block, "trustEmbeddedIam", path),
    )


def _allowed_hosts(reader: DefinitionReader, block: dict[str, Any]) -> tuple[str, ...]:
    hosts = []
    for where, item in reader.items(block, "allowedHosts", "server"):
        if not isinstance(item, str) or not item or "/" in item:
            reader.problem(where, "expected a host name (such as myhost.test or *.example.test)")
            continue
        hosts.append(item.lower())
    return tuple(hosts)


def read_realtime(reader: DefinitionReader, value: Any, path: str) -> RealtimeSpec:
    if value is None:
        return RealtimeSpec()
    block = reader.mapping(value, path, _REALTIME_KEYS)
    if block is None:
        return RealtimeSpec()
    redis_url = reader.string(block, "redisUrl", path, required=False)
    if redis_url is not None and (refusal := _redis_url_refusal(redis_url)) is not None:
        reader.problem(join(path, "redisUrl"), f"not a Redis URL: {redis_url!r} ({refusal})")
        redis_url = None
    # Left out (or refused, reported above): None, the endpoint's own default.
    keep_alive = reader.number(block, "keepAliveIntervalSeconds", path, 0.0) or None
    inbox_capacity = reader.integer(block, "inboxCapacity", path, 1, 1_000_000, 0) or None
    return RealtimeSpec(redis_url, keep_alive, inbox_capacity)


def _redis_url_refusal(url: str) -> str | None:
    """Why redis-py's `from_url` would refuse `url` (its scheme, or for a TCP URL its port),
    or None."""
    try:
        parts = urlsplit(url)
        if parts.scheme not in _REDIS_SCHEMES:
            return _REDIS_SCHEME_MESSAGE
        if parts.scheme != "unix":
            parts.port  # noqa: B018 -- urllib checks the port when it is read
    except ValueError as error:
        return str(error)
    return None


def read_tls(reader: DefinitionReader, value: Any, path: str) -> TlsSpec | None:
    """None: plain HTTP (the default)."""
    if value is None:
        return None
    block = reader.mapping(value, path, _TLS_KEYS)
    if block is None:
        return None
    before = len(reader.problems)
    self_signed = reader.boolean(block, "selfSigned", path)
    if len(reader.problems) > before:
        return None
    cert_file = reader.file_path(block, "certFile", path)
    key_file = reader.file_path(block, "keyFile", path)
    named = ("certFile" in block) + ("keyFile" in block)
    if self_signed and named:
        reader.problem(path, "selfSigned: true and certFile/keyFile exclude each other")
        return None
    if not self_signed and named != 2:
        reader.problem(path, "expected both certFile and keyFile, or selfSigned: true")
        return None
    if cert_file is None and not self_signed:
        return None
    if key_file is None and not self_signed:
        return None
    return TlsSpec(cert_file, key_file, self_signed)
