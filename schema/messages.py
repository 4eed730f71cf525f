"""AppSync's wording for validation errors (graphql-java's, not graphql-js's).

AppSync validates with graphql-java, whose messages read
`Validation error of type <ValidationErrorType>: <description> @ '<query path>'`, the query path
being the field names (not aliases) and fragment names enclosing the error, joined by `/`, and
left out where the error sits outside any field. graphql-core finds the same errors under the
graphql-js wording; each rule's errors are tagged with the rule and reworded here. (Variable
coercion and result errors are worded where they happen, in schema/variables.py and
schema/executable.py.)

Recorded AppSync texts (tests cite them): FieldUndefined (graphql/graphql-over-http#81),
MissingFieldArgument (aws-amplify/amplify-js#7435), WrongType with Java value printing
(awslabs/aws-mobile-appsync-sdk-js#554, aws/aws-cli#7078), SubSelectionRequired with `null` for
a wrapped type. The rest are graphql-java's texts for the same ValidationErrorType: AWS differs
(unrecorded) where AppSync's exact text was never captured.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    Node,
    NullValueNode,
    ObjectValueNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValidationContext,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    specified_rules,
    visit,
)
from graphql import validation as rules
from graphql.language import ParallelVisitor
from graphql.pyutils import Undefined
from graphql.validation import ASTValidationRule, ValidationRule
from graphql.validation.validate import FragmentNestingVisitor, query_document_keys_to_validate

from schema.errors import CoercionError, LiteralError, ValidationAbortedError

ValidationErrorType = str
# graphql-java's Validator.MAX_VALIDATION_ERRORS (graphql-java#2553, in 18 and later).
MAX_VALIDATION_ERRORS = 100
# An extension key by which an AppSync-specific rule names its graphql-java ValidationErrorType.
VALIDATION_ERROR_TYPE = "validationErrorType"
Translation = tuple[ValidationErrorType, str]
Translator = Callable[[GraphQLError], Translation]


def java_value(node: ValueNode) -> str:
    """A literal as graphql-java's AST `toString` prints it inside AppSync's messages:
    `StringValue{value='2019'}`, `ObjectValue{objectFields=[ObjectField{name='a', value=...}]}`."""
    if isinstance(node, StringValueNode):
        return f"StringValue{{value='{node.value}'}}"
    if isinstance(node, IntValueNode):
        return f"IntValue{{value={node.value}}}"
    if isinstance(node, FloatValueNode):
        return f"FloatValue{{value={node.value}}}"
    if isinstance(node, BooleanValueNode):
        return f"BooleanValue{{value={'true' if node.value else 'false'}}}"
    if isinstance(node, EnumValueNode):
        return f"EnumValue{{name='{node.value}'}}"
    if isinstance(node, NullValueNode):
        return "NullValue{}"
    if isinstance(node, VariableNode):
        return f"VariableReference{{name='{node.name.value}'}}"
    if isinstance(node, ListValueNode):
        return "ArrayValue{values=[" + ", ".join(java_value(v) for v in node.values) + "]}"
    if isinstance(node, ObjectValueNode):
        fields = ", ".join(
            f"ObjectField{{name='{field.name.value}', value={java_value(field.value)}}}"
            for field in node.fields
        )
        return f"ObjectValue{{objectFields=[{fields}]}}"
    return str(node)


def _quoted(message: str, index: int = 0) -> str:
    """The index-th single-quoted name in a graphql-core message."""
    names = re.findall(r"'([^']*)'", message)
    return names[index] if index < len(names) else ""


def _node_name(error: GraphQLError) -> str:
    node = error.nodes[0] if error.nodes else None
    name = getattr(node, "name", None)
    return getattr(name, "value", "") if name is not None else ""


def _field_undefined(error: GraphQLError) -> Translation:
    field, type_ = _quoted(error.message, 0), _quoted(error.message, 1)
    return "FieldUndefined", f"Field '{field}' in type '{type_}' is undefined"


def _sub_selection(error: GraphQLError) -> Translation:
    field, type_ = _quoted(error.message, 0), _quoted(error.message, 1)
    # graphql-java prints `type.getName()`, which is null for a list or non-null type: AppSync says
    # "Sub selection required for type null of field custom_fields" for a wrapped type.
    type_ = _java_type_name_of(type_)
    if "must not have a selection" in error.message:
        return (
            "SubSelectionNotAllowed",
            f"Sub selection not allowed on leaf type {type_} of field {field}",
        )
    return "SubSelectionRequired", f"Sub selection required for type {type_} of field {field}"


def _unknown_argument(error: GraphQLError) -> Translation:
    name = _quoted(error.message)
    if "on directive" in error.message:
        return "UnknownDirective", f"Unknown directive argument {name}"
    return "UnknownArgument", f"Unknown field argument {name}"


def _missing_argument(error: GraphQLError) -> Translation:
    match = re.search(r"\(([^():]+):\)", error.message)
    name = match.group(1) if match else ""
    if error.message.startswith("Argument '@"):
        return "MissingDirectiveArgument", f"Missing directive argument {name}"
    return "MissingFieldArgument", f"Missing field argument {name}"


def _known_directive(error: GraphQLError) -> Translation:
    name = _quoted(error.message).lstrip("@")
    if error.message.startswith("Unknown directive"):
        return "UnknownDirective", f"Unknown directive {name}"
    return "MisplacedDirective", f"Directive {name} not allowed here"


def _fragment_spread(error: GraphQLError) -> Translation:
    names = re.findall(r"'([^']*)'", error.message)
    if error.message.startswith("Fragment '"):
        fragment, parent, condition = ([*names, "", "", ""])[:3]
        return "InvalidFragmentType", (
            f"Fragment {fragment} cannot be spread here as objects of type {parent} "
            f"can never be of type {condition}"
        )
    parent, condition = ([*names, "", ""])[:2]
    return "InvalidFragmentType", (
        f"Fragment cannot be spread here as objects of type {parent} "
        f"can never be of type {condition}"
    )


def _fragment_condition(error: GraphQLError) -> Translation:
    if error.message.startswith("Fragment '"):
        return (
            "FragmentTypeConditionInvalid",
            "Fragment type condition is invalid, must be on Object/Interface/Union",
        )
    return (
        "InlineFragmentTypeConditionInvalid",
        "Inline fragment type condition is invalid, must be on Object/Interface/Union",
    )


def _variable_position(error: GraphQLError) -> Translation:
    variable_type, expected = _quoted(error.message, 1), _quoted(error.message, 2)
    return (
        "VariableTypeMismatch",
        f"Variable type '{variable_type}' doesn't match expected type '{expected}'",
    )


def _java_type_name_of(printed: str) -> str:
    # `type.getName()` again: null for a list or non-null type.
    return "null" if printed.endswith(("!", "]")) else printed


def _conflict_reason(text: str) -> str:
    """graphql-core's conflict reason in graphql-java's words; nested subfield conflicts become
    graphql-java's parenthesised `(name: reason)`."""
    nested = re.match(r"subfields '([^']*)' conflict because (.*)$", text)
    if nested:
        return f"({nested.group(1)}: {_conflict_reason(nested.group(2))})"
    different = re.match(r"'([^']*)' and '([^']*)' are different fields", text)
    if different:
        return f"{different.group(1)} and {different.group(2)} are different fields"
    types = re.match(r"they return conflicting types '([^']*)' and '([^']*)'", text)
    if types:
        first, second = (_java_type_name_of(name) for name in types.groups())
        return f"they return differing types {first} and {second}"
    if text.startswith("they have differing arguments"):
        return "they have differing arguments"
    return text


