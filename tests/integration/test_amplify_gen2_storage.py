"""An Amplify Gen 2 backend's `defineStorage` served locally (apis/iac/amplify-gen2-photos): the
Storage category's calls, made with the identities Amplify's clients hold (a guest's and a
signed-in user's identity pool credentials), on the bucket `amplify_outputs.json` names, and
the storage trigger they fire.

aws-amplify v6's Storage cannot be pointed at the local endpoint as published (README, "Amplify
Gen 2 storage"), so the calls are the S3 requests its `uploadData`, `list`, `getUrl`,
`downloadData` and `remove` make ("Upload files", "List file properties", "Download files",
"Remove files" of docs.amplify.aws/react/build-a-backend/storage/), path-style as an app's own
S3 client makes them: PutObject, ListObjectsV2 with the path as `Prefix`, a pre-signed GetObject
URL, GetObject, DeleteObject. `{entity_id}` in a path is the caller's identity id.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from appsync.app import build_app
from definition.amplify_outputs import amplify_outputs
from definition.cdk import cdk_stack
from definition.formats import read_definition
from tests.fixtures.amplify_gen2 import (
    REGION,
    guest_credentials,
    s3_client,
    signed_in_credentials,
)
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, running

ASSEMBLY = APIS / "iac" / "amplify-gen2-photos" / "cdk.out"
DEFINITION = read_definition(ASSEMBLY)
[USER_POOL] = DEFINITION.server.user_pools
[IDENTITY_POOL] = DEFINITION.server.identity_pools
[TRIGGER] = [
    f.function_name for f in DEFINITION.server.lambda_functions if "onupload" in f.function_name
]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with running(build_app(DEFINITION), "appsync-local-gen2-storage") as (host, port):
        yield f"http://{host}:{port}"


@pytest.fixture(scope="module")
def bucket(endpoint: str) -> str:
    """The bucket amplify_outputs.json gives the app (`storage.bucket_name`)."""
    name: str = amplify_outputs(cdk_stack(ASSEMBLY), f"{endpoint}/graphql")["storage"][
        "bucket_name"
    ]
    return name


def _s3(endpoint: str, credentials: Credentials) -> Any:
    return s3_client(endpoint, credentials)


def _user(endpoint: str, email: str) -> tuple[str, Credentials]:
    """A signed-in user's identity id and credentials, as Amplify's fetchAuthSession gets them."""
    identity_id, credentials, _ = signed_in_credentials(endpoint, USER_POOL, IDENTITY_POOL, email)
    return identity_id, credentials


def test_a_user_uploads_lists_downloads_and_removes_and_a_guest_reads_public(
    endpoint: str, bucket: str
) -> None:
    identity_id, credentials = _user(endpoint, "una@example.test")
    user = _s3(endpoint, credentials)
    user.put_object(Bucket=bucket, Key="public/beach.jpg", Body=b"sand", ContentType="image/jpeg")
    own = f"private/{identity_id}/passport.jpg"
    user.put_object(Bucket=bucket, Key=own, Body=b"me")
    listed = user.list_objects_v2(Bucket=bucket, Prefix=f"private/{identity_id}/")
    assert [(o["Key"], o["Size"]) for o in listed["Contents"]] == [(own, 2)]
    assert user.get_object(Bucket=bucket, Key=own)["Body"].read() == b"me"
    # getUrl: a pre-signed GetObject URL, fetched by the app without credentials.
    url = user.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": own})
    fetched = httpx.get(url)
    assert (fetched.status_code, fetched.content) == (200, b"me")
    user.delete_object(Bucket=bucket, Key=own)
    listed = user.list_objects_v2(Bucket=bucket, Prefix=f"private/{identity_id}/")
    assert listed["KeyCount"] == 0

    guest = _s3(endpoint, guest_credentials(endpoint, IDENTITY_POOL))
    public = guest.list_objects_v2(Bucket=bucket, Prefix="public/")
    assert "public/beach.jpg" in [o["Key"] for o in public["Contents"]]
    downloaded = guest.get_object(Bucket=bucket, Key="public/beach.jpg")
    assert (downloaded["ContentType"], downloaded["Body"].read()) == ("image/jpeg", b"sand")


def test_an_upload_invokes_the_on_upload_trigger(
    endpoint: str, bucket: str, caplog: pytest.LogCaptureFixture
) -> None:
    """defineStorage's `triggers: {onUpload}` is CDK's `Custom::S3BucketNotifications` for
    `s3:ObjectCreated:*`: an upload invokes the function asynchronously (what it then does
    through SSM and the data client is the function's own concern)."""
    _, credentials = _user(endpoint, "ulf@example.test")
    with caplog.at_level(logging.INFO, logger="functions.logs"):
        _s3(endpoint, credentials).put_object(Bucket=bucket, Key="public/dog.jpg", Body=b"woof")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not _started(caplog):
            time.sleep(0.1)
    assert _started(caplog)


def _started(caplog: pytest.LogCaptureFixture) -> bool:
    return any(
        record.getMessage().startswith(f"[{TRIGGER}")
        and " START RequestId: " in record.getMessage()
        for record in caplog.records
    )


def test_the_access_rules_refuse_what_the_roles_policies_do_not_allow(
    endpoint: str, bucket: str
) -> None:
    """The storage stack's policies on the identity pool's roles ("public/*": guest read,
    authenticated read, write and delete; "private/{entity_id}/*": the identity's own) decide:
    a guest cannot write `public/`, a user cannot read or list another identity's `private/`,
    nobody lists the whole bucket; S3's AccessDenied, as it words it for the bucket's own
    account (troubleshoot-403-errors.html)."""
    ada_id, ada_credentials = _user(endpoint, "ada-storage@example.test")
    ada = _s3(endpoint, ada_credentials)
    ada.put_object(Bucket=bucket, Key=f"private/{ada_id}/diary.txt", Body=b"secret")
    _, bo_credentials = _user(endpoint, "bo-storage@example.test")
    bo = _s3(endpoint, bo_credentials)
    guest = _s3(endpoint, guest_credentials(endpoint, IDENTITY_POOL))

    refused = _refusal(lambda: guest.put_object(Bucket=bucket, Key="public/x.jpg", Body=b"x"))
    assert refused["Code"] == "AccessDenied"
    assert re.fullmatch(
        r"User: arn:aws:sts::123456789012:assumed-role/[^/]+unauthenticate[^/]*/"
        r"CognitoIdentityCredentials is not authorized to perform: s3:PutObject on resource: "
        rf'"arn:aws:s3:::{bucket}/public/x.jpg" because no identity-based policy allows the '
        r"s3:PutObject action",
        refused["Message"],
    )
    theirs = f"private/{ada_id}/diary.txt"
    assert _refusal(lambda: bo.get_object(Bucket=bucket, Key=theirs))["Code"] == "AccessDenied"
    assert _refusal(lambda: bo.delete_object(Bucket=bucket, Key=theirs))["Code"] == "AccessDenied"
    listed = _refusal(lambda: bo.list_objects_v2(Bucket=bucket, Prefix=f"private/{ada_id}/"))
    assert listed["Code"] == "AccessDenied"
    assert _refusal(lambda: guest.list_objects_v2(Bucket=bucket))["Code"] == "AccessDenied"
    # What the rules allow still works, and the account's own key may do everything.
    assert ada.get_object(Bucket=bucket, Key=theirs)["Body"].read() == b"secret"
    owner = aws_client("s3", endpoint, region=REGION)
    assert owner.get_object(Bucket=bucket, Key=theirs)["Body"].read() == b"secret"


def _refusal(call: Any) -> dict[str, str]:
    with pytest.raises(ClientError) as refused:
        call()
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    error = refused.value.response["Error"]
    return {"Code": str(error.get("Code")), "Message": str(error.get("Message"))}
