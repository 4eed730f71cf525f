"""What a `start` becomes (`SubscriptionPlanner.plan`): AppSync's refusals, or a subscription
with its topics and argument filter; and what a subscriber receives (`render`): the selection
set over the published payload, with field-level auth for the subscriber."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from appsync.app import LoadedApi, load_api
from appsync.pubsub import Publication, PublicationKind
from appsync.realtime.protocol import Subscribe
from appsync.realtime.subscriptions import ActiveSubscription, SubscriptionPlanner
from definition.appsync_yaml.api import read_appsync_yaml
from tests.unit.appsync.api_support import API_KEY, load_test_api, write_api

HEADERS = {"host": "example1234567890000.appsync-api.us-east-1.amazonaws.com", "x-api-key": API_KEY}
ON_ADD_POST = 'subscription { onAddPost(id: "p1") { id title secret } }'


def _start(query: str, authorization: dict[str, str] | None = HEADERS) -> Subscribe:
    data = json.dumps({"query": query, "variables": {}})
    return Subscribe("s1", query, {}, None, data, authorization)


def _planner(folder: Path) -> SubscriptionPlanner:
    return load_test_api(folder).realtime.planner


@pytest.mark.anyio
async def test_a_start_without_authorization_is_refused(tmp_path: Path) -> None:
    outcome = await _planner(tmp_path).plan(_start(ON_ADD_POST, None), None)
    assert outcome == [
        {"errorType": "UnauthorizedException", "message": "Missing authorization header"}
    ]


@pytest.mark.anyio
async def test_a_query_is_not_supported_through_the_realtime_channel(tmp_path: Path) -> None:
    # amplify-swift#3885: the service's answer to a query sent as a `start`.
    outcome = await _planner(tmp_path).plan(_start('{ getPost(id: "p1") { id } }'), None)
    assert outcome == [
        {
            "errorType": "UnsupportedOperation",
            "message": "query not supported through the realtime channel",
        }
    ]


@pytest.mark.anyio
async def test_a_subscription_listens_to_its_mutations_and_filters_by_its_arguments(
    tmp_path: Path,
) -> None:
    subscription = await _planner(tmp_path).plan(_start(ON_ADD_POST), "10.0.0.1")
    assert isinstance(subscription, ActiveSubscription)
    assert subscription.field_name == "onAddPost"
    assert subscription.topics == ("mutation:addPost", "invalidation:onAddPost")
    assert subscription.receives({"id": "p1", "title": "T"})
    assert not subscription.receives({"id": "p2", "title": "T"})
    # Without a resolver setting one, there is no invalidation filter.
    assert not subscription.invalidated_by({"id": "p1"})


@pytest.mark.anyio
async def test_a_subscriber_receives_its_selection_with_field_auth(tmp_path: Path) -> None:
    planner = _planner(tmp_path)
    subscription = await planner.plan(_start(ON_ADD_POST), None)
    assert isinstance(subscription, ActiveSubscription)
    payload: dict[str, Any] = {"id": "p1", "title": "T", "secret": "s", "extra": 1}
    publication = Publication(PublicationKind.MUTATION, "addPost", payload)
    rendered = await planner.render(subscription, publication)
    # `secret` is @aws_iam only: null with an Unauthorized error for an API key subscriber.
    assert rendered == {
        "data": {"onAddPost": {"id": "p1", "title": "T", "secret": None}},
        "errors": [
            {
                "message": "Not Authorized to access secret on type Post",
                "path": ["onAddPost", "secret"],
                "errorType": "Unauthorized",
            }
        ],
    }
    # Rendered once per publication for every subscriber with the same document and rights.
    assert await planner.render(subscription, publication) is rendered


@pytest.mark.anyio
async def test_a_rebound_subscription_takes_the_new_schemas_document_and_topics(
    tmp_path: Path,
) -> None:
    """A reload: the subscription keeps its caller and filters, and listens to the mutations
    the new schema's `@aws_subscribe` names."""
    (tmp_path / "old").mkdir()
    subscription = await _planner(tmp_path / "old").plan(_start(ON_ADD_POST), None)
    assert isinstance(subscription, ActiveSubscription)
    (tmp_path / "new").mkdir()
    new = load_test_api(tmp_path / "new")
    schema = (tmp_path / "new" / "schema.graphql").read_text()
    (tmp_path / "new" / "schema.graphql").write_text(
        schema.replace('@aws_subscribe(mutations: ["addPost"])', "@aws_subscribe(mutations: [])")
    )
    rebound = await load_test_api_from(tmp_path / "new").realtime.planner.rebind(subscription)
    assert isinstance(rebound, ActiveSubscription)
    assert rebound.topics == ("invalidation:onAddPost",)
    assert rebound.principal is subscription.principal
    assert rebound.argument_filter is subscription.argument_filter
    assert rebound.prepared is not subscription.prepared
    # The same schema: the same topics.
    unchanged = await new.realtime.planner.rebind(subscription)
    assert isinstance(unchanged, ActiveSubscription)
    assert unchanged.topics == subscription.topics


@pytest.mark.anyio
async def test_a_subscription_whose_field_is_gone_is_refused_on_rebind(tmp_path: Path) -> None:
    (tmp_path / "old").mkdir()
    subscription = await _planner(tmp_path / "old").plan(_start(ON_ADD_POST), None)
    assert isinstance(subscription, ActiveSubscription)
    (tmp_path / "new").mkdir()
    write_api(tmp_path / "new")
    schema = (tmp_path / "new" / "schema.graphql").read_text()
    (tmp_path / "new" / "schema.graphql").write_text(schema.replace("onAddPost", "onPost"))
    refused = await load_test_api_from(tmp_path / "new").realtime.planner.rebind(subscription)
    assert refused == [
        {
            "message": "Validation error of type FieldUndefined: Field 'onAddPost' in type "
            "'Subscription' is undefined @ 'onAddPost'"
        }
    ]


def load_test_api_from(folder: Path) -> LoadedApi:
    """The test API as its files in `folder` are now (edited after `write_api`)."""
    return load_api(read_appsync_yaml(folder / "appsync.yaml"))
