"""moto's own dispatch, called in process: a request becomes a WSGI environ, moto's answer
comes back whole, without the CORS headers Flask-CORS adds."""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends

from appsync.aws.moto_services import MotoServices
from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol
from appsync.aws.resource_files import ResourceFiles
from appsync.aws.resource_journal import ResourceJournal, journal_changes
from definition.service_resources import BucketSpec, ServiceResources
from tests.fixtures.aws_signing import aws_client, signed_headers

URL = "http://127.0.0.1:20002"
JSON_1_0 = "application/x-amz-json-1.0"

pytestmark = pytest.mark.anyio


@pytest.fixture
def moto() -> Iterator[MotoServices]:
    services = MotoServices()
    yield services
    services.close()


def _request(method: str, path: str, service: str, body: bytes = b"", **extra: str) -> AwsRequest:
    headers = {"host": "127.0.0.1:20002", "origin": "http://evil.example", **extra}
    signed = signed_headers(method, URL + path, service, body, headers)
    return AwsRequest(method, path, "", {k.lower(): v for k, v in signed.items()}, body)


def _call(service: str, protocol: WireProtocol) -> ServiceCall:
    return ServiceCall(service, service, None, protocol, "us-east-1", True)


def test_moto_serves_the_services_it_has_backends_for(moto: MotoServices) -> None:
    for service in ("s3", "sqs", "sns", "sts", "iam", "secretsmanager", "ssm", "events"):
        assert moto.serves(service), service
    assert not moto.serves("no-such-service")
    assert not moto.serves("")


async def test_an_s3_round_trip_keeps_the_key_as_sent(moto: MotoServices) -> None:
    s3 = _call("s3", WireProtocol.REST_XML)
    made = await moto.handle(_request("PUT", "/moto-services-unit", "s3"), s3)
    assert made.status == 200
    body = b"a key with spaces"
    path = "/moto-services-unit/dir%2Fwith%20space.txt"
    put = await moto.handle(
        _request("PUT", path, "s3", body, **{"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}), s3
    )
    assert put.status == 200
    assert not [name for name, _ in put.headers if name.lower().startswith("access-control")]
    got = await moto.handle(_request("GET", path, "s3"), s3)
    assert got.body == body
    listed = await moto.handle(_request("GET", "/moto-services-unit", "s3"), s3)
    keys = [
        element.text
        for element in ElementTree.fromstring(listed.body).iter()
        if element.tag.endswith("Key")
    ]
    assert keys == ["dir/with space.txt"]


async def test_a_json_protocol_service_answers_its_json(moto: MotoServices) -> None:
    body = json.dumps({"QueueName": "moto-services-unit"}).encode()
    headers = {
        "x-amz-target": "AmazonSQS.CreateQueue",
        "content-type": "application/x-amz-json-1.0",
    }
    answer = await moto.handle(
        _request("POST", "/", "sqs", body, **headers), _call("sqs", WireProtocol.JSON)
    )
    assert answer.status == 200
    assert json.loads(answer.body)["QueueUrl"].endswith("/123456789012/moto-services-unit")


async def test_a_pre_signed_call_reaches_the_service_its_credential_names(
    moto: MotoServices,
) -> None:
    """moto's dispatch would take a URL without `Authorization` for S3's: an SNS action
    pre-signed as a GET (SNS's query API takes GET) reaches SNS."""
    sns = aws_client("sns", URL)
    url = sns.generate_presigned_url(
        "create_topic", Params={"Name": "pre-signed"}, HttpMethod="GET"
    )
    path_and_query = url.removeprefix(URL)
    path, _, query = path_and_query.partition("?")
    request = AwsRequest("GET", path, query, {"host": "127.0.0.1:20002"}, b"")
    answer = await moto.handle(
        request, ServiceCall("sns", "sns", "CreateTopic", WireProtocol.QUERY, "us-east-1", True)
    )
    assert answer.status == 200, answer.body
    assert b"<CreateTopicResponse" in answer.body
    assert b"arn:aws:sns:us-east-1:123456789012:pre-signed" in answer.body


async def test_a_long_poll_lets_other_calls_in_and_gets_what_they_send(
    moto: MotoServices,
) -> None:
    """ReceiveMessage with WaitTimeSeconds waits for a message (Amazon SQS Developer Guide,
    "Amazon SQS short and long polling"); a SendMessage made meanwhile must get through and
    end the wait, where the lock held by the waiting call kept it out until the wait ran out."""
    sqs = _call("sqs", WireProtocol.JSON)

    def request(target: str, **fields: Any) -> AwsRequest:
        headers = {"x-amz-target": f"AmazonSQS.{target}", "content-type": JSON_1_0}
        return _request("POST", "/", "sqs", json.dumps(fields).encode(), **headers)

    made = await moto.handle(request("CreateQueue", QueueName="moto-long-poll"), sqs)
    url = json.loads(made.body)["QueueUrl"]
    waiting = asyncio.create_task(
        moto.handle(request("ReceiveMessage", QueueUrl=url, WaitTimeSeconds=10), sqs)
    )
    await asyncio.sleep(0.3)
    sent = await moto.handle(request("SendMessage", QueueUrl=url, MessageBody="hi"), sqs)
    assert sent.status == 200
    # Sent while the poll still waits (not after its 10 s ran out, empty).
    assert not waiting.done()
    received = await waiting
    assert [m["Body"] for m in json.loads(received.body)["Messages"]] == ["hi"]
    await moto.handle(request("DeleteQueue", QueueUrl=url), sqs)


async def test_a_change_the_data_directory_refuses_is_not_answered_as_done(
    moto: MotoServices, tmp_path: Path
) -> None:
    # README "Durability": a write the data directory cannot take is answered 500 (a full disk
    # here: /dev/full refuses every write), though moto has applied it in memory.
    s3 = _call("s3", WireProtocol.REST_XML)
    assert (await moto.handle(_request("PUT", "/moto-services-kept", "s3"), s3)).status == 200
    files = ResourceFiles(tmp_path / "resources.json")
    journal = ResourceJournal(
        files, ServiceResources(buckets=(BucketSpec("moto-services-kept", "us-east-1"),))
    )
    journal.start()
    journal_changes(journal)
    try:
        files.journal = Path("/dev/full")
        headers = {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
        put = _request("PUT", "/moto-services-kept/a.txt", "s3", b"refused", **headers)
        assert (await moto.handle(put, s3)).status == 500
    finally:
        journal_changes(None)
        files.close()
        s3_backends[DEFAULT_ACCOUNT_ID]["global"].buckets.pop("moto-services-kept", None)
        s3_backends.bucket_accounts.pop("moto-services-kept", None)
