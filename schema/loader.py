"""Read SDL files into an AppSync schema: the prelude added, every problem reported at once.

Several files concatenate into one document, as AppSync merges a schema given in parts. The
prelude (AppSync's scalars and `@aws_*` directives) is added only for the names the SDL does not
declare itself, so an SDL downloaded from AppSync, which declares them, loads unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Protocol

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveLocation,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    Lexer,
    Node,
    ScalarTypeDefinitionNode,
    Source,
    Token,
    TokenKind,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    get_named_type,
    parse,
    specified_scalar_types,
    validate_schema,
)
from graphql.validation import KnownDirectivesRule, SDLValidationContext, ValidationContext
from graphql.validation.specified_rules import specified_sdl_rules
from graphql.validation.validate import validate_sdl

from schema.directives import AUTH_DIRECTIVES, DirectiveIndex
from schema.errors import SchemaError, SchemaProblem
from schema.scalars import AWS_SCALARS, install_scalars

logger = logging.getLogger(__name__)

_PRELUDE_FILES = ("scalars.graphql", "directives.graphql")

# Directives graphql-core adds to every schema that graphql-java (AppSync) does not have.
_NOT_IN_GRAPHQL_JAVA = frozenset({"specifiedBy", "oneOf"})

# Scalars every GraphQL schema has; AppSync allows these and its own, and no others.
_SPECIFIED_SCALARS = frozenset({"ID", "String", "Int", "Float", "Boolean"})


@dataclass(frozen=True, slots=True)
class AppSyncSchema:
    """A built schema and its directive usages. Its `graphql_schema` has no resolvers: each
    `ExecutableSchema` holds its own, so one AppSyncSchema can serve several executable schemas."""

    graphql_schema: GraphQLSchema
    directives: DirectiveIndex


@cache
def _prelude() -> tuple[DefinitionNode, ...]:
    folder = resources.files("schema") / "prelude"
    definitions: list[DefinitionNode] = []
    for name in _PRELUDE_FILES:
        text = (folder / name).read_text(encoding="utf-8")
        definitions.extend(parse(Source(text, f"prelude/{name}")).definitions)
    return tuple(definitions)


def _declared_name(definition: DefinitionNode) -> str | None:
    if isinstance(definition, TypeDefinitionNode | DirectiveDefinitionNode):
        return definition.name.value
    return None


def _problem_at(node: Node | None, message: str, fallback_file: str) -> SchemaProblem:
    if node is None or node.loc is None:
        return SchemaProblem(fallback_file, 1, 1, message)
    source = node.loc.source
    location = source.get_location(node.loc.start)
    return SchemaProblem(source.name, location.line, location.column, message)


def _problems_from(errors: Iterable[GraphQLError], fallback_file: str) -> list[SchemaProblem]:
    problems: list[SchemaProblem] = []
    for error in errors:
        nodes = error.nodes or []
        if nodes:
            # One problem per node: a duplicate type names both places.
            problems.extend(_problem_at(node, error.message, fallback_file) for node in nodes)
        elif error.source is not None and error.locations:
            first = error.locations[0]
            problems.append(
                SchemaProblem(error.source.name, first.line, first.column, error.message)
            )
        else:
            problems.append(SchemaProblem(fallback_file, 1, 1, error.message))
    return problems


class _KnownDirectivesOnAbstractTypes(KnownDirectivesRule):
    """graphql-core's rule, with the auth directives allowed on interfaces and unions too.

    AppSync deploys schemas with `@aws_iam`, `@aws_api_key`, ... on interfaces and unions
    (aws-cdk's code-first `InterfaceType` takes auth `directives` and renders
    `interface Node @aws_iam {...}`, awscdk-appsync-utils test/appsync-directives.test.ts),
    though its own definitions name only OBJECT and FIELD_DEFINITION. Access is decided on the
    object type a field resolves on ("Not Authorized to access body on type Post",
    aws-appsync-community#266), so there they have no effect (`_abstract_auth_notices`)."""

    def __init__(self, context: ValidationContext | SDLValidationContext) -> None:
        super().__init__(context)
        for name in AUTH_DIRECTIVES:
            locations = self.locations_map.get(name)
            if locations is not None:
                locations |= {DirectiveLocation.INTERFACE, DirectiveLocation.UNION}


_SDL_RULES = tuple(
    _KnownDirectivesOnAbstractTypes if rule is KnownDirectivesRule else rule
    for rule in specified_sdl_rules
)


_UNION_NODES = (UnionTypeDefinitionNode, UnionTypeExtensionNode)
_ABSTRACT_NODES = (InterfaceTypeDefinitionNode, InterfaceTypeExtensionNode, *_UNION_NODES)


def _abstract_auth_notices(definitions: Iterable[DefinitionNode]) -> None:
    """Say once at load where an auth directive sits on an interface or a union."""
    for definition in definitions:
        if not isinstance(definition, _ABSTRACT_NODES):
            continue
        for directive in definition.directives or ():
            if directive.name.value not in AUTH_DIRECTIVES:
                continue
            where = _problem_at(directive, "", "<schema>")
            kind = "union" if isinstance(definition, _UNION_NODES) else "interface"
            logger.info(
                "%s:%s:%s: @%s on %s %s has no effect: AppSync decides access on the object "
                "type a field resolves on and on its fields",
                where.file,
                where.line,
                where.column,
                directive.name.value,
                kind,
                definition.name.value,
            )


def _appsync_rules(definitions: Iterable[DefinitionNode], fallback: str) -> list[SchemaProblem]:
    """Rules AppSync adds to the GraphQL spec ("Scalar types in GraphQL", AWS-SCALARS)."""
    problems: list[SchemaProblem] = []
    for definition in definitions:
        if not isinstance(definition, TypeDefinitionNode):
            continue
        name = definition.name.value
        if isinstance(definition, ScalarTypeDefinitionNode):
            if name not in AWS_SCALARS and name not in _SPECIFIED_SCALARS:
                message = (
                    f"Custom scalar '{name}' is not supported: AWS AppSync doesn't support "
                    "user-defined scalars; use a default or AWS scalar."
                )
                problems.append(_problem_at(definition, message, fallback))
        elif name.startswith("AWS"):
            message = f"Type '{name}' uses the reserved prefix 'AWS' (reserved for AWS types)."
            problems.append(_problem_at(definition, message, fallback))
    return problems


def _as_graphql_java_builds_it(schema: GraphQLSchema) -> GraphQLSchema:
    """graphql-java's schemas always hold the five GraphQL scalars (graphql-core keeps only those
    the SDL uses, which would make `query ($n: Int)` an unknown type where AppSync accepts it),
    and know no `@specifiedBy` or `@oneOf`, which AppSync's introspection does not list."""
    missing = [t for n, t in specified_scalar_types.items() if n not in schema.type_map]
    unknown = [d for d in schema.directives if d.name in _NOT_IN_GRAPHQL_JAVA]
    if not missing and not unknown:
        return schema
    kwargs = schema.to_kwargs()
    kwargs["types"] = (*(kwargs["types"] or ()), *missing)
    kwargs["directives"] = tuple(d for d in schema.directives if d not in unknown)
    return GraphQLSchema(**kwargs)


def _legacy_implements(text: str) -> str:
    """`type A implements B, C` (or `B C`) as `B & C`: graphql-java, and so AppSync, accepts the
    legacy list of interfaces that graphql-core no longer parses. One separator character is
    replaced in place, so lines and columns in later messages stay right."""
    try:
        tokens: list[Token] = []
        lexer = Lexer(Source(text))
        token = lexer.advance()
        while token.kind != TokenKind.EOF:
            tokens.append(token)
            token = lexer.advance()
    except GraphQLSyntaxError:
        return text
    chars = list(text)
    for index, token in enumerate(tokens):
        if token.kind != TokenKind.NAME or token.value != "implements" or index < 2:
            continue
        keyword = tokens[index - 2]
        if tokens[index - 1].kind != TokenKind.NAME or keyword.value not in ("type", "interface"):
            continue
        previous = token
        for following in tokens[index + 1 :]:
            if following.kind not in (TokenKind.NAME, TokenKind.AMP):
                break
            adjacent_names = following.kind == previous.kind == TokenKind.NAME
            if adjacent_names and previous is not token:
                gap = text[previous.end : following.start]
                offset = gap.find(",") if "," in gap else gap.find(" ")
                if offset >= 0:
                    chars[previous.end + offset] = "&"
            previous = following
    return "".join(chars)


class SchemaText(Protocol):
    """SDL given as text (a template's inline `Definition`): `name` stands for its file."""

    @property
    def name(self) -> str: ...

    @property
    def text(self) -> str: ...


def parse_schema_files(paths: Sequence[Path | SchemaText]) -> DocumentNode:
    """The files' definitions in one document, each node keeping its file as `loc.source`.

    Raises SchemaError with every unreadable file and every syntax error.
    """
    problems: list[SchemaProblem] = []
    definitions: list[DefinitionNode] = []
    if not paths:
        raise SchemaError([SchemaProblem("<schema>", 1, 1, "No schema files given.")])
    for path in paths:
        if not isinstance(path, Path):
            name, text = path.name, path.text
        else:
            name = str(path)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                message = f"Cannot read the schema file: {error}"
                problems.append(SchemaProblem(name, 1, 1, message))
                continue
        try:
            document = parse(Source(_legacy_implements(text), name))
        except GraphQLSyntaxError as error:
            problems.extend(_problems_from([error], name))
            continue
        definitions.extend(document.definitions)
    if problems:
        raise SchemaError(problems)
    return DocumentNode(definitions=tuple(definitions))


def build_schema_document(document: DocumentNode, fallback_file: str) -> AppSyncSchema:
    """Build a parsed SDL document (prelude not yet added). Raises SchemaError."""
    declared = {_declared_name(d) for d in document.definitions} - {None}
    prelude = [d for d in _prelude() if _declared_name(d) not in declared]
    full = DocumentNode(definitions=(*document.definitions, *prelude))

    problems = _appsync_rules(document.definitions, fallback_file)
    problems.extend(_problems_from(validate_sdl(full, rules=_SDL_RULES), fallback_file))
    if problems:
        raise SchemaError(problems)
    graphql_schema = _as_graphql_java_builds_it(build_ast_schema(full, assume_valid_sdl=True))
    problems = _problems_from(validate_schema(graphql_schema), fallback_file)
    if problems:
        raise SchemaError(problems)
    directives = DirectiveIndex.from_schema(graphql_schema)
    problems = _subscription_output_problems(graphql_schema, directives, fallback_file)
    if problems:
        raise SchemaError(problems)
    install_scalars(graphql_schema)
    _abstract_auth_notices(document.definitions)
    return AppSyncSchema(graphql_schema, directives)


def _subscription_output_problems(
    schema: GraphQLSchema, directives: DirectiveIndex, fallback_file: str
) -> list[SchemaProblem]:
    """A subscription must return the type its mutations return: AppSync refuses the schema
    with "The subscription has an invalid output type." otherwise
    (dabit3/graphql-api-cdk-serverless-postgres#1: a `String` mutation, a `Post` subscription)."""
    subscription, mutation = schema.subscription_type, schema.mutation_type
    if subscription is None or mutation is None:
        return []
    problems: list[SchemaProblem] = []
    for name, field in subscription.fields.items():
        trigger = directives.subscription_trigger(name)
        if trigger is None:
            continue
        output = get_named_type(field.type)
        for mutation_name in trigger.mutations:
            source = mutation.fields.get(mutation_name)
            if source is not None and get_named_type(source.type) is not output:
                message = "The subscription has an invalid output type."
                problems.append(_problem_at(field.ast_node, message, fallback_file))
                break
    return problems


def load_schema(paths: Sequence[Path | SchemaText]) -> AppSyncSchema:
    """Read one or more .graphql files (or SDL texts) into an AppSync schema.

    Raises SchemaError listing every problem with its file, line and column.
    """
    document = parse_schema_files(paths)
    first = paths[0]
    schema = build_schema_document(document, str(first) if isinstance(first, Path) else first.name)
    logger.debug(
        "loaded schema from %s",
        ", ".join(str(p) if isinstance(p, Path) else p.name for p in paths),
    )
    return schema
