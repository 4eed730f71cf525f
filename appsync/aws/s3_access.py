"""What the credentials an identity pool vends may do in S3: the identity-based policies of
their role (`definition.service_resources.RoleSpec`: the template's `AWS::IAM::Policy` on the
pool's authenticated or unauthenticated role, as Amplify's storage access rules write them)
decide each S3 request signed with them (`auth.iam_policies`), before moto sees it.

Each request is the actions S3 authorizes it by ("Required permissions for Amazon S3 API
operations", using-with-s3-policy-actions.html): GetObject (and HeadObject) `s3:GetObject`,
PutObject, CopyObject and the multipart upload calls `s3:PutObject` (a copy `s3:GetObject` on
its source too), DeleteObject `s3:DeleteObject` (DeleteObjects that for each key),
ListObjects(V2) and HeadBucket `s3:ListBucket` with the `s3:prefix` condition key, and the
bucket's other calls `s3:<Operation>`; object actions on `arn:aws:s3:::<bucket>/<key>`, bucket
actions on `arn:aws:s3:::<bucket>`. The context holds the policy variables of the pool's
credentials: `cognito-identity.amazonaws.com:sub` (the identity id, Amplify's `{entity_id}`),
`:aud` (the pool) and `:amr`, and `aws:userid`.

A refusal is S3's `403 AccessDenied`, worded as S3 words it for a request of the bucket's own
account ("Troubleshoot access denied (403 Forbidden) errors in Amazon S3",
troubleshoot-403-errors.html: `User: <arn> is not authorized to perform: <action> on resource:
"<arn>" because no identity-based policy allows the <action> action`, or `with an explicit
deny in an identity-based policy`).

Only the pools' vended credentials are decided so, and only for a role the template declares
whose every policy it declares; the account's keys (`testing`) may do everything, as the
account's root may. AWS differs: a DeleteObjects of a key the policies refuse is refused whole
(S3 answers that key's `AccessDenied` in the result); bucket policies, ACLs and other services'
calls are not evaluated.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from urllib.parse import parse_qs, unquote

from appsync.aws.errors import s3_error
from appsync.aws.requests import AwsRequest, AwsResponse
from auth.iam_policies import Context, Decision, Statement, decide, statements
from auth.signature import IamCredential
from definition.service_resources import RoleSpec

_ROLE = re.compile(r":assumed-role/([^/]+)/")
# A bucket-level subresource and the action S3 authorizes it by, by method.
_BUCKET_ACTIONS = {
    ("GET", "versions"): "s3:ListBucketVersions",
    ("GET", "uploads"): "s3:ListBucketMultipartUploads",
    ("GET", "location"): "s3:GetBucketLocation",
    ("GET", "cors"): "s3:GetBucketCORS",
    ("PUT", "cors"): "s3:PutBucketCORS",
    ("DELETE", "cors"): "s3:PutBucketCORS",
    ("GET", "notification"): "s3:GetBucketNotification",
    ("PUT", "notification"): "s3:PutBucketNotification",
    ("GET", "versioning"): "s3:GetBucketVersioning",
    ("PUT", "versioning"): "s3:PutBucketVersioning",
    ("GET", "policy"): "s3:GetBucketPolicy",
    ("PUT", "policy"): "s3:PutBucketPolicy",
    ("DELETE", "policy"): "s3:DeleteBucketPolicy",
    ("GET", "acl"): "s3:GetBucketAcl",
    ("PUT", "acl"): "s3:PutBucketAcl",
    ("GET", "tagging"): "s3:GetBucketTagging",
    ("PUT", "tagging"): "s3:PutBucketTagging",
}
_OBJECT_SUBRESOURCES = {
    ("GET", "acl"): "s3:GetObjectAcl",
    ("PUT", "acl"): "s3:PutObjectAcl",
    ("GET", "tagging"): "s3:GetObjectTagging",
    ("PUT", "tagging"): "s3:PutObjectTagging",
    ("DELETE", "tagging"): "s3:DeleteObjectTagging",
    ("GET", "uploadId"): "s3:ListMultipartUploadParts",
    ("DELETE", "uploadId"): "s3:AbortMultipartUpload",
    ("POST", "restore"): "s3:RestoreObject",
}
_S3_XMLNS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


class S3Access:
    """The declared roles' policies, by role name (a role with an unknown policy is left out:
    what it may do is not known locally)."""

    def __init__(self, roles: tuple[RoleSpec, ...]) -> None:
        self._roles: dict[str, tuple[Statement, ...]] = {
            role.role_name: statements(role.policies) for role in roles if not role.unknown_policies
        }

    def __bool__(self) -> bool:
        return bool(self._roles)

    def refusal(self, request: AwsRequest, credential: IamCredential) -> AwsResponse | None:
        """S3's AccessDenied when the credential's policies refuse the request; None when they
        allow it or do not apply (see the module's docstring)."""
        if credential.cognito_identity_id is None:
            return None
        role = _ROLE.search(credential.user_arn)
        found = self._roles.get(role.group(1)) if role else None
        if found is None:
            return None
        context = _context(credential)
        for action, resource, extra in requested(request):
            decision = decide(found, action, resource, {**context, **extra})
            if decision is not Decision.ALLOW:
                why = (
                    "with an explicit deny in an identity-based policy"
                    if decision is Decision.EXPLICIT_DENY
                    else f"because no identity-based policy allows the {action} action"
                )
                return s3_error(
                    403,
                    "AccessDenied",
                    f"User: {credential.user_arn} is not authorized to perform: {action} on "
                    f'resource: "{resource}" {why}',
                )
        return None


def _context(credential: IamCredential) -> dict[str, list[str]]:
    context = {
        "cognito-identity.amazonaws.com:sub": [str(credential.cognito_identity_id)],
        "aws:userid": [credential.username or ""],
        "aws:PrincipalAccount": [credential.account_id],
    }
    if credential.cognito_identity_pool_id:
        context["cognito-identity.amazonaws.com:aud"] = [credential.cognito_identity_pool_id]
    if credential.cognito_identity_auth_type:
        context["cognito-identity.amazonaws.com:amr"] = [credential.cognito_identity_auth_type]
    return context


def requested(request: AwsRequest) -> Iterator[tuple[str, str, Context]]:
    """The (action, resource ARN, context keys of the request) S3 authorizes `request` by."""
    bucket, key = _bucket_and_key(request)
    query = parse_qs(request.query_string, keep_blank_values=True)
    method = "GET" if request.method == "HEAD" else request.method
    if bucket is None:
        yield "s3:ListAllMyBuckets", "arn:aws:s3:::*", {}
        return
    bucket_arn = f"arn:aws:s3:::{bucket}"
    if key:
        action = next(
            (a for (m, sub), a in _OBJECT_SUBRESOURCES.items() if m == method and sub in query),
            None,
        )
        if action is None:
            action = {"GET": "s3:GetObject", "DELETE": "s3:DeleteObject"}.get(
                method, "s3:PutObject"
            )
        yield action, f"{bucket_arn}/{key}", {}
        source = request.header("x-amz-copy-source")
        if method == "PUT" and source:
            yield "s3:GetObject", f"arn:aws:s3:::{unquote(source.split('?')[0].lstrip('/'))}", {}
        return
    if method == "POST" and "delete" in query:
        for name in _deleted_keys(request.body):
            yield "s3:DeleteObject", f"{bucket_arn}/{name}", {}
        return
    action = next(
        (a for (m, sub), a in _BUCKET_ACTIONS.items() if m == method and sub in query), None
    )
    if action is not None:
        yield action, bucket_arn, {}
    elif method == "GET":
        prefix = query.get("prefix")
        yield "s3:ListBucket", bucket_arn, {"s3:prefix": prefix[:1]} if prefix else {}
    else:
        yield (
            {"PUT": "s3:CreateBucket", "DELETE": "s3:DeleteBucket"}.get(method, "s3:PutObject"),
            bucket_arn,
            {},
        )


def _bucket_and_key(request: AwsRequest) -> tuple[str | None, str]:
    """The request's bucket and key: path-style (`/<bucket>/<key>`), or a virtual-hosted
    bucket's (`<bucket>.<host>`, the key the whole path)."""
    path = unquote(request.path)
    host = (request.header("host") or "").rsplit(":", 1)[0]
    first, _, rest = host.partition(".")
    virtual = bool(rest) and not re.fullmatch(r"[\d.]+", host) and first not in ("s3", "localhost")
    if virtual:
        return first, path.lstrip("/")
    bucket, _, key = path.lstrip("/").partition("/")
    return (bucket or None), key


def _deleted_keys(body: bytes) -> list[str]:
    """DeleteObjects' `<Delete><Object><Key>` names."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return []
    return [
        element.text or "" for element in root.iter() if element.tag in ("Key", f"{_S3_XMLNS}Key")
    ]
