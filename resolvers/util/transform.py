"""`$util.transform` / `util.transform`: GraphQL filter inputs to data source expressions.

Follows "Transformation helpers in $util.transform" (AppSync developer guide). The DynamoDB and
OpenSearch helpers return JSON strings, as Amplify's generated templates expect
(`$util.parseJson("$util.transform.toDynamoDBFilterExpression($ctx.args.filter)")`); the
subscription filter helper returns a Map for `$extensions.setSubscriptionFilter`.

Filter inputs are Amplify's `Model...FilterInput`: field names mapping operators to values,
plus `and`/`or` lists and `not`. Value placeholders are named `:<prefix>_<field>_<operator>`,
as in the documented `contains(#title, :title_contains)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from resolvers.errors import ResolverError
from resolvers.util.core import MAPPING_TEMPLATE, Helper, to_json
from resolvers.util.dynamodb import to_dynamodb

_COMPARISONS = {"eq": "=", "ne": "<>", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_FUNCTIONS = {"contains": "contains", "notContains": "NOT contains", "beginsWith": "begins_with"}


@dataclass(slots=True)
class _Expression:
    parts: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)

    def add(self, other: _Expression, joiner: str) -> None:
        if not other.parts:
            return
        if self.parts:
            self.parts.append(joiner)
        self.parts.extend(other.parts)
        self.names.update(other.names)
        self.values.update(other.values)

    def scoped(self) -> _Expression:
        """Parenthesised when it joins more than one condition."""
        if len(self.parts) > 1:
            return _Expression(["(" + " ".join(self.parts) + ")"], self.names, self.values)
        return self

    def text(self) -> str:
        return " ".join(self.parts).strip()


def _placeholder(prefix: str | None, name: str, operator: str) -> str:
    return ":" + "_".join(part for part in (prefix, name, operator) if part)


def _field_conditions(name: str, conditions: Any, prefix: str | None) -> _Expression:
    if not isinstance(conditions, dict):
        raise ResolverError(f"The filter for {name!r} must be a Map of operators", MAPPING_TEMPLATE)
    result = _Expression()
    path = "#" + name
    for operator, value in conditions.items():
        single = _Expression(names={path: name})
        placeholder = _placeholder(prefix, name, operator)
        if operator in _COMPARISONS:
            single.parts.append(f"{path} {_COMPARISONS[operator]} {placeholder}")
            single.values[placeholder] = to_dynamodb(value)
        elif operator in _FUNCTIONS:
            single.parts.append(f"{_FUNCTIONS[operator]}({path}, {placeholder})")
            single.values[placeholder] = to_dynamodb(value)
        elif operator == "between":
            if not isinstance(value, list) or len(value) != 2:
                raise ResolverError("between expects a List of two values", MAPPING_TEMPLATE)
            low = _placeholder(prefix, name, "between_1")
            high = _placeholder(prefix, name, "between_2")
            single.parts.append(f"{path} BETWEEN {low} AND {high}")
            single.values[low] = to_dynamodb(value[0])
            single.values[high] = to_dynamodb(value[1])
        elif operator == "attributeExists":
            function = "attribute_exists" if value is True else "attribute_not_exists"
            single.parts.append(f"{function}({path})")
        elif operator == "attributeType":
            single.parts.append(f"attribute_type({path}, {placeholder})")
            single.values[placeholder] = to_dynamodb(value)
        elif operator == "in":
            if not isinstance(value, list) or not value:
                raise ResolverError("in expects a non-empty List", MAPPING_TEMPLATE)
            names = [f"{placeholder}_{i}" for i in range(len(value))]
            single.parts.append(f"{path} IN ({', '.join(names)})")
            single.values.update({n: to_dynamodb(v) for n, v in zip(names, value, strict=True)})
        elif operator == "size" and isinstance(value, dict):
            for size_operator, size_value in value.items():
                size_placeholder = _placeholder(prefix, name, f"size_{size_operator}")
                if size_operator == "between":
                    low, high = size_placeholder + "_1", size_placeholder + "_2"
                    single.parts.append(f"size({path}) BETWEEN {low} AND {high}")
                    single.values[low] = to_dynamodb(size_value[0])
                    single.values[high] = to_dynamodb(size_value[1])
                elif size_operator in _COMPARISONS:
                    op = _COMPARISONS[size_operator]
                    single.parts.append(f"size({path}) {op} {size_placeholder}")
                    single.values[size_placeholder] = to_dynamodb(size_value)
                else:
                    raise _unknown_operator(f"size.{size_operator}")
            single = single.scoped()
        else:
            raise _unknown_operator(operator)
        result.add(single, "AND")
    return result.scoped()


def _unknown_operator(operator: str) -> ResolverError:
    return ResolverError(f"Unsupported filter operator {operator!r}", MAPPING_TEMPLATE)


def filter_expression(filter_input: Any, prefix: str | None = None) -> _Expression:
    """AND of the map's entries; `and`/`or` lists join their members; `not` negates."""
    if not isinstance(filter_input, dict):
        raise ResolverError("A filter must be a Map", MAPPING_TEMPLATE)
    result = _Expression()
    for name, value in filter_input.items():
        if name in ("and", "or"):
            joiner = name.upper()
            group = _Expression()
            members = value if isinstance(value, list) else [value]
            for index, member in enumerate(members):
                member_prefix = "_".join(p for p in (prefix, name, str(index)) if p)
                group.add(filter_expression(member, member_prefix), joiner)
            result.add(group.scoped(), "AND")
        elif name == "not":
            inner = filter_expression(value, "_".join(p for p in (prefix, "not") if p))
            if inner.parts:
                negated = _Expression(["(NOT " + inner.scoped().text() + ")"], inner.names)
                negated.values = inner.values
                result.add(negated, "AND")
        else:
            result.add(_field_conditions(name, value, prefix), "AND")
    return result


