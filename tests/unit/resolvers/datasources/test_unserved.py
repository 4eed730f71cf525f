"""A data source of a type the server does not serve fails each request with a field error
that names its type, so the resolver's response handler sees it as `ctx.error`."""

from __future__ import annotations

import pytest

from resolvers.datasources.unserved import UnservedDataSource
from resolvers.errors import DataSourceError
from tests.unit.resolvers.contexts import field_context


@pytest.mark.anyio
async def test_each_request_fails_naming_the_type() -> None:
    source = UnservedDataSource("Search", "AMAZON_OPENSEARCH_SERVICE")
    assert source.name == "Search"
    with pytest.raises(DataSourceError) as failed:
        await source.invoke({"version": "2018-05-29", "operation": "GET"}, field_context())
    assert (failed.value.error_type, failed.value.message) == (
        "DataSourceNotServed",
        "Data source Search is of type AMAZON_OPENSEARCH_SERVICE, which appsync-local does not "
        "serve yet.",
    )
