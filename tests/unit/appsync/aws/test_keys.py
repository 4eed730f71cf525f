"""The keys the AWS endpoint accepts: the declared ones, each the local account's root; keys
minted in the embedded IAM only on the definition's opt-in."""

from __future__ import annotations

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto import mock_aws

from appsync.aws.keys import endpoint_credentials, endpoint_verifier
from auth.clock import SystemClock
from auth.errors import SignatureError
from auth.request import AuthRequest
from definition.model import AccessKey, AwsEndpointSettings


def test_the_declared_keys_are_the_accounts_root() -> None:
    settings = AwsEndpointSettings((AccessKey("AKIALOCAL0000000001", "s"), AccessKey("k2", "s2")))
    first, second = endpoint_credentials(settings)
    assert (first.access_key_id, first.secret_access_key) == ("AKIALOCAL0000000001", "s")
    assert (first.account_id, first.user_arn, first.username) == (
        "123456789012",
        "arn:aws:iam::123456789012:root",
        "123456789012",
    )
    assert second.access_key_id == "k2"


def _signed(key: tuple[str, str]) -> AuthRequest:
    request = AWSRequest("POST", "http://localhost/", data=b"{}", headers={"x-amz-target": "x.y"})
    SigV4Auth(Credentials(*key), "sqs", "us-east-1").add_auth(request)
    headers = {"host": "localhost", **{k: str(v) for k, v in request.headers.items()}}
    return AuthRequest.from_raw_headers("POST", "/", headers, b"{}")


@pytest.mark.anyio
async def test_minted_iam_keys_are_accepted_only_on_opt_in() -> None:
    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1", aws_access_key_id="testing",
                           aws_secret_access_key="testing")  # fmt: skip
        iam.create_user(UserName="minted")
        minted = iam.create_access_key(UserName="minted")["AccessKey"]
        key = (minted["AccessKeyId"], minted["SecretAccessKey"])
        with pytest.raises(SignatureError) as refused:
            await endpoint_verifier(AwsEndpointSettings(), SystemClock()).verify(
                _signed(key), "sqs"
            )
        assert refused.value.error_type == "UnrecognizedClientException"
        trusting = endpoint_verifier(AwsEndpointSettings(trust_embedded_iam=True), SystemClock())
        accepted = await trusting.verify(_signed(key), "sqs")
        assert accepted.user_arn == "arn:aws:iam::123456789012:user/minted"
