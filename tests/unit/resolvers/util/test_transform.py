"""`$util.transform`, checked against "Transformation helpers in $util.transform" (AppSync
developer guide,
https://docs.aws.amazon.com/appsync/latest/devguide/transformation-helpers-in-utils-transform.html)."""

from __future__ import annotations

import json

import pytest

from resolvers.errors import ResolverError
from resolvers.util.namespace import Util

DOC_SUBSCRIPTION_INPUT = {
    "percentageUp": {"lte": 50, "gte": 20},
    "and": [{"title": {"ne": "Book1"}}, {"downvotes": {"gt": 2000}}],
    "or": [{"author": {"eq": "Admin"}}, {"isPublished": {"eq": False}}],
}


def f(name: str, operator: str, value: object) -> dict[str, object]:
    return {"fieldName": name, "operator": operator, "value": value}


def test_filter_expression_documented_example(util: Util) -> None:
    result = json.loads(
        util.transform.toDynamoDBFilterExpression({"title": {"contains": "Hello World"}})
    )
    assert result == {
        "expression": "contains(#title, :title_contains)",
        "expressionNames": {"#title": "title"},
        "expressionValues": {":title_contains": {"S": "Hello World"}},
    }


def test_filter_expression_joins_fields_and_operators(util: Util) -> None:
    result = json.loads(
        util.transform.toDynamoDBFilterExpression(
            {"age": {"ge": 18, "lt": 65}, "name": {"beginsWith": "A"}}
        )
    )
    assert (
        result["expression"]
        == "(#age >= :age_ge AND #age < :age_lt) AND begins_with(#name, :name_beginsWith)"
    )
    assert result["expressionNames"] == {"#age": "age", "#name": "name"}
    assert result["expressionValues"] == {
        ":age_ge": {"N": 18},
        ":age_lt": {"N": 65},
        ":name_beginsWith": {"S": "A"},
    }


def test_filter_expression_with_or_not_between_and_exists(util: Util) -> None:
    result = json.loads(
        util.transform.toDynamoDBFilterExpression(
            {
                "or": [{"status": {"eq": "OPEN"}}, {"priority": {"between": [1, 3]}}],
                "not": {"deleted": {"eq": True}},
                "owner": {"attributeExists": True},
            }
        )
    )
    assert result["expression"] == (
        "(#status = :or_0_status_eq OR #priority BETWEEN :or_1_priority_between_1 AND "
        ":or_1_priority_between_2) AND (NOT #deleted = :not_deleted_eq) AND "
        "attribute_exists(#owner)"
    )
    assert set(result["expressionValues"]) == {
        ":or_0_status_eq",
        ":or_1_priority_between_1",
        ":or_1_priority_between_2",
        ":not_deleted_eq",
    }


def test_condition_expression_has_the_same_shape(util: Util) -> None:
    result = json.loads(util.transform.toDynamoDBConditionExpression({"version": {"eq": 3}}))
    assert result == {
        "expression": "#version = :version_eq",
        "expressionNames": {"#version": "version"},
        "expressionValues": {":version_eq": {"N": 3}},
    }


def test_subscription_filter_argument_1_example(util: Util) -> None:
    result = util.transform.toSubscriptionFilter(DOC_SUBSCRIPTION_INPUT)
    title, down = f("title", "ne", "Book1"), f("downvotes", "gt", 2000)
    lte, gte = f("percentageUp", "lte", 50), f("percentageUp", "gte", 20)
    author, published = f("author", "eq", "Admin"), f("isPublished", "eq", False)
    assert result == {
        "filterGroup": [
            {"filters": [lte, title, down, author]},
            {"filters": [lte, title, down, published]},
            {"filters": [gte, title, down, author]},
            {"filters": [gte, title, down, published]},
        ]
    }


def test_subscription_filter_argument_2_ignores_fields(util: Util) -> None:
    source = dict(
        DOC_SUBSCRIPTION_INPUT, **{"and": [{"title": {"ne": "Book1"}}, {"downvotes": {"gt": 20}}]}
    )
    result = util.transform.toSubscriptionFilter(source, ["percentageUp", "author"])
    assert result == {
        "filterGroup": [
            {
                "filters": [
                    f("title", "ne", "Book1"),
                    f("downvotes", "gt", 20),
                    f("isPublished", "eq", False),
                ]
            }
        ]
    }


def test_subscription_filter_argument_3_adds_strict_rules(util: Util) -> None:
    # The page's input says `"lt": 20` for downvotes while its output shows "gt"; the rule
    # is carried through unchanged, so the input's operator is expected here.
    source = dict(
        DOC_SUBSCRIPTION_INPUT, **{"and": [{"title": {"ne": "Book1"}}, {"downvotes": {"lt": 20}}]}
    )
    rules = {"upvotes": {"gte": 250}, "author": {"eq": "Person1"}}
    result = util.transform.toSubscriptionFilter(source, ["percentageUp", "author"], rules)
    base = [f("title", "ne", "Book1"), f("downvotes", "lt", 20), f("isPublished", "eq", False)]
    assert result == {
        "filterGroup": [
            {"filters": [*base, f("upvotes", "gte", 250)]},
            {"filters": [*base, f("author", "eq", "Person1")]},
        ]
    }


def test_elasticsearch_query_dsl_documented_example(util: Util) -> None:
    result = util.transform.toElasticsearchQueryDSL(
        {"upvotes": {"ne": 15, "range": [10, 20]}, "title": {"eq": "hihihi", "wildcard": "h*i"}}
    )
    assert result is not None
    assert json.loads(result) == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "must": [
                            {"bool": {"must_not": {"term": {"upvotes": 15}}}},
                            {"range": {"upvotes": {"gte": 10, "lte": 20}}},
                        ]
                    }
                },
                {
                    "bool": {
                        "must": [
                            {"term": {"title": "hihihi"}},
                            {"wildcard": {"title": "h*i"}},
                        ]
                    }
                },
            ]
        }
    }


def test_filter_expression_size_type_and_not_contains(util: Util) -> None:
    result = json.loads(
        util.transform.toDynamoDBFilterExpression(
            {
                "tags": {"size": {"gt": 2}, "notContains": "x"},
                "kind": {"attributeType": "S"},
            }
        )
    )
    assert result == {
        "expression": "(size(#tags) > :tags_size_gt AND NOT contains(#tags, :tags_notContains))"
        " AND attribute_type(#kind, :kind_attributeType)",
        "expressionNames": {"#tags": "tags", "#kind": "kind"},
        "expressionValues": {
            ":tags_size_gt": {"N": 2},
            ":tags_notContains": {"S": "x"},
            ":kind_attributeType": {"S": "S"},
        },
    }


def test_filter_expression_rejects_unknown_operators(util: Util) -> None:
    with pytest.raises(ResolverError, match="Unsupported filter operator 'like'"):
        util.transform.toDynamoDBFilterExpression({"title": {"like": "x"}})
