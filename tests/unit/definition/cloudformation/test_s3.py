"""AWS::S3::Bucket read as its page of the CloudFormation User Guide describes it
(aws-resource-s3-bucket.html: BucketName's rules, VersioningConfiguration's Status,
CorsConfiguration's rules; "Return values": Ref is the name, Fn::GetAtt Arn, DomainName,
RegionalDomainName, DualStackDomainName, WebsiteURL)."""

from __future__ import annotations

from pathlib import Path

from definition.service_resources import BucketSpec
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
    stack_of,
)

BUCKETS = """
  Uploads:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: uploads
      VersioningConfiguration: {Status: Enabled}
      CorsConfiguration:
        CorsRules:
          - {AllowedMethods: [GET, PUT], AllowedOrigins: ["*"], ExposedHeaders: [ETag], MaxAge: 60}
      NotificationConfiguration: {}
      Tags: [{Key: team, Value: web}]
  Scratch:
    Type: AWS::S3::Bucket
"""


def test_buckets_with_versioning_and_cors(tmp_path: Path) -> None:
    definition = read(tmp_path, BUCKETS)
    uploads, scratch = definition.server.resources.buckets
    assert uploads == BucketSpec(
        "uploads",
        "eu-west-1",
        True,
        (
            {
                "AllowedMethods": ["GET", "PUT"],
                "AllowedOrigins": ["*"],
                "ExposeHeaders": ["ETag"],
                "MaxAgeSeconds": 60,
            },
        ),
        "Uploads.Properties",
    )
    # CloudFormation's generated name, lowercase as S3 requires.
    assert scratch.bucket_name.startswith("posts-scratch-")
    assert scratch.bucket_name.islower()
    assert not scratch.versioning
    assert scratch.cors_rules == ()
    assert notices(definition) == [
        "Uploads.Properties.Tags: accepted; no local effect yet (tags are not listed)"
    ]


def test_a_bucket_s_ref_and_attributes(tmp_path: Path) -> None:
    text = "Resources:" + BUCKETS + "  Holder:\n    Type: AWS::SSM::Parameter\n"
    text += "    Properties:\n      Value: !Join [' ', [!Ref Uploads, !GetAtt Uploads.Arn, "
    text += "!GetAtt Uploads.DomainName, !GetAtt Uploads.RegionalDomainName, "
    text += "!GetAtt Uploads.DualStackDomainName, !GetAtt Uploads.WebsiteURL]]\n"
    value = (stack_of(tmp_path, text).properties("Holder") or {})["Value"]
    assert value.split(" ") == [
        "uploads",
        "arn:aws:s3:::uploads",
        "uploads.s3.amazonaws.com",
        "uploads.s3.eu-west-1.amazonaws.com",
        "uploads.s3.dualstack.eu-west-1.amazonaws.com",
        "http://uploads.s3-website-eu-west-1.amazonaws.com",
    ]


def test_bad_bucket_properties_are_problems(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
  Shouty:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: Shouty_Bucket
      VersioningConfiguration: {Status: Paused}
      CorsConfiguration:
        CorsRules: [{AllowedMethods: [FETCH], AllowedOrigins: ["*"]}, {AllowedMethods: [GET]}]
""",
    )
    assert found == [
        "Shouty.Properties.BucketName: expected 3 to 63 lowercase letters, digits, dots and "
        "hyphens, beginning and ending with a letter or digit, got 'Shouty_Bucket'",
        "Shouty.Properties.VersioningConfiguration.Status: expected Enabled or Suspended, got "
        "'Paused'",
        "Shouty.Properties.CorsConfiguration.CorsRules[0].AllowedMethods: expected methods of "
        "GET, PUT, HEAD, POST, DELETE",
        "Shouty.Properties.CorsConfiguration.CorsRules[1].AllowedOrigins: expected a list of "
        "strings",
    ]
