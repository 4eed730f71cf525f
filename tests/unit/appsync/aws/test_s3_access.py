"""The S3 requests an identity pool's credentials sign, decided by their role's policies: each
request as the actions S3 authorizes it by ("Required permissions for Amazon S3 API
operations"), S3's AccessDenied as S3 words it for the bucket's account
(troubleshoot-403-errors.html), and the account's own keys and undeclared roles left alone."""

from __future__ import annotations

from typing import Any

from appsync.aws.requests import AwsRequest
from appsync.aws.s3_access import S3Access, requested
from auth.signature import IamCredential
from definition.service_resources import RoleSpec

ROLE = "photos-authenticated"
GUEST_ROLE = "photos-unauthenticated"
POLICY = {
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": "arn:aws:s3:::photos/private/${cognito-identity.amazonaws.com:sub}/*",
        },
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::photos",
            "Condition": {"StringLike": {"s3:prefix": ["public/*", "public/"]}},
        },
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*/keep/*"},
    ]
}


def _request(method: str, path: str, query: str = "", **headers: str) -> AwsRequest:
    return AwsRequest(method, path, query, {"host": "127.0.0.1:20002", **headers})


def _vended(role: str = ROLE, identity: str = "us-east-1:me") -> IamCredential:
    return IamCredential(
        "ASIAEXAMPLEEXAMPLE00",
        "secret",
        "123456789012",
        f"arn:aws:sts::123456789012:assumed-role/{role}/CognitoIdentityCredentials",
        cognito_identity_pool_id="us-east-1:pool",
        cognito_identity_id=identity,
        cognito_identity_auth_type="authenticated",
    )


def test_requests_are_the_actions_s3_authorizes_them_by() -> None:
    def actions(request: AwsRequest) -> list[tuple[str, str, Any]]:
        return [(a, r, dict(c)) for a, r, c in requested(request)]

    assert actions(_request("GET", "/photos/a%20b.jpg")) == [
        ("s3:GetObject", "arn:aws:s3:::photos/a b.jpg", {})
    ]
    assert actions(_request("HEAD", "/photos/a"))[0][0] == "s3:GetObject"
    assert actions(_request("PUT", "/photos/a", "partNumber=1&uploadId=u"))[0][0] == "s3:PutObject"
    assert actions(_request("POST", "/photos/a", "uploads"))[0][0] == "s3:PutObject"
    assert actions(_request("DELETE", "/photos/a", "uploadId=u"))[0][0] == "s3:AbortMultipartUpload"
    assert actions(_request("PUT", "/photos/b", **{"x-amz-copy-source": "/photos/a%2B"})) == [
        ("s3:PutObject", "arn:aws:s3:::photos/b", {}),
        ("s3:GetObject", "arn:aws:s3:::photos/a+", {}),
    ]
    assert actions(_request("GET", "/photos", "list-type=2&prefix=public%2F")) == [
        ("s3:ListBucket", "arn:aws:s3:::photos", {"s3:prefix": ["public/"]})
    ]
    assert actions(_request("GET", "/photos/", "list-type=2")) == [
        ("s3:ListBucket", "arn:aws:s3:::photos", {})
    ]
    assert actions(_request("GET", "/photos", "cors"))[0][0] == "s3:GetBucketCORS"
    assert actions(_request("GET", "/")) == [("s3:ListAllMyBuckets", "arn:aws:s3:::*", {})]
    body = b"<Delete><Object><Key>x</Key></Object><Object><Key>y</Key></Object></Delete>"
    deleting = AwsRequest("POST", "/photos", "delete", {"host": "h"}, body)
    assert [r for _, r, _ in requested(deleting)] == [
        "arn:aws:s3:::photos/x",
        "arn:aws:s3:::photos/y",
    ]
    # A virtual-hosted bucket: its name in the host, the key the path.
    hosted = AwsRequest("GET", "/in/a.jpg", "", {"host": "photos.localhost:20002"})
    assert [r for _, r, _ in requested(hosted)] == ["arn:aws:s3:::photos/in/a.jpg"]


def test_the_role_s_policies_decide_and_a_refusal_is_s3_s_access_denied() -> None:
    access = S3Access((RoleSpec(ROLE, (POLICY,)),))
    assert access.refusal(_request("PUT", "/photos/private/us-east-1:me/a.jpg"), _vended()) is None
    listing = _request("GET", "/photos", "list-type=2&prefix=public/")
    assert access.refusal(listing, _vended()) is None
    refused = access.refusal(_request("GET", "/photos/private/us-east-1:you/a.jpg"), _vended())
    assert refused is not None
    assert refused.status == 403
    assert b"<Code>AccessDenied</Code>" in refused.body
    assert (
        b"<Message>User: arn:aws:sts::123456789012:assumed-role/photos-authenticated/"
        b"CognitoIdentityCredentials is not authorized to perform: s3:GetObject on resource: "
        b'"arn:aws:s3:::photos/private/us-east-1:you/a.jpg" because no '
        b"identity-based policy allows the s3:GetObject action</Message>"
    ) in refused.body
    denied = access.refusal(_request("DELETE", "/photos/private/us-east-1:me/keep/a"), _vended())
    assert denied is not None
    assert b"with an explicit deny in an identity-based policy" in denied.body


def test_the_account_s_keys_and_roles_not_known_locally_are_not_decided() -> None:
    access = S3Access(
        (RoleSpec(ROLE, (POLICY,)), RoleSpec(GUEST_ROLE, (), ("arn:aws:iam::aws:policy/X",)))
    )
    anything = _request("DELETE", "/photos/anything")
    root = IamCredential("testing", "testing", "123456789012", "arn:aws:iam::123456789012:root")
    assert access.refusal(anything, root) is None
    # A role with a managed policy the template does not declare, and a role it does not.
    assert access.refusal(anything, _vended(GUEST_ROLE)) is None
    assert access.refusal(anything, _vended("elsewhere")) is None
    assert not S3Access(())
