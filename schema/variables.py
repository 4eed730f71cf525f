"""Variable coercion in AppSync's words: graphql-java stops at the first bad value and AppSync
reports that one (schema/messages.py words the validation errors).

graphql-core refuses some values graphql-java accepts (`"42"` for an Int); `coerce_variables`
gives the values graphql-java would pass on, or AppSync's error for the first that does not
coerce.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    VariableDefinitionNode,
    is_input_type,
    specified_scalar_types,
    type_from_ast,
)
from graphql.pyutils import Undefined

from schema.errors import CoercionError, VariableCoercionError
from schema.scalars import AWS_SCALARS, java_type_name, serialize_builtin


def _null_problem(variable: str, type_: GraphQLInputType) -> VariableCoercionError:
    # AppSync names the outermost variable but the innermost type (aws-appsync-community#406).
    return VariableCoercionError(
        f"Variable '{variable}' has coerced Null value for NonNull type '{type_}'"
    )


def _invalid(name: str, detail: str) -> VariableCoercionError:
    # AppSync names the innermost input field (aws-amplify/amplify-flutter#822: 'phone').
    return VariableCoercionError(f"Variable '{name}' has an invalid value. {detail}")


def _coerce(value: Any, type_: GraphQLInputType, variable: str, name: str) -> Any:
    """One input value as graphql-java coerces it (`"42"` is an Int), or VariableCoercionError."""
    if isinstance(type_, GraphQLNonNull):
        if value is None:
            raise _null_problem(variable, type_)
        return _coerce(value, type_.of_type, variable, name)
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        return [_coerce(item, type_.of_type, variable, name) for item in items]
    if isinstance(type_, GraphQLInputObjectType):
        return _coerce_object(value, type_, variable, name)
    if isinstance(type_, GraphQLEnumType):
        if not isinstance(value, str) or value not in type_.values:
            raise _invalid(
                name,
                f"Invalid input for Enum '{type_.name}'. No value found for name '{value}'",
            )
        return value
    if isinstance(type_, GraphQLScalarType):
        if type_.name in AWS_SCALARS:
            try:
                AWS_SCALARS[type_.name].parse_value(value)
            except CoercionError as error:
                raise _invalid(name, error.detail) from None
            return value
        if specified_scalar_types.get(type_.name) is type_:
            # graphql-java's parseValue shares its serializer's conversions.
            try:
                return serialize_builtin(type_.name, value)
            except CoercionError as error:
                raise _invalid(name, error.detail) from None
    return value


def _coerce_object(
    value: Any, type_: GraphQLInputObjectType, variable: str, name: str
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(
            name,
            f"Expected type 'Map' but was '{java_type_name(value)}'. "
            "Variables for input objects must be an instance of type 'Map'.",
        )
    for key in value:
        if key not in type_.fields:
            raise VariableCoercionError(
                f"The variables input contains a field name '{key}' that is not defined "
                f"for input object type '{type_.name}' "
            )
    coerced: dict[str, Any] = {}
    for key, input_field in type_.fields.items():
        if key in value:
            coerced[key] = _coerce(value[key], input_field.type, variable, key)
        elif (
            isinstance(input_field.type, GraphQLNonNull) and input_field.default_value is Undefined
        ):
            raise _null_problem(variable, input_field.type)
    return coerced


def coerce_variables(
    schema: GraphQLSchema,
    variable_definitions: tuple[VariableDefinitionNode, ...],
    inputs: Mapping[str, Any],
) -> dict[str, Any] | GraphQLError:
    """The variables as graphql-java coerces them, or AppSync's error for the first one that
    does not coerce, located at its definition."""
    coerced = dict(inputs)
    for definition in variable_definitions:
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        if not is_input_type(type_):
            continue
        try:
            if name in inputs:
                coerced[name] = _coerce(inputs[name], type_, name, name)
            elif definition.default_value is None and isinstance(type_, GraphQLNonNull):
                raise _null_problem(name, type_)
        except VariableCoercionError as problem:
            return GraphQLError(problem.message, definition)
    return coerced