def _fields_conflict(error: GraphQLError) -> Translation:
    response_name = _quoted(error.message)
    match = re.search(r"conflict because (.*?)(?:\. Use different aliases.*)?$", error.message)
    reason = _conflict_reason(match.group(1)) if match else ""
    return "FieldsConflict", f"{response_name}: {reason}"


def _operation_type(error: GraphQLError) -> Translation:
    # graphql-java has no such rule: its executor throws MissingRootTypeException, whose text
    # stands alone, without the "Validation error" frame (an empty type says so).
    operation = re.search(r"The (\w+) operation", error.message)
    kind = operation.group(1) if operation else "operation"
    return "", f"Schema is not configured for {kind}s."


def _fixed(type_: str, text: str) -> Translator:
    return lambda _error: (type_, text)


def _named(type_: str, template: str, *, from_node: bool = False) -> Translator:
    def translate(error: GraphQLError) -> Translation:
        name = _node_name(error) if from_node else _quoted(error.message)
        return type_, template.format(name.lstrip("$@"))

    return translate


# graphql-core rule -> graphql-java ValidationErrorType and description.
_TRANSLATORS: Mapping[type[ASTValidationRule], Translator] = {
    rules.ExecutableDefinitionsRule: _named(
        "NonExecutableDefinition", "Type '{}' definition is not executable."
    ),
    rules.KnownOperationTypesRule: _operation_type,
    rules.UniqueOperationNamesRule: _named(
        "DuplicateOperationName", "There can be only one operation named '{}'"
    ),
    rules.LoneAnonymousOperationRule: _fixed(
        "LoneAnonymousOperationViolation", "Anonymous operation with other operations."
    ),
    rules.SingleFieldSubscriptionsRule: _fixed(
        "SubscriptionMultipleRootFields", "Subscription operation must have exactly one root field"
    ),
    rules.KnownTypeNamesRule: _named("UnknownType", "Unknown type {}", from_node=True),
    rules.FragmentsOnCompositeTypesRule: _fragment_condition,
    rules.VariablesAreInputTypesRule: _fixed("NonInputTypeOnVariable", "Wrong type for a variable"),
    rules.ScalarLeafsRule: _sub_selection,
    rules.FieldsOnCorrectTypeRule: _field_undefined,
    rules.UniqueFragmentNamesRule: _named(
        "DuplicateFragmentName", "There can be only one fragment named '{}'"
    ),
    rules.KnownFragmentNamesRule: _named("UndefinedFragment", "Undefined fragment {}"),
    rules.NoUnusedFragmentsRule: _named("UnusedFragment", "Unused fragment {}"),
    rules.PossibleFragmentSpreadsRule: _fragment_spread,
    rules.NoFragmentCyclesRule: _fixed("FragmentCycle", "Fragment cycles not allowed"),
    rules.UniqueVariableNamesRule: _named(
        "DuplicateVariableName", "There can be only one variable named '{}'"
    ),
    rules.NoUndefinedVariablesRule: _named("UndefinedVariable", "Undefined variable {}"),
    rules.NoUnusedVariablesRule: _named("UnusedVariable", "Unused variable {}"),
    rules.KnownDirectivesRule: _known_directive,
    rules.UniqueDirectivesPerLocationRule: _named(
        "DuplicateDirectiveName",
        "Non repeatable directives must be uniquely named within a location. "
        "The directive '{}' used on a '{{holder}}' is not unique.",
    ),
    rules.KnownArgumentNamesRule: _unknown_argument,
    rules.UniqueArgumentNamesRule: _named(
        "DuplicateArgumentNames", "There can be only one argument named '{}'"
    ),
    rules.ProvidedRequiredArgumentsRule: _missing_argument,
    rules.VariablesInAllowedPositionRule: _variable_position,
    rules.OverlappingFieldsCanBeMergedRule: _fields_conflict,
    rules.UniqueInputFieldNamesRule: _named(
        "DuplicateInputField", "There can be only one input field named '{}'"
    ),
}