def to_dynamodb_filter_expression(filter_input: Any) -> str:
    # AWS differs: the text is the $util documentation's (`contains(#title, :title_contains)`,
    # conditions joined bare); AppSync's JavaScript runtime was recorded writing
    # `(contains(#title,:title_contains))` and `(attribute_exists(#id)) AND (#version =
    # :version_eq)` (localstack/appsync-utils, __tests__/__snapshots__/index.test.js.snap).
    # DynamoDB reads both as the same condition.
    expression = filter_expression(filter_input)
    return to_json(
        {
            "expression": expression.text(),
            "expressionNames": expression.names,
            "expressionValues": expression.values,
        }
    )


def to_subscription_filter(
    filter_input: Any,
    ignored: list[str] | None = None,
    rules: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The `{"filterGroup": [{"filters": [...]}]}` form: an OR of AND groups.

    Several operators on one field are alternatives; `and` members all hold; `or` members are
    alternatives; the strict rules (argument 3) add one alternative each to every group.
    """
    groups = _alternatives(filter_input, set(ignored or []))
    if rules:
        strict = [
            {"fieldName": name, "operator": operator, "value": value}
            for name, conditions in rules.items()
            for operator, value in conditions.items()
        ]
        groups = [[*group, rule] for group in groups for rule in strict]
    return {"filterGroup": [{"filters": group} for group in groups if group]}


def _alternatives(filter_input: Any, skip: set[str]) -> list[list[dict[str, Any]]]:
    """The filter in disjunctive normal form: each inner list is one AND group."""
    if not isinstance(filter_input, dict):
        raise ResolverError("A subscription filter must be a Map", MAPPING_TEMPLATE)
    groups: list[list[dict[str, Any]]] = [[]]
    for name, value in filter_input.items():
        if name in skip:
            continue
        options: list[list[dict[str, Any]]]
        if name == "and":
            options = [[]]
            for member in value:
                options = [a + b for a in options for b in _alternatives(member, skip)]
        elif name == "or":
            # A member whose fields are all ignored drops out rather than making the OR true.
            options = [g for member in value for g in _alternatives(member, skip) if g]
            if not options:
                continue
        elif isinstance(value, dict):
            options = [
                [{"fieldName": name, "operator": operator, "value": operand}]
                for operator, operand in value.items()
            ]
        else:
            raise ResolverError(
                f"The filter for {name!r} must be a Map of operators", MAPPING_TEMPLATE
            )
        groups = [group + option for group in groups for option in options]
    return groups


_ES_LEAF = {
    "eq": "term",
    "match": "match",
    "matchPhrase": "match_phrase",
    "matchPhrasePrefix": "match_phrase_prefix",
    "multiMatch": "multi_match",
    "wildcard": "wildcard",
    "regexp": "regexp",
}


def _es_condition(name: str, operator: str, value: Any) -> dict[str, Any]:
    if operator in _ES_LEAF:
        return {_ES_LEAF[operator]: {name: value}}
    if operator == "ne":
        return {"bool": {"must_not": {"term": {name: value}}}}
    if operator in ("gt", "gte", "lt", "lte"):
        return {"range": {name: {operator: value}}}
    if operator == "range":
        return {"range": {name: {"gte": value[0], "lte": value[1]}}}
    if operator == "exists":
        exists = {"exists": {"field": name}}
        return exists if value else {"bool": {"must_not": exists}}
    raise _unknown_operator(operator)


def elasticsearch_query(filter_input: Any) -> dict[str, Any]:
    """The OpenSearch Query DSL for a filter: AND by default (`bool.must`)."""
    if not isinstance(filter_input, dict):
        raise ResolverError("A filter must be a Map", MAPPING_TEMPLATE)
    clauses: list[dict[str, Any]] = []
    for name, value in filter_input.items():
        if name == "and":
            clauses.append({"bool": {"must": [elasticsearch_query(m) for m in value]}})
        elif name == "or":
            clauses.append({"bool": {"should": [elasticsearch_query(m) for m in value]}})
        elif name == "not":
            clauses.append({"bool": {"must_not": elasticsearch_query(value)}})
        else:
            conditions = [_es_condition(name, op, operand) for op, operand in value.items()]
            clauses.append({"bool": {"must": conditions}})
    return {"bool": {"must": clauses}}


class TransformHelpers(Helper):
    """The `transform` member of `$util`."""

    __slots__ = ()

    def toDynamoDBFilterExpression(self, filter_input: Any) -> str:
        return to_dynamodb_filter_expression(filter_input)

    def toDynamoDBConditionExpression(self, condition: Any) -> str:
        return to_dynamodb_filter_expression(condition)

    def toSubscriptionFilter(
        self,
        filter_input: Any,
        ignoredFields: list[str] | None = None,
        rules: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return to_subscription_filter(filter_input, ignoredFields, rules)

    def toElasticsearchQueryDSL(self, filter_input: Any) -> str | None:
        if filter_input is None:
            return None
        return to_json(elasticsearch_query(filter_input))
