"""A CDK bucket deployment done in the embedded S3 (moto's backend) as the construct's handler
does it (`index.py` of the bucket deployment asset: each zip extracted or copied whole, `aws s3
sync` to `s3://bucket/prefix`, with `--delete` when it prunes, `--content-type` and
`--metadata` from the system and user metadata), and through `resources_created` with a
parameter beside it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.ssm.models import ssm_backends

from appsync.aws.bucket_deployments import deploy, deployed_files
from appsync.aws.service_resources import CreatedResources, resources_created
from definition.problems import Problem
from definition.service_resources import (
    BucketDeploymentSpec,
    BucketSpec,
    ParameterSpec,
    ServiceResources,
)

REGION = "eu-west-1"


def _site(folder: Path) -> Path:
    site = folder / "site"
    (site / "css").mkdir(parents=True)
    (site / "index.html").write_text("<p>hi</p>")
    (site / "css" / "a.css").write_text("p {}")
    return site


def test_a_directory_asset_under_a_prefix(tmp_path: Path) -> None:
    spec = BucketDeploymentSpec("b", ((_site(tmp_path), "abc.zip"),), prefix="web")
    assert deployed_files(spec) == {"web/index.html": b"<p>hi</p>", "web/css/a.css": b"p {}"}


def test_a_zip_extracted_and_a_zip_kept_whole(tmp_path: Path) -> None:
    archive = tmp_path / "pack.zip"
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("docs/", "")
        written.writestr("docs/readme.txt", "read me")
    extracted = BucketDeploymentSpec("b", ((archive, "k/pack.zip"),))
    assert deployed_files(extracted) == {"docs/readme.txt": b"read me"}
    whole = BucketDeploymentSpec("b", ((_site(tmp_path), "k/def.zip"),), extract=False)
    [(key, body)] = deployed_files(whole).items()
    assert key == "def.zip"
    assert sorted(zipfile.ZipFile(io.BytesIO(body)).namelist()) == ["css/a.css", "index.html"]


def test_deploy_prunes_and_sets_metadata(tmp_path: Path) -> None:
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket("unit-deploy", REGION)
    try:
        backend.put_object("unit-deploy", "web/old.html", b"old")
        backend.put_object("unit-deploy", "kept/other.txt", b"other")
        spec = BucketDeploymentSpec(
            "unit-deploy",
            ((_site(tmp_path), "abc.zip"),),
            prefix="web/",
            system_metadata={"cache-control": "no-cache"},
            user_metadata={"team": "web"},
        )
        deploy(backend, spec)
        keys = sorted(backend.get_bucket("unit-deploy").keys)
        assert keys == ["kept/other.txt", "web/css/a.css", "web/index.html"]
        page = backend.get_object("unit-deploy", "web/index.html")
        assert page is not None
        assert page.metadata["Content-Type"] == "text/html"
        assert page.metadata["Cache-Control"] == "no-cache"
        assert page.metadata["x-amz-meta-team"] == "web"
        style = backend.get_object("unit-deploy", "web/css/a.css")
        assert style is not None
        assert style.metadata["Content-Type"] == "text/css"
    finally:
        s3_backends.bucket_accounts.pop("unit-deploy", None)
        backend.buckets.pop("unit-deploy", None)


def test_resources_created_deploys_and_puts_parameters(tmp_path: Path) -> None:
    resources = ServiceResources(
        buckets=(BucketSpec("unit-schema", REGION),),
        parameters=(ParameterSpec("/unit/bucket", REGION, "unit-schema", "String", "d"),),
        deployments=(BucketDeploymentSpec("unit-schema", ((_site(tmp_path), "abc.zip"),)),),
    )
    ssm = ssm_backends[DEFAULT_ACCOUNT_ID][REGION]
    with resources_created(CreatedResources(), resources, lambda p, m: Problem("", p, m)):
        parameter = ssm.get_parameter("/unit/bucket")
        assert parameter is not None
        assert parameter.value == "unit-schema"
        s3 = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
        assert sorted(s3.get_bucket("unit-schema").keys) == ["css/a.css", "index.html"]
    assert ssm.get_parameter("/unit/bucket") is None
    assert "unit-schema" not in s3_backends.bucket_accounts
