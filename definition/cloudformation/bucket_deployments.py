"""`Custom::CDKBucketDeployment` (CDK's `aws_s3_deployment.BucketDeployment`) read into the
model, for the embedded S3 to fill at start (`definition.service_resources`).

The construct's handler (aws-cdk-lib `custom-resource-handlers/lib/aws-s3-deployment/
bucket-deployment-handler/index.py`, the python asset of every `cdk.out` that has one) reads
`SourceBucketNames`/`SourceObjectKeys` (the assets' zips), `DestinationBucketName`,
`DestinationBucketKeyPrefix` (`""`, `/` meaning none), `Extract` (`"true"` by default: each zip
is unpacked, otherwise copied as one object), `Prune` (`"true"` by default: `aws s3 sync
--delete`), `UserMetadata` and `SystemMetadata` (`--metadata` and `--content-type`, ...).
Locally a source is the asset's file or directory in the assembly (`cdk.out`'s
`*.assets.json`); a source that is not there is named in a notice and not deployed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from definition.cloudformation.properties import PropertyReader, checked_properties
from definition.cloudformation.stack import Stack
from definition.problems import Notice
from definition.service_resources import BucketDeploymentSpec

BUCKET_DEPLOYMENT = "Custom::CDKBucketDeployment"
_NO_LOCAL_EFFECT = {
    "DistributionId": "no CloudFront distribution locally",
    "DistributionPaths": "no CloudFront distribution locally",
    "Exclude": "every file of the sources is deployed",
    "Include": "every file of the sources is deployed",
    "SignContent": "requests are not authorized locally",
}
_READ = (
    "SourceBucketNames",
    "SourceObjectKeys",
    "DestinationBucketName",
    "DestinationBucketKeyPrefix",
    "Extract",
    "Prune",
    "UserMetadata",
    "SystemMetadata",
)
# The handler's other properties: what it answers CloudFormation with, and the stop's.
_ACCEPTED = (
    "ServiceToken",
    "ServiceTimeout",
    "DestinationBucketArn",
    "RetainOnDelete",
    "WaitForDistributionInvalidation",
    "OutputObjectKeys",
    "OutputObjectVersionIds",
    "SourceMarkers",
    "SourceMarkersConfig",
)


def read_bucket_deployments(stack: Stack) -> tuple[BucketDeploymentSpec, ...]:
    deployments = []
    for resource in stack.of_type(BUCKET_DEPLOYMENT):
        logical_id = resource.logical_id
        keys = (*_READ, *_ACCEPTED, *_NO_LOCAL_EFFECT)
        found = checked_properties(stack, logical_id, keys, _NO_LOCAL_EFFECT)
        if found is None:
            continue
        reader, properties = found
        if any(properties.get("SourceMarkers") or ()):
            reader.notice(
                "Properties.SourceMarkers",
                "accepted; no local effect yet (deploy-time values are not substituted)",
            )
        destination = properties.get("DestinationBucketName")
        if not isinstance(destination, str) or not destination:
            reader.problem("Properties.DestinationBucketName", "required; expected a string")
            continue
        prefix = str(properties.get("DestinationBucketKeyPrefix") or "")
        deployments.append(
            BucketDeploymentSpec(
                destination,
                _sources(stack, reader, properties),
                "" if prefix == "/" else prefix,
                _flag(properties, "Extract"),
                _flag(properties, "Prune"),
                _metadata(reader, properties, "SystemMetadata"),
                _metadata(reader, properties, "UserMetadata"),
                f"{logical_id}.Properties",
            )
        )
    return tuple(deployments)


def _sources(
    stack: Stack, reader: PropertyReader, properties: dict[str, Any]
) -> tuple[tuple[Path, str], ...]:
    buckets = properties.get("SourceBucketNames")
    keys = properties.get("SourceObjectKeys")
    if not isinstance(buckets, list) or not isinstance(keys, list) or len(buckets) != len(keys):
        reader.problem(
            "Properties.SourceObjectKeys",
            "expected SourceBucketNames and SourceObjectKeys, lists of one length",
        )
        return ()
    sources = []
    for index, (bucket, key) in enumerate(zip(buckets, keys, strict=True)):
        local = stack.assets.objects.get((str(bucket), str(key)))
        if local is None or not local.exists():
            stack.notices.append(
                Notice(
                    stack.file,
                    f"{reader.logical_id}.Properties.SourceObjectKeys[{index}]",
                    f"s3://{bucket}/{key} is not an asset of the assembly: not deployed",
                )
            )
            continue
        sources.append((local, str(key)))
    return tuple(sources)


def _flag(properties: dict[str, Any], key: str) -> bool:
    """The handler's reading: `"true"` (any case for `Prune`) unless given otherwise."""
    return str(properties.get(key, "true")).lower() == "true"


def _metadata(reader: PropertyReader, properties: dict[str, Any], key: str) -> dict[str, str]:
    block = properties.get(key) or {}
    if not isinstance(block, dict):
        reader.problem(f"Properties.{key}", "expected a mapping of strings")
        return {}
    # The handler lowercases the keys (`create_metadata_args`).
    return {str(name).lower(): str(value) for name, value in block.items()}
