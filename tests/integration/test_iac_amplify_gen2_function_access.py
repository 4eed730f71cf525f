"""An Amplify Gen 2 function that reads a `secret()` and writes through Amplify's data client
(apis/iac/amplify-gen2-photos: `project/amplify/functions/on-upload/handler.ts`, the pattern of
"Grant Lambda function access to API and Data", docs.amplify.aws/react/build-a-backend/
functions/examples/), run unchanged from the synthesized `cdk.out`.

At cold start the bundle's banner (@aws-amplify/backend-function's
`internalAmplifyFunctionResolveSsmParams`, the first lines of the asset's `index.mjs`) reads
every path of `AMPLIFY_SSM_ENV_CONFIG` with SSM GetParameters (`WithDecryption`), tries a
secret's `sharedPath` when its own path is an `InvalidParameters` entry, and puts each value
found in `process.env`; a name found nowhere keeps its synthesized placeholder. Then
`getAmplifyDataClientConfig` reads the data stack's parameters (the API's endpoint, the model
introspection schema's bucket and key), gets the schema from S3 and signs the data client's
requests with the function's credentials (`defaultAuthMode: "iam"`). Here the parameters are
the data stack's `AWS::SSM::Parameter`s, the schema the `Custom::CDKBucketDeployment`'s asset,
and the secret a SecureString put where `ampx sandbox secret set` puts it.
"""

from __future__ import annotations

import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ssm.models import ssm_backends

from appsync.__main__ import main
from appsync.app import build_app
from appsync.data_directory import DataDirectory
from appsync.hosts import listening_socket, own_url
from definition.formats import ReadOptions, read_definition
from definition.model import ApiDefinition
from tests.fixtures.amplify_gen2 import (
    REGION,
    as_user,
    s3_client,
    sign_up_and_in,
    signed_in_credentials,
)
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, running

ASSEMBLY = APIS / "iac" / "amplify-gen2-photos" / "cdk.out"
# What the banner leaves in a variable it found no parameter for (the synthesized value).
PLACEHOLDER = "<value will be resolved during runtime>"