def argument_path(argument: ArgumentNode, inner: list[str | int]) -> str:
    """`input.beginsWith.createdAt`, `ids[2]`: graphql-java's name for a nested argument value."""
    text = argument.name.value
    for step in inner:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


def _check_literal(value: ValueNode, type_: GraphQLInputType, path: list[str | int]) -> None:
    """graphql-java's ArgumentValidationUtil: raise LiteralError at the first bad leaf."""
    if isinstance(value, VariableNode):
        return
    if isinstance(value, NullValueNode):
        if isinstance(type_, GraphQLNonNull):
            raise LiteralError(path, value, "must not be null")
        return
    if isinstance(type_, GraphQLNonNull):
        _check_literal(value, type_.of_type, path)
        return
    if isinstance(type_, GraphQLList):
        items = value.values if isinstance(value, ListValueNode) else (value,)
        for index, item in enumerate(items):
            _check_literal(item, type_.of_type, [*path, index] if value is not item else path)
        return
    if isinstance(type_, GraphQLInputObjectType):
        if not isinstance(value, ObjectValueNode):
            raise LiteralError(path, value, "must be an object type")
        given = {field.name.value: field for field in value.fields}
        for name in given:
            if name not in type_.fields:
                raise LiteralError(path, value, f"contains a field not in '{type_.name}': '{name}'")
        missing = [
            name
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull)
            and field.default_value is Undefined
            and name not in given
        ]
        if missing:
            raise LiteralError(path, value, f"is missing required fields '[{', '.join(missing)}]'")
        for name, field_node in given.items():
            _check_literal(field_node.value, type_.fields[name].type, [*path, name])
        return
    if isinstance(type_, GraphQLEnumType):
        if not isinstance(value, EnumValueNode) or value.value not in type_.values:
            raise LiteralError(path, value, f"is not a valid '{type_.name}'")
        return
    if isinstance(type_, GraphQLScalarType):
        try:
            parsed = type_.parse_literal(value)
        except (GraphQLError, CoercionError, TypeError, ValueError):
            parsed = Undefined
        if parsed is Undefined:
            raise LiteralError(path, value, f"is not a valid '{type_.name}'")


