"""IAM identity-based policies decided as the IAM User Guide says: "Policy evaluation logic"
(an explicit deny wins, else an allow, else an implicit deny), "IAM JSON policy elements:
Action / Resource / NotAction / NotResource" (wildcards; actions case-insensitive, resources
case-sensitive), "Variables and tags" (`${...}` from the request's context, `${*}` escapes; a
missing variable in a resource never matches) and "Condition operators" (string operators,
`IfExists`, `ForAnyValue`/`ForAllValues`; a missing key fails a positive operator and holds a
negated one). The documents are Amplify Gen 2 storage's own shape."""

from __future__ import annotations

from auth.iam_policies import Decision, decide, statements

BUCKET = "arn:aws:s3:::photos"
ME = {"cognito-identity.amazonaws.com:sub": ["us-east-1:me"]}
STORAGE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": [
                f"{BUCKET}/public/*",
                f"{BUCKET}/private/${{cognito-identity.amazonaws.com:sub}}/*",
            ],
        },
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": BUCKET,
            "Condition": {
                "StringLike": {
                    "s3:prefix": [
                        "public/*",
                        "public/",
                        "private/${cognito-identity.amazonaws.com:sub}/*",
                    ]
                }
            },
        },
    ],
}


def test_actions_and_resources_with_wildcards_and_the_identity_s_variable() -> None:
    found = statements([STORAGE])
    assert decide(found, "s3:GetObject", f"{BUCKET}/public/a.jpg", ME) is Decision.ALLOW
    # Actions are case-insensitive, resources are not.
    assert decide(found, "S3:getobject", f"{BUCKET}/public/a.jpg", ME) is Decision.ALLOW
    assert decide(found, "s3:GetObject", f"{BUCKET}/Public/a.jpg", ME) is Decision.IMPLICIT_DENY
    assert decide(found, "s3:DeleteObject", f"{BUCKET}/public/a.jpg", ME) is Decision.IMPLICIT_DENY
    own = f"{BUCKET}/private/us-east-1:me/a.jpg"
    assert decide(found, "s3:PutObject", own, ME) is Decision.ALLOW
    other = f"{BUCKET}/private/us-east-1:you/a.jpg"
    assert decide(found, "s3:PutObject", other, ME) is Decision.IMPLICIT_DENY
    # Without the variable's key, the statement naming it does not match.
    assert decide(found, "s3:PutObject", own, {}) is Decision.IMPLICIT_DENY


def test_a_condition_on_the_list_prefix() -> None:
    found = statements([STORAGE])

    def listing(prefix: str | None) -> Decision:
        context = {**ME, **({"s3:prefix": [prefix]} if prefix is not None else {})}
        return decide(found, "s3:ListBucket", BUCKET, context)

    assert listing("public/") is Decision.ALLOW
    assert listing("public/cats/") is Decision.ALLOW
    assert listing("private/us-east-1:me/") is Decision.ALLOW
    assert listing("private/us-east-1:you/") is Decision.IMPLICIT_DENY
    # No prefix: the key is missing and StringLike fails.
    assert listing(None) is Decision.IMPLICIT_DENY


def test_an_explicit_deny_wins_and_not_elements_invert() -> None:
    found = statements(
        [
            {"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}},
            {
                "Statement": [
                    {"Effect": "Deny", "NotAction": "s3:Get*", "Resource": f"{BUCKET}/ro/*"},
                    {"Effect": "Deny", "Action": "s3:*", "NotResource": f"{BUCKET}*"},
                ]
            },
        ]
    )
    assert decide(found, "s3:GetObject", f"{BUCKET}/ro/a", {}) is Decision.ALLOW
    assert decide(found, "s3:PutObject", f"{BUCKET}/ro/a", {}) is Decision.EXPLICIT_DENY
    assert decide(found, "s3:PutObject", f"{BUCKET}/rw/a", {}) is Decision.ALLOW
    assert decide(found, "s3:GetObject", "arn:aws:s3:::other/a", {}) is Decision.EXPLICIT_DENY


def test_condition_operators_missing_keys_and_set_prefixes() -> None:
    def allowed(condition: dict[str, object], context: dict[str, list[str]]) -> bool:
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        found = statements([{"Statement": {**statement, "Condition": condition}}])
        return decide(found, "s3:GetObject", f"{BUCKET}/a", context) is Decision.ALLOW

    tag = {"s3:ExistingObjectTag/team": ["Web"]}
    assert allowed({"StringEquals": {"s3:ExistingObjectTag/team": "Web"}}, tag)
    assert not allowed({"StringEquals": {"s3:ExistingObjectTag/team": "web"}}, tag)
    assert allowed({"StringEqualsIgnoreCase": {"s3:ExistingObjectTag/team": "web"}}, tag)
    assert not allowed({"StringNotEquals": {"s3:ExistingObjectTag/team": "Web"}}, tag)
    assert allowed({"StringNotLike": {"s3:ExistingObjectTag/team": "ops*"}}, tag)
    # A missing key: a positive operator fails, a negated one or ...IfExists holds.
    assert not allowed({"StringEquals": {"aws:SourceVpc": "vpc-1"}}, {})
    assert allowed({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}, {})
    assert allowed({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}, {})
    tags = {"aws:TagKeys": ["a", "b"]}
    assert allowed({"ForAnyValue:StringEquals": {"aws:TagKeys": ["b", "z"]}}, tags)
    assert not allowed({"ForAllValues:StringEquals": {"aws:TagKeys": ["b", "z"]}}, tags)
    assert allowed({"ForAllValues:StringLike": {"aws:TagKeys": ["?"]}}, tags)
    # An operator not evaluated locally never matches.
    assert not allowed({"NumericLessThan": {"s3:max-keys": "10"}}, {"s3:max-keys": ["5"]})


def test_a_variable_s_value_is_literal_and_escapes_are_characters() -> None:
    found = statements(
        [
            {
                "Statement": {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": f"{BUCKET}/${{aws:userid}}/${{*}}",
                }
            }
        ]
    )
    assert decide(found, "s3:GetObject", f"{BUCKET}/a*/*", {"aws:userid": ["a*"]}) is (
        Decision.ALLOW
    )
    # The variable's `*` is no wildcard, nor is the escaped one.
    assert decide(found, "s3:GetObject", f"{BUCKET}/ab/*", {"aws:userid": ["a*"]}) is (
        Decision.IMPLICIT_DENY
    )
    assert decide(found, "s3:GetObject", f"{BUCKET}/a*/x", {"aws:userid": ["a*"]}) is (
        Decision.IMPLICIT_DENY
    )
