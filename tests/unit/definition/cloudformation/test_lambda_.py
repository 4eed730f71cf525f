"""AWS::Lambda::Function is read into a Lambda function spec with CloudFormation's names and
defaults (Timeout 3 s, MemorySize 128 MB, AWS::Lambda::Function) and its code on the local
disk, for the local Lambda runtime to run (later)."""

from __future__ import annotations

from pathlib import Path

from definition.model import InlineSource
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
)


def test_functions_keep_their_settings_and_local_code(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "layer").mkdir()
    definition = read(
        tmp_path,
        """
  Inline:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {ZipFile: "def handler(event, context):\\n    return event\\n"}
  Local:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: echo
      Runtime: nodejs20.x
      Handler: app.handler
      Code: ./src
      Timeout: 30
      MemorySize: "512"
      ReservedConcurrentExecutions: 2
      Architectures: [arm64]
      Environment: {Variables: {TABLE: !Ref AWS::Region, DEBUG: true, SIZE: 3}}
      Layers: [!Ref Shared, "arn:aws:lambda:eu-west-1:999999999999:layer:remote:4"]
  Shared:
    Type: AWS::Lambda::LayerVersion
    Properties: {LayerName: shared, Content: ./layer}
  Image:
    Type: AWS::Lambda::Function
    Properties: {PackageType: Image, Code: {ImageUri: "1.dkr.ecr.eu-west-1.amazonaws.com/x:1"}}
""",
    )
    inline, local, image = definition.server.lambda_functions
    assert inline.function_name.startswith("posts-Inline-")
    assert inline.arn == f"arn:aws:lambda:eu-west-1:123456789012:function:{inline.function_name}"
    assert isinstance(inline.code, InlineSource)
    assert inline.code.name == "Inline.Properties.Code.ZipFile"
    assert (inline.timeout, inline.memory_size, inline.architectures) == (3, 128, ("x86_64",))
    assert (local.function_name, local.runtime, local.handler, local.code) == (
        "echo",
        "nodejs20.x",
        "app.handler",
        tmp_path / "src",
    )
    assert (local.timeout, local.memory_size, local.reserved_concurrent_executions) == (30, 512, 2)
    assert local.environment == {"TABLE": "eu-west-1", "DEBUG": "true", "SIZE": "3"}
    assert (local.layers, local.layer_arns) == (
        (tmp_path / "layer",),
        ("arn:aws:lambda:eu-west-1:999999999999:layer:remote:4",),
    )
    assert local.architectures == ("arm64",)
    # The function signs as a session of its execution role (appsync.execution_roles).
    assert inline.role_arn == "arn:aws:iam::123456789012:role/fn"
    assert local.role_arn is None
    assert (image.package_type, image.code, image.runtime) == ("Image", None, None)
    assert notices(definition) == [
        "Local.Properties.Layers[1]: the layer arn:aws:lambda:eu-west-1:999999999999:layer:"
        "remote:4 is not in the template: not available locally",
        "Image.Properties.Code.ImageUri: container images do not run locally",
    ]


def test_code_that_is_not_local_is_a_problem(tmp_path: Path) -> None:
    assert problems(
        tmp_path,
        """
  Remote:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Code: {S3Bucket: my-bucket, S3Key: app.zip}
  Missing:
    Type: AWS::Lambda::Function
    Properties: {Code: ./nowhere, Environment: {Variables: [1]}}
""",
    ) == [
        "Remote.Properties.Code: s3://my-bucket/app.zip is not local: appsync-local reads "
        "files, so write the path of the file (relative to the template) instead",
        "Missing.Properties.Runtime: required; expected a non-empty string",
        "Missing.Properties.Handler: required; expected a non-empty string",
        f"Missing.Properties.Code: directory not found: {tmp_path / 'nowhere'}",
        "Missing.Properties.Environment.Variables: expected a mapping of names to strings",
    ]


def test_a_zip_archive_is_accepted_and_not_run(tmp_path: Path) -> None:
    # What `aws cloudformation package` and the Amplify CLI upload: an archive of the code.
    (tmp_path / "app.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    definition = read(
        tmp_path,
        """
  Zipped:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: app.handler, Code: app.zip}
""",
    )
    [function] = definition.server.lambda_functions
    assert function.code is None
    assert notices(definition) == [
        "Zipped.Properties.Code: accepted; no local effect yet (app.zip is a .zip archive; the "
        "local Lambda runtime runs a folder of code: the function is not run)"
    ]