class WrongTypeRule(ValidationRule):
    """graphql-java's ArgumentsOfCorrectType and VariableDefaultValuesOfCorrectType in AppSync's
    words: `argument 'data' with value 'ObjectValue{...}' is not a valid 'AWSJSON'`."""

    def enter_argument(self, node: ArgumentNode, *_args: Any) -> None:
        argument = self.context.get_argument()
        if argument is None:
            return
        try:
            _check_literal(node.value, argument.type, [])
        except LiteralError as problem:
            description = (
                f"argument '{argument_path(node, problem.path)}' with value "
                f"'{java_value(problem.value)}' {problem.tail}"
            )
            self.report_error(
                GraphQLError(description, node, extensions={VALIDATION_ERROR_TYPE: "WrongType"})
            )

    def enter_variable_definition(self, node: VariableDefinitionNode, *_args: Any) -> None:
        default = node.default_value
        type_ = self.context.get_input_type()
        if default is None or type_ is None:
            return
        try:
            _check_literal(default, type_, [])
        except LiteralError:
            description = f"Bad default value {java_value(default)} for type {type_}"
            self.report_error(
                GraphQLError(
                    description, node, extensions={VALIDATION_ERROR_TYPE: "BadValueForDefaultArg"}
                )
            )


# ValuesOfCorrectTypeRule is replaced by WrongTypeRule, which words its errors itself.
APPSYNC_RULES: tuple[type[ASTValidationRule], ...] = (
    *(rule for rule in specified_rules if rule in _TRANSLATORS),
    WrongTypeRule,
)


class _QueryPath(Visitor):
    """graphql-java's query path: the enclosing field names and fragment definition name."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        self.names.append(node.name.value)

    def leave_field(self, *_args: Any) -> None:
        self.names.pop()

    def enter_fragment_definition(self, node: FragmentDefinitionNode, *_args: Any) -> None:
        self.names.append(node.name.value)

    def leave_fragment_definition(self, *_args: Any) -> None:
        self.names.pop()


@dataclass(slots=True)
class _Reported:
    """A validation error as found, before its message is written: graphql-core reports some
    errors where graphql-java's query path or a directive's holder is not at hand, and those are
    looked up together in one more pass over the document."""

    type_: ValidationErrorType
    description: str
    nodes: list[Node]
    path: list[str] | None  # None: the query path at nodes[0], looked up
    holder_of: Node | None = None  # a directive whose holder the description names

    def message(self, paths: dict[int, list[str]], holders: dict[int, str]) -> str:
        description = self.description
        if self.holder_of is not None:
            description = description.replace("{holder}", holders.get(id(self.holder_of), ""))
        path = self.path if self.path is not None else paths.get(id(self.nodes[0]), [])
        return validation_message(self.type_, description, path)


def _positions(
    document: DocumentNode, targets: set[int], directives: set[int]
) -> tuple[dict[int, list[str]], dict[int, str]]:
    """In one pass: the query path at each target node, and the element each directive sits on,
    named by graphql-java's Java class (`Field`, `OperationDefinition`, `InlineFragment`,
    `FragmentSpread`, `FragmentDefinition`); both by the nodes' identities."""
    tracker = _QueryPath()
    paths: dict[int, list[str]] = {}
    holders: dict[int, str] = {}

    class _Finder(Visitor):
        def enter(self, node: Node, *_args: Any) -> None:
            if id(node) in targets:
                paths[id(node)] = list(tracker.names)
            for directive in getattr(node, "directives", None) or ():
                if id(directive) in directives:
                    holders[id(directive)] = type(node).__name__.removesuffix("Node")

    visit(document, ParallelVisitor([tracker, _Finder()]))
    return paths, holders


