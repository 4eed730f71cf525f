"""The API cache's control-plane calls on the AWS endpoint (`appsync`, rest-json, botocore's
`appsync` 2017-07-25 model): FlushApiCache (`DELETE /v1/apis/{apiId}/FlushCache`) empties the
cache, GetApiCache (`GET /v1/apis/{apiId}/ApiCaches`) describes it, for the served API's id
(the one its log and metrics show, `appsync.api_log.api_id`). Every other `appsync` call goes on
to `others` (moto's AppSync, or the route that answers the rest of the control plane).
"""

from __future__ import annotations

import json
import uuid

from appsync.api_cache import ApiCache
from appsync.aws.endpoint import ServiceRoute
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall


class ApiCacheControl:
    """`ServiceRoute` for `appsync`: the served API's cache calls, the rest to `others`."""

    __slots__ = ("_cache", "_others")

    def __init__(self, cache: ApiCache, others: ServiceRoute) -> None:
        self._cache = cache
        self._others = others

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        base = f"/v1/apis/{self._cache.api_id}/"
        if request.method == "DELETE" and request.path == base + "FlushCache":
            await self._cache.store.flush()
            return _json({})
        if request.method == "GET" and request.path == base + "ApiCaches":
            spec = self._cache.spec
            described = {
                "ttl": spec.ttl,
                "apiCachingBehavior": spec.api_caching_behavior.value,
                "transitEncryptionEnabled": spec.transit_encryption_enabled,
                "atRestEncryptionEnabled": spec.at_rest_encryption_enabled,
                "type": spec.type,
                "status": "AVAILABLE",
                "healthMetricsConfig": "DISABLED",
            }
            return _json({"apiCache": described})
        return await self._others.handle(request, call)


def _json(body: object) -> AwsResponse:
    headers = [("content-type", "application/json"), ("x-amzn-requestid", str(uuid.uuid4()))]
    return AwsResponse(200, json.dumps(body).encode(), headers)