def _event(key: str) -> dict[str, Any]:
    """An upload of `key` (`my cat.jpg`...), as S3 sends it (Amazon S3 User Guide, "Event
    message structure"), the key URL-encoded."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": REGION,
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": "photos", "arn": "arn:aws:s3:::photos"},
                    "object": {"key": key.replace(" ", "+"), "size": 3, "eTag": "acbd18db"},
                },
            }
        ]
    }


def _served(data: DataDirectory | None = None) -> Iterator[tuple[str, ApiDefinition]]:
    """The backend on a loopback port known before it is read (the endpoint parameter holds
    the server's own GraphQL URL), with `data` as its data directory (None: memory only)."""
    listener = listening_socket("127.0.0.1", 0)
    endpoint = own_url("127.0.0.1", int(listener.getsockname()[1]))
    definition = read_definition(ASSEMBLY, ReadOptions(endpoint_url=endpoint))
    with running(build_app(definition, data=data), "appsync-local-gen2-function", listener):
        yield endpoint, definition


@pytest.fixture
def served() -> Iterator[tuple[str, ApiDefinition]]:
    """A server of its own for each test (its functions start cold, reading the secret then);
    the secrets a test set are deleted after it (moto's SSM outlives a server)."""
    for endpoint, definition in _served():
        yield endpoint, definition
        _, config = _on_upload(definition)
        paths = [config["PHOTO_LABEL"]["path"], config["PHOTO_LABEL"]["sharedPath"]]
        aws_client("ssm", endpoint, region=REGION).delete_parameters(Names=paths)


def _on_upload(definition: ApiDefinition) -> tuple[str, dict[str, Any]]:
    """The on-upload function's name and its `AMPLIFY_SSM_ENV_CONFIG`."""
    [function] = [
        f for f in definition.server.lambda_functions if "onuploadlambda" in f.function_name
    ]
    return function.function_name, json.loads(function.environment["AMPLIFY_SSM_ENV_CONFIG"])


def _upload_and_list(endpoint: str, definition: ApiDefinition, email: str, key: str) -> list[Any]:
    """The photos of `key` a signed-in user lists after the function ran for its upload."""
    name, _ = _on_upload(definition)
    invoked = aws_client("lambda", endpoint, region=REGION).invoke(
        FunctionName=name, Payload=json.dumps(_event(key))
    )
    assert "FunctionError" not in invoked, invoked["Payload"].read()
    [pool] = definition.server.user_pools
    token = sign_up_and_in(endpoint, pool, email)["AccessToken"]
    listed = as_user(endpoint, token, "{ listPhotos { items { key size label } } }")
    items: list[Any] = listed["data"]["listPhotos"]["items"]
    return [item for item in items if item["key"] == key]


def test_the_function_writes_a_photo_labelled_with_its_secret(
    served: tuple[str, ApiDefinition],
) -> None:
    """The secret set at its path (as `ampx sandbox secret set PHOTO_LABEL` does: a
    SecureString) before the cold start is the function's `env.PHOTO_LABEL`; the data
    client's createPhoto, signed with the function's credentials, passes the model's
    `allow.resource(onUpload)` rule and a signed-in user lists the photo."""
    endpoint, definition = served
    _, config = _on_upload(definition)
    ssm = aws_client("ssm", endpoint, region=REGION)
    ssm.put_parameter(
        Name=config["PHOTO_LABEL"]["path"], Value="sunset", Type="SecureString", Overwrite=True
    )
    items = _upload_and_list(endpoint, definition, "ann@example.test", "public/my cat.jpg")
    assert items == [{"key": "public/my cat.jpg", "size": 3, "label": "holiday/sunset"}]


def test_the_shared_secret_is_read_when_the_backend_has_none(
    served: tuple[str, ApiDefinition],
) -> None:
    """A secret set for every branch of the app (`/amplify/shared/<app>/NAME`) is the
    fallback the banner reads when the backend's own path is not a parameter."""
    endpoint, definition = served
    _, config = _on_upload(definition)
    ssm = aws_client("ssm", endpoint, region=REGION)
    ssm.put_parameter(Name=config["PHOTO_LABEL"]["sharedPath"], Value="shared", Type="SecureString")
    items = _upload_and_list(endpoint, definition, "bo@example.test", "public/shared.jpg")
    assert [item["label"] for item in items] == ["holiday/shared"]


def test_an_upload_to_the_photos_bucket_records_the_photo_through_the_trigger(
    served: tuple[str, ApiDefinition],
) -> None:
    """The whole chain of the photo app, as in the cloud: a signed-in user's upload to the
    storage bucket (their identity pool credentials, `public/*` writable by
    `allow.authenticated`) is an `s3:ObjectCreated` event; the storage trigger (CDK's
    `Custom::S3BucketNotifications`) invokes the on-upload function asynchronously with S3's
    event; the function resolves its secret from SSM, reads the model introspection schema
    from the bucket the data stack deployed, and creates the photo through the data client,
    which the user then lists."""
    endpoint, definition = served
    _, config = _on_upload(definition)
    aws_client("ssm", endpoint, region=REGION).put_parameter(
        Name=config["PHOTO_LABEL"]["path"], Value="dunes", Type="SecureString", Overwrite=True
    )
    [pool] = definition.server.user_pools
    [identity_pool] = definition.server.identity_pools
    [bucket] = [b for b in definition.server.resources.buckets if "photosbucket" in b.bucket_name]
    _, credentials, tokens = signed_in_credentials(endpoint, pool, identity_pool, "cy@example.test")
    s3 = s3_client(endpoint, credentials)
    s3.put_object(Bucket=bucket.bucket_name, Key="public/uploaded dune.jpg", Body=b"sand")
    query = "{ listPhotos { items { key size label } } }"
    found: list[Any] = []
    deadline = time.monotonic() + 60
    while not found and time.monotonic() < deadline:
        listed = as_user(endpoint, tokens["AccessToken"], query)["data"]["listPhotos"]["items"]
        found = [item for item in listed if item["key"] == "public/uploaded dune.jpg"]
        time.sleep(0.2)
    assert found == [{"key": "public/uploaded dune.jpg", "size": 4, "label": "holiday/dunes"}]


def test_an_unset_secret_leaves_the_placeholder(served: tuple[str, ApiDefinition]) -> None:
    """With no parameter at either path the banner throws nothing: the variable keeps the
    value synthesized into the function's environment, and the function runs with it."""
    endpoint, definition = served
    items = _upload_and_list(endpoint, definition, "cy@example.test", "public/unset.jpg")
    assert [item["label"] for item in items] == [f"holiday/{PLACEHOLDER}"]


def test_the_data_stack_parameters_and_the_model_schema_are_in_place(
    served: tuple[str, ApiDefinition],
) -> None:
    """The data stack's parameters hold the local endpoint, the schema's bucket and key; the
    bucket deployment put the model introspection schema there."""
    endpoint, _ = served
    ssm = aws_client("ssm", endpoint, region=REGION)
    prefix = "/amplify/resource_reference/gen2photos/local-sandbox-8e01f4bdb2/"
    found = ssm.get_parameters_by_path(Path=prefix)["Parameters"]
    values = {p["Name"].removeprefix(prefix): p["Value"] for p in found}
    assert values["AMPLIFY_DATA_GRAPHQL_ENDPOINT"] == f"{endpoint}/graphql"
    assert values["AMPLIFY_DATA_DEFAULT_NAME"] == "amplifyData"
    s3 = aws_client("s3", endpoint, region=REGION)
    schema = s3.get_object(
        Bucket=values["AMPLIFY_DATA_MODEL_INTROSPECTION_SCHEMA_BUCKET_NAME"],
        Key=values["AMPLIFY_DATA_MODEL_INTROSPECTION_SCHEMA_KEY"],
    )
    assert schema["ContentType"] == "application/json"
    assert "Photo" in json.loads(schema["Body"].read())["models"]


def _secret(
    capsys: pytest.CaptureFixture[str], endpoint: str, *arguments: str, stdin: str = ""
) -> tuple[int, str, str]:
    """`appsync-local secret ARGUMENTS --config cdk.out --endpoint ENDPOINT`: exit code, output
    and errors."""
    capsys.readouterr()
    command = ["secret", *arguments, "--config", str(ASSEMBLY), "--endpoint", endpoint]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(command)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_secret_set_with_the_secret_command_outlives_a_restart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`appsync-local secret set PHOTO_LABEL` puts the SecureString where `ampx sandbox secret
    set` does (Amplify's SSMSecretClient: `/amplify/<backend id>/<disambiguator>/NAME`,
    description `Amplify Secret`); the server keeps it in its data directory, so the function
    of the next start reads it; `get`, `list` and `remove` as ampx's."""
    data = DataDirectory(tmp_path / "data")
    path = "/amplify/gen2photos/local-sandbox-8e01f4bdb2/PHOTO_LABEL"
    for endpoint, _ in _served(data):
        assert _secret(capsys, endpoint, "set", "PHOTO_LABEL", stdin="beach\n") == (0, "", "")
        assert _secret(capsys, endpoint, "list") == (0, "- PHOTO_LABEL\n", "")
        ssm = aws_client("ssm", endpoint, region=REGION)
        stored = ssm.get_parameter(Name=path)["Parameter"]
        assert stored["Type"] == "SecureString"
    # Gone from the embedded SSM with the server: the next one reads it from the data directory.
    assert ssm_backends[DEFAULT_ACCOUNT_ID][REGION].get_parameter(path) is None
    for endpoint, definition in _served(data):
        items = _upload_and_list(endpoint, definition, "di@example.test", "public/beach.jpg")
        assert [item["label"] for item in items] == ["holiday/beach"]
        code, out, _ = _secret(capsys, endpoint, "get", "PHOTO_LABEL")
        assert code == 0
        assert out.splitlines()[:3] == ["name: PHOTO_LABEL", "version: 1", "value: beach"]
        assert _secret(capsys, endpoint, "remove", "PHOTO_LABEL") == (0, "", "")
        code, _, err = _secret(capsys, endpoint, "get", "PHOTO_LABEL")
        assert (code, err) == (1, f"appsync-local: the secret PHOTO_LABEL is not set ({path})\n")


def test_the_secret_command_without_a_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No server at the endpoint: exit 1 saying so, as ampx fails without the cloud."""
    vacant = socket.socket()
    vacant.bind(("127.0.0.1", 0))
    endpoint = f"http://127.0.0.1:{vacant.getsockname()[1]}"
    vacant.close()
    code, _, err = _secret(capsys, endpoint, "list")
    assert code == 1
    assert err.startswith(f"appsync-local: no server answers at {endpoint}: start it first")