def validation_message(type_: ValidationErrorType, description: str, path: list[str]) -> str:
    if not type_:
        return description
    suffix = f" @ '{'/'.join(path)}'" if path else ""
    return f"Validation error of type {type_}: {description}{suffix}"


_REPORTED_ON_LEAVE = (
    rules.NoUndefinedVariablesRule,
    rules.ProvidedRequiredArgumentsRule,
    rules.VariablesInAllowedPositionRule,
)


def _location_nodes(rule: type[ASTValidationRule], error: GraphQLError) -> list[Node]:
    nodes = list(error.nodes or [])
    if not nodes:
        return []
    if rule is rules.OverlappingFieldsCanBeMergedRule:
        return nodes
    # graphql-java places a duplicate at its second occurrence, everything else at the first.
    duplicates = (
        rules.UniqueOperationNamesRule,
        rules.UniqueFragmentNamesRule,
        rules.UniqueVariableNamesRule,
        rules.UniqueArgumentNamesRule,
        rules.UniqueDirectivesPerLocationRule,
        rules.UniqueInputFieldNamesRule,
    )
    # VariablesInAllowedPosition names the definition first; graphql-java points at the use.
    last = (*duplicates, rules.VariablesInAllowedPositionRule)
    return [nodes[-1]] if rule in last else [nodes[0]]


def validate_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    extra_rules: tuple[type[ASTValidationRule], ...] = (),
) -> list[GraphQLError]:
    """Validate an operation document; the errors carry AppSync's messages and locations.

    As graphql-java (since 18): at most MAX_VALIDATION_ERRORS errors, the last of them saying
    so, and validation stops there."""
    type_info = TypeInfo(schema)
    query_path = _QueryPath()
    reported: list[_Reported] = []

    def context_for(rule: type[ASTValidationRule]) -> ValidationContext:
        def on_error(error: GraphQLError) -> None:
            translator = _TRANSLATORS.get(rule)
            if translator is None:
                # WrongTypeRule and extra rules name the ValidationErrorType themselves.
                type_ = str((error.extensions or {}).get(VALIDATION_ERROR_TYPE, "WrongType"))
                description = error.message
            else:
                type_, description = translator(error)
            nodes = _location_nodes(rule, error)
            # graphql-core reports these on leaving the node, graphql-java on entering it.
            path = None if rule in _REPORTED_ON_LEAVE and nodes else list(query_path.names)
            holder_of = (
                nodes[0] if rule is rules.UniqueDirectivesPerLocationRule and nodes else None
            )
            if len(reported) >= MAX_VALIDATION_ERRORS - 1:
                raise ValidationAbortedError
            reported.append(_Reported(type_, description, nodes, path, holder_of))

        return ValidationContext(schema, document, type_info, on_error)

    visitors: list[Visitor] = [query_path]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if fragments:
        visitors.append(FragmentNestingVisitor(fragments))
    for rule in (*APPSYNC_RULES, *extra_rules):
        visitors.append(rule(context_for(rule)))
    ended: GraphQLError | None = None
    try:
        visit(
            document,
            TypeInfoVisitor(type_info, ParallelVisitor(visitors)),
            query_document_keys_to_validate,
        )
    except ValidationAbortedError:
        # graphql-java's ValidationErrorCollector: the error that stops validation.
        ended = GraphQLError(
            validation_message(
                "MaxValidationErrorsReached",
                "The maximum number of validation errors has been reached. "
                f"({MAX_VALIDATION_ERRORS})",
                [],
            )
        )
    except GraphQLError as error:
        ended = error
    except RecursionError:
        ended = GraphQLError("Validation aborted.")
    errors = _written(document, reported)
    if ended is not None:
        errors.append(ended)
    return errors


def _written(document: DocumentNode, reported: list[_Reported]) -> list[GraphQLError]:
    targets = {id(error.nodes[0]) for error in reported if error.path is None}
    directives = {id(error.holder_of) for error in reported if error.holder_of is not None}
    paths, holders = (
        _positions(document, targets, directives) if targets or directives else ({}, {})
    )
    return [GraphQLError(error.message(paths, holders), error.nodes) for error in reported]
