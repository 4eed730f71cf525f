"""S3 locations are read as local files: a path relative to the template, or an `s3://`
location that the template's format maps to a local file; any other is refused, saying so."""

from __future__ import annotations

from pathlib import Path

import pytest

from definition.cloudformation.assets import LocalAssets
from definition.errors import TemplateValueError


def test_a_path_is_relative_to_the_template(tmp_path: Path) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { a: Int }")
    (tmp_path / "code").mkdir()
    assets = LocalAssets(tmp_path)
    assert assets.locate("schema.graphql", "P") == tmp_path / "schema.graphql"
    assert assets.locate("./code", "P", directory=True) == tmp_path / "code"


def test_mapped_s3_objects_are_their_local_files(tmp_path: Path) -> None:
    (tmp_path / "asset.abc.js").write_text("export function request() {}")
    assets = LocalAssets(tmp_path, {("bucket", "abc.js"): tmp_path / "asset.abc.js"})
    assert assets.locate("s3://bucket/abc.js", "P") == tmp_path / "asset.abc.js"
    assert assets.locate({"Bucket": "bucket", "Key": "abc.js"}, "P") == tmp_path / "asset.abc.js"
    assert assets.locate({"S3Bucket": "bucket", "S3Key": "abc.js"}, "P").name == "asset.abc.js"


@pytest.mark.parametrize(
    "url",
    [
        # "Methods for accessing a bucket" (Amazon S3 User Guide): path-style, the legacy
        # dash-region host, and virtual-hosted URLs; Amplify's TemplateURLs are the first.
        "https://s3.amazonaws.com/bucket/stacks/Post.json",
        "https://s3.eu-west-1.amazonaws.com/bucket/stacks/Post.json",
        "https://s3-eu-west-1.amazonaws.com/bucket/stacks/Post.json",
        "https://bucket.s3.amazonaws.com/stacks/Post.json",
        "https://bucket.s3.eu-west-1.amazonaws.com/stacks/Post.json",
    ],
)
def test_s3_object_urls_are_their_local_files(tmp_path: Path, url: str) -> None:
    (tmp_path / "Post.json").write_text("{}")
    assets = LocalAssets(tmp_path, {("bucket", "stacks/Post.json"): tmp_path / "Post.json"})
    assert assets.locate(url, "Properties.TemplateURL") == tmp_path / "Post.json"


@pytest.mark.parametrize(
    ("location", "message"),
    [
        (
            "s3://elsewhere/schema.graphql",
            "s3://elsewhere/schema.graphql is not local: appsync-local reads files, so write the "
            "path of the file (relative to the template) instead",
        ),
        (
            "https://example.com/schema.graphql",
            "https://example.com/schema.graphql is not a local file or an s3:// location",
        ),
        ("missing.graphql", "file not found: "),
        ({"Bucket": "b"}, "expected an S3 location {Bucket, Key}"),
        (42, "expected an S3 location or a local path"),
    ],
)
def test_other_locations_are_refused(tmp_path: Path, location: object, message: str) -> None:
    with pytest.raises(TemplateValueError) as caught:
        LocalAssets(tmp_path).locate(location, "Properties.DefinitionS3Location")
    assert caught.value.path == "Properties.DefinitionS3Location"
    assert caught.value.message.startswith(message)


def test_a_directory_is_not_a_file_nor_a_file_a_directory(tmp_path: Path) -> None:
    (tmp_path / "code").mkdir()
    with pytest.raises(TemplateValueError, match="file not found"):
        LocalAssets(tmp_path).locate("code", "P")
    (tmp_path / "app.zip").write_text("")
    with pytest.raises(TemplateValueError, match="directory not found"):
        LocalAssets(tmp_path).locate("app.zip", "P", directory=True)
