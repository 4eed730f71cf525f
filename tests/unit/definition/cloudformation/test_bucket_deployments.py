"""Custom::CDKBucketDeployment read as CDK's handler reads its properties (the bucket
deployment handler's `index.py`, an asset of the amplify-gen2-photos `cdk.out`: `Extract` and
`Prune` `"true"` unless given, `/` as no prefix, metadata keys lowercased)."""

from __future__ import annotations

from pathlib import Path

from definition.cloudformation.api import read_stack
from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.stack import Stack
from definition.cloudformation.template import load_template
from definition.service_resources import BucketDeploymentSpec
from tests.unit.definition.cloudformation.cloudformation_support import (
    API,
    SETTINGS,
    write_template,
)

DEPLOYMENTS = """
  Site:
    Type: AWS::S3::Bucket
    Properties: {BucketName: site}
  Deploy:
    Type: Custom::CDKBucketDeployment
    Properties:
      ServiceToken: arn:aws:lambda:eu-west-1:123456789012:function:handler
      SourceBucketNames: [assets, assets]
      SourceObjectKeys: [web.zip, gone.zip]
      DestinationBucketName: !Ref Site
      DestinationBucketKeyPrefix: /
      Prune: "False"
      SystemMetadata: {Content-Type: text/plain}
      UserMetadata: {Team: web}
      DistributionId: E123
"""


def _read(folder: Path) -> tuple[tuple[BucketDeploymentSpec, ...], list[str]]:
    (folder / "web").mkdir()
    path = write_template(folder, f"Resources:{API}{DEPLOYMENTS}")
    assets = LocalAssets(folder, {("assets", "web.zip"): folder / "web"})
    definition = read_stack(Stack(load_template(path), SETTINGS, assets))
    found = [f"{notice.key_path}: {notice.message}" for notice in definition.notices]
    return definition.server.resources.deployments, found


def test_a_deployment_of_an_asset_of_the_assembly(tmp_path: Path) -> None:
    (deployment,), notices = _read(tmp_path)
    assert deployment == BucketDeploymentSpec(
        "site",
        ((tmp_path / "web", "web.zip"),),
        "",
        True,
        False,
        {"content-type": "text/plain"},
        {"team": "web"},
        "Deploy.Properties",
    )
    assert (
        "Deploy.Properties.SourceObjectKeys[1]: s3://assets/gone.zip is not an asset of the "
        "assembly: not deployed"
    ) in notices
    assert any(n.startswith("Deploy.Properties.DistributionId: accepted") for n in notices)
