"""Fixtures for the `$util` tests: a field's context and a clock stopped at a known instant."""

from __future__ import annotations

import pytest

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.util.namespace import Util
from tests.unit.resolvers.fixed_clock import CLOCK, FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return CLOCK


@pytest.fixture
def ctx() -> ResolverContext:
    return ResolverContext(
        arguments={"id": "1"},
        source=None,
        identity=None,
        info=ResolverInfo(
            field_name="getPost",
            parent_type_name="Query",
            variables={},
            selection_set_list=["id"],
            selection_set_graphql="{ id }",
        ),
        request=RequestInfo(headers={}),
        auth_type="API Key Authorization",
    )


@pytest.fixture
def util(ctx: ResolverContext, clock: FixedClock) -> Util:
    return Util(ctx, clock)
