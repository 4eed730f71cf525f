"""The Strawberry seam: our graphql-core schema wrapped as a `strawberry.Schema`. The only module
that imports strawberry.

The SDL is built with graphql-core and wrapped as a `strawberry.Schema` (DESIGN.md, "graphql-core
under Strawberry"): Strawberry's schema object holds our graphql-core schema as `_schema`, which
its execution pipeline runs. Requests themselves do not go through Strawberry's pipeline
(schema/executable.py says why).
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLSchema

# The wrapper's type, for annotations in modules that import it only when asked (the import rules
# keep strawberry in this module).
StrawberrySchema = strawberry.Schema


@strawberry.type
class _Placeholder:
    """Strawberry builds a schema from a decorated class; ours replaces it at once."""

    placeholder: str = ""


def wrap_in_strawberry(graphql_schema: GraphQLSchema) -> strawberry.Schema:
    """A `strawberry.Schema` whose execution runs `graphql_schema`.

    This reaches into Strawberry 0.341.2's `Schema._schema`, the graphql-core schema its
    `execute` runs; tests/unit/schema/test_bridge.py guards the seam.
    """
    wrapper = strawberry.Schema(query=_Placeholder)
    wrapper._schema = graphql_schema
    return wrapper
