"""Fixtures for the `$util` tests: a field's context and a clock stopped at a known instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest

from resolvers.context import RequestInfo, ResolverContext, ResolverInfo
from resolvers.util.javatime import from_epoch_millis
from resolvers.util.namespace import Util

# The instant of the examples in "Time helpers in $util.time" (AppSync developer guide).
DOC_NOW_MILLIS = 1517943695750


@dataclass
class FixedClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(from_epoch_millis(DOC_NOW_MILLIS))


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
