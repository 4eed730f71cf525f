"""The console API's schema: code-first Strawberry types, assembled from the parts a server
serves (`serve`: Step Functions, DynamoDB, the API's definition and its resolver log;
`appsync-local stepfunctions`: Step Functions alone), and printed for the front end's contract.

Names are the wire's own (`stateMachineArn`, `TableName`): Strawberry's camel-casing is off.
Errors the embedded services answer (`ConsoleError`) are the caller's business and logged at
debug level; anything else raised in a resolver is a bug of ours and logged with its traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from appsync.console.errors import ConsoleError
from appsync.console.graphql_api_fields import ServerQuery

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SchemaPart:
    """One area's root types."""

    query: type
    mutation: type | None = None
    subscription: type | None = None


class ConsoleSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if error.original_error is None or isinstance(error.original_error, ConsoleError):
                logger.debug("console API: %s", error.message)
            else:
                logger.error("console API: %s", error.message, exc_info=error.original_error)


def build_schema(parts: Sequence[SchemaPart]) -> ConsoleSchema:
    queries = (ServerQuery, *(part.query for part in parts))
    mutations = tuple(part.mutation for part in parts if part.mutation is not None)
    subscriptions = tuple(part.subscription for part in parts if part.subscription is not None)
    return ConsoleSchema(
        query=merge_types("Query", queries),
        mutation=merge_types("Mutation", mutations) if mutations else None,
        subscription=merge_types("Subscription", subscriptions) if subscriptions else None,
        config=StrawberryConfig(auto_camel_case=False),
    )
