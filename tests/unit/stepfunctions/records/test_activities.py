"""Activities as the service keeps and describes them."""

from __future__ import annotations

from datetime import UTC, datetime

from stepfunctions.records.activities import Activity

ARN = "arn:aws:states:us-east-1:123456789012:activity:"
CREATED = datetime(2024, 1, 1, tzinfo=UTC)


def test_an_activity_has_no_tags_until_tagged() -> None:
    activity = Activity(f"{ARN}queue", "queue", CREATED)
    assert (activity.arn, activity.name, activity.creation_date, activity.tags) == (
        f"{ARN}queue",
        "queue",
        CREATED,
        {},
    )


def test_tagging_one_activity_leaves_the_others_untagged() -> None:
    # TagResource changes the record's tags in place.
    first, second = Activity(f"{ARN}a", "a", CREATED), Activity(f"{ARN}b", "b", CREATED)
    first.tags["team"] = "payments"
    assert (first.tags, second.tags) == ({"team": "payments"}, {})
