"""The API cache's control-plane calls on the `appsync` route: FlushApiCache empties the served
API's cache and GetApiCache describes it, as botocore's `appsync` model shapes them
(`DELETE /v1/apis/{apiId}/FlushCache`, `GET /v1/apis/{apiId}/ApiCaches`); a call for another
API goes on to moto's AppSync, which does not know it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from appsync.api_cache import ApiCache
from appsync.aws.flush_cache import ApiCacheControl
from appsync.aws.moto_services import MotoServices
from appsync.aws.requests import AwsRequest, ServiceCall, WireProtocol
from appsync.cache_store import MemoryCacheStore
from auth.clock import ManualClock
from definition.model import ApiCacheSpec, ApiCachingBehavior
from tests.fixtures.aws_signing import signed_headers

pytestmark = pytest.mark.anyio

URL = "http://127.0.0.1:20002"
CALL = ServiceCall("appsync", "appsync", None, WireProtocol.REST_JSON, "us-east-1", True)


@pytest.fixture
def moto() -> Iterator[MotoServices]:
    services = MotoServices()
    yield services
    services.close()


def _request(method: str, path: str) -> AwsRequest:
    headers = signed_headers(method, URL + path, "appsync", b"", {"host": "127.0.0.1:20002"})
    return AwsRequest(method, path, "", {k.lower(): v for k, v in headers.items()})


async def test_flush_empties_the_served_apis_cache(moto: MotoServices) -> None:
    store = MemoryCacheStore(ManualClock(0.0))
    spec = ApiCacheSpec(ApiCachingBehavior.FULL_REQUEST_CACHING, "LARGE", 60)
    control = ApiCacheControl(ApiCache(spec, store, api_id="abc123"), moto)
    await store.set("Query.a|[]", '"x"', 60)
    flushed = await control.handle(_request("DELETE", "/v1/apis/abc123/FlushCache"), CALL)
    assert (flushed.status, json.loads(flushed.body)) == (200, {})
    assert await store.get("Query.a|[]") is None
    described = await control.handle(_request("GET", "/v1/apis/abc123/ApiCaches"), CALL)
    assert json.loads(described.body) == {
        "apiCache": {
            "ttl": 60,
            "apiCachingBehavior": "FULL_REQUEST_CACHING",
            "transitEncryptionEnabled": False,
            "atRestEncryptionEnabled": False,
            "type": "LARGE",
            "status": "AVAILABLE",
            "healthMetricsConfig": "DISABLED",
        }
    }


async def test_another_apis_call_goes_on_to_moto(moto: MotoServices) -> None:
    store = MemoryCacheStore(ManualClock(0.0))
    spec = ApiCacheSpec(ApiCachingBehavior.FULL_REQUEST_CACHING, "SMALL", 60)
    control = ApiCacheControl(ApiCache(spec, store, api_id="abc123"), moto)
    await store.set("k", "1", 60)
    answer = await control.handle(_request("DELETE", "/v1/apis/other/FlushCache"), CALL)
    assert answer.status == 404
    assert await store.get("k") == "1"
