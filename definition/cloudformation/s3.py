"""`AWS::S3::Bucket` read into the model, for the embedded S3 to create at start
(`definition.service_resources`).

As the resource's page says ("AWS::S3::Bucket",
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-s3-bucket.html):
`BucketName` (or CloudFormation's generated lowercase name, `definition.cloudformation.names`)
follows S3's naming rules (3 to 63 lowercase letters, digits, dots and hyphens, beginning and
ending with a letter or digit); `VersioningConfiguration.Status` is `Enabled` or `Suspended`;
`CorsConfiguration.CorsRules` are PutBucketCors's rules under CloudFormation's names
(`AllowedMethods` and `AllowedOrigins` required, `AllowedHeaders`, `ExposedHeaders`, `Id`,
`MaxAge`); `NotificationConfiguration` is read by `s3_notifications`. The bucket's other
settings are accepted with a notice.
"""

from __future__ import annotations

import re
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import PropertyReader, checked_properties, integer
from definition.cloudformation.s3_notifications import template_notifications
from definition.cloudformation.stack import Stack
from definition.service_resources import BucketSpec

BUCKET = "AWS::S3::Bucket"
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_NO_LOCAL_EFFECT = {
    "AccelerateConfiguration": "one local endpoint",
    "AbacStatus": "IAM is not enforced",
    "AccessControl": "requests are not authorized by ACLs locally",
    "AnalyticsConfigurations": "no analytics",
    "BucketEncryption": "objects are not encrypted locally",
    "IntelligentTieringConfigurations": "one storage class locally",
    "InventoryConfigurations": "no inventory reports",
    "LifecycleConfiguration": "objects do not expire locally",
    "LoggingConfiguration": "no access logs",
    "MetadataConfiguration": "no metadata tables",
    "MetadataTableConfiguration": "no metadata tables",
    "MetricsConfigurations": "no CloudWatch metrics",
    "ObjectLockConfiguration": "objects are not locked",
    "ObjectLockEnabled": "objects are not locked",
    "OwnershipControls": "requests are not authorized by ACLs locally",
    "PublicAccessBlockConfiguration": "requests are not authorized locally",
    "ReplicationConfiguration": "one region locally",
    "Tags": "tags are not listed",
    "WebsiteConfiguration": "no website endpoint",
}
_KEYS = (
    *["BucketName", "VersioningConfiguration", "CorsConfiguration", "NotificationConfiguration"],
    *_NO_LOCAL_EFFECT,
)
_CORS_KEYS = (
    "AllowedHeaders",
    "AllowedMethods",
    "AllowedOrigins",
    "ExposedHeaders",
    "Id",
    "MaxAge",
)
_METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
# CloudFormation's names of a CORS rule's lists, and PutBucketCors's.
_CORS_LISTS = {
    "AllowedHeaders": "AllowedHeaders",
    "AllowedMethods": "AllowedMethods",
    "AllowedOrigins": "AllowedOrigins",
    "ExposedHeaders": "ExposeHeaders",
}


def read_buckets(stack: Stack) -> tuple[BucketSpec, ...]:
    buckets = []
    for resource in stack.of_type(BUCKET):
        logical_id = resource.logical_id
        found = checked_properties(stack, logical_id, _KEYS, _NO_LOCAL_EFFECT)
        if found is None:
            continue
        reader, properties = found
        path = "Properties"
        name = str(stack.names.ref(logical_id, ""))
        if not _BUCKET_NAME.match(name) or ".." in name:
            reader.problem(
                join(path, "BucketName"),
                "expected 3 to 63 lowercase letters, digits, dots and hyphens, beginning and "
                f"ending with a letter or digit, got {name!r}",
            )
        buckets.append(
            BucketSpec(
                name,
                stack.region,
                _versioning(reader, properties.get("VersioningConfiguration")),
                _cors_rules(reader, properties.get("CorsConfiguration")),
                f"{logical_id}.{path}",
                template_notifications(reader, properties.get("NotificationConfiguration")),
            )
        )
    return tuple(buckets)


def _versioning(reader: PropertyReader, config: Any) -> bool:
    where = "Properties.VersioningConfiguration"
    if config is None:
        return False
    block = reader.mapping(config, where, ("Status",))
    if block is None:
        return False
    status = block.get("Status")
    if status not in ("Enabled", "Suspended"):
        reader.problem(join(where, "Status"), f"expected Enabled or Suspended, got {status!r}")
        return False
    return bool(status == "Enabled")


def _cors_rules(reader: PropertyReader, config: Any) -> tuple[dict[str, Any], ...]:
    where = "Properties.CorsConfiguration"
    if config is None:
        return ()
    block = reader.mapping(config, where, ("CorsRules",))
    if block is None:
        return ()
    rules = []
    items = reader.items(block, "CorsRules", where)
    if not items:
        reader.problem(join(where, "CorsRules"), "required; expected at least one rule")
    for path, item in items:
        rule = reader.mapping(item, path, _CORS_KEYS)
        if rule is None:
            continue
        wire: dict[str, Any] = {}
        for key, wire_key in _CORS_LISTS.items():
            values = rule.get(key)
            required = key in ("AllowedMethods", "AllowedOrigins")
            if values is None and not required:
                continue
            if (
                not isinstance(values, list)
                or not values
                or not all(isinstance(value, str) for value in values)
            ):
                reader.problem(join(path, key), "expected a list of strings")
                continue
            if key == "AllowedMethods" and any(value not in _METHODS for value in values):
                reader.problem(join(path, key), f"expected methods of {', '.join(_METHODS)}")
                continue
            wire[wire_key] = values
        if "Id" in rule:
            wire["ID"] = str(rule["Id"])
        age = integer(reader, rule, "MaxAge", path)
        if age is not None:
            wire["MaxAgeSeconds"] = age
        rules.append(wire)
    return tuple(rules)
