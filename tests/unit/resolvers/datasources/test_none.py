"""The NONE data source forwards the request's payload as the result.

"Because there is no data source, the value of the payload field will be forwarded to the
function response handler and set on the context.result property"; "The payload field is
optional" (AppSync developer guide, resolver-reference-none-js and
resolver-mapping-template-reference-none).
"""

from __future__ import annotations

import pytest

from resolvers.datasources.none import NoneDataSource
from tests.unit.resolvers.contexts import field_context


@pytest.mark.anyio
async def test_payload_is_forwarded_as_the_result() -> None:
    source = NoneDataSource("local")
    payload = {"id": "postId1", "tags": ["a", "b"]}
    assert await source.invoke(
        {"version": "2018-05-29", "payload": payload}, field_context(arguments={"id": "1"})
    ) == {
        "id": "postId1",
        "tags": ["a", "b"],
    }


@pytest.mark.anyio
async def test_scalar_payload_is_forwarded() -> None:
    assert (
        await NoneDataSource("local").invoke({"payload": 42}, field_context(arguments={"id": "1"}))
        == 42
    )


@pytest.mark.anyio
async def test_missing_payload_is_a_null_result() -> None:
    assert (
        await NoneDataSource("local").invoke(
            {"version": "2018-05-29"}, field_context(arguments={"id": "1"})
        )
        is None
    )


def test_name_is_the_configured_name() -> None:
    assert NoneDataSource("LocalOps").name == "LocalOps"
