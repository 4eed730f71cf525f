"""The NONE data source forwards the request's payload as the result.

"Because there is no data source, the value of the payload field will be forwarded to the
function response handler and set on the context.result property"; "The payload field is
optional" (AppSync developer guide, resolver-reference-none-js and
resolver-mapping-template-reference-none).
"""

from __future__ import annotations

import pytest

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.datasources.none import NoneDataSource


def make_context() -> ResolverContext:
    return ResolverContext(
        arguments={"id": "1"},
        source=None,
        identity=None,
        info=ResolverInfo("getPost", "Query", {}, [], ""),
        request=RequestInfo(headers={}),
    )


@pytest.mark.anyio
async def test_payload_is_forwarded_as_the_result() -> None:
    source = NoneDataSource("local")
    payload = {"id": "postId1", "tags": ["a", "b"]}
    assert await source.invoke({"version": "2018-05-29", "payload": payload}, make_context()) == {
        "id": "postId1",
        "tags": ["a", "b"],
    }


@pytest.mark.anyio
async def test_scalar_payload_is_forwarded() -> None:
    assert await NoneDataSource("local").invoke({"payload": 42}, make_context()) == 42


@pytest.mark.anyio
async def test_missing_payload_is_a_null_result() -> None:
    assert await NoneDataSource("local").invoke({"version": "2018-05-29"}, make_context()) is None


def test_name_is_the_configured_name() -> None:
    assert NoneDataSource("LocalOps").name == "LocalOps"
