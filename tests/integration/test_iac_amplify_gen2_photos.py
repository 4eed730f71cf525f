"""An Amplify Gen 2 backend with storage (apis/iac/amplify-gen2-photos: `project/amplify/`
written with @aws-amplify/backend, `cdk.out` from `project/synth.sh`), served unchanged: what is
served of it today.

The project is the shape Amplify's guides give a photo app: `defineStorage` with per-path access
rules and an `onUpload` trigger function, a `Photo` model that the trigger writes through
Amplify's data client (`allow.resource(onUpload)`, "Grant Lambda function access to API and
Data", docs.amplify.aws/react/build-a-backend/functions/examples/), and a `secret()` in the
function's environment. The storage stack's bucket, the function and the model's table are
created from the assembly; the guides' client calls are made with Amplify's identities.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from appsync.app import build_app
from definition.formats import read_definition
from tests.fixtures.amplify_gen2 import REGION, as_iam, as_user, guest_credentials, sign_up_and_in
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, running

ASSEMBLY = APIS / "iac" / "amplify-gen2-photos" / "cdk.out"
DEFINITION = read_definition(ASSEMBLY)
[USER_POOL] = DEFINITION.server.user_pools
[IDENTITY_POOL] = DEFINITION.server.identity_pools
[TABLE] = DEFINITION.server.dynamodb.tables
# The storage stack's bucket: defineStorage's `name` is in its logical id (photosBucket...).
[PHOTOS] = [b for b in DEFINITION.server.resources.buckets if "photosbucket" in b.bucket_name]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with running(build_app(DEFINITION), "appsync-local-gen2-photos") as (host, port):
        yield f"http://{host}:{port}"


def test_the_storage_bucket_is_created_with_the_cors_rule_amplify_gives_it(endpoint: str) -> None:
    """defineStorage's bucket allows the browser's GET, HEAD, PUT, POST and DELETE from any
    origin and exposes ETag (the rule @aws-amplify/backend-storage writes into the template)."""
    s3 = aws_client("s3", endpoint, region=REGION)
    [rule] = s3.get_bucket_cors(Bucket=PHOTOS.bucket_name)["CORSRules"]
    assert sorted(rule["AllowedMethods"]) == ["DELETE", "GET", "HEAD", "POST", "PUT"]
    assert rule["AllowedOrigins"] == ["*"]
    assert "ETag" in rule["ExposeHeaders"]


def test_a_signed_in_user_writes_and_a_guest_reads_photos(endpoint: str) -> None:
    """The model's rules: `allow.authenticated()` (the default user pool mode) writes,
    `allow.guest().to(["read"])` reads through the identity pool's unauthenticated role."""
    token = sign_up_and_in(endpoint, USER_POOL, "pia@example.test")["AccessToken"]
    created = as_user(
        endpoint,
        token,
        "mutation($i: CreatePhotoInput!) { createPhoto(input: $i) { id key size } }",
        i={"key": "public/cat.jpg", "size": 3},
    )
    assert created["data"]["createPhoto"]["key"] == "public/cat.jpg"
    guest = guest_credentials(endpoint, IDENTITY_POOL)
    listed = as_iam(endpoint, guest, "{ listPhotos { items { key size } } }")
    assert {"key": "public/cat.jpg", "size": 3} in listed["data"]["listPhotos"]["items"]
    refused = as_iam(endpoint, guest, 'mutation { createPhoto(input: {key: "x"}) { id } }')
    assert refused["data"] == {"createPhoto": None}
    assert refused["errors"][0]["errorType"] == "Unauthorized"
    assert TABLE.table_name.startswith("Photo-")
