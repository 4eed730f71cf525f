"""CloudFormation's intrinsic functions, evaluated against a `Scope` (parameters, conditions,
mappings and the resources' local names).

Each function follows its page of the "Intrinsic function reference" (CloudFormation User
Guide): `Ref`, `Fn::GetAtt` (`[Res, Attr]`, or `Res.Attr`), `Fn::Sub` (a string, or `[string,
{var: value}]`; `${Param}`, `${Res}`, `${Res.Attr}`, `${AWS::Region}`, and `${!Literal}` for a
literal `${Literal}`), `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::If`, `Fn::Equals`,
`Fn::Not`, `Fn::And`, `Fn::Or`, `Fn::FindInMap`, `Fn::GetAZs`, `Fn::Base64`, `Fn::Cidr`, and
the language extensions' `Fn::Length` and `Fn::ToJsonString`. `Ref: AWS::NoValue` removes the
property (or list item) that holds it. `Fn::ImportValue` reads an export of another stack
deployed with this one (a CDK app's stacks: `Scope.import_value`); any other function is an
error that says so.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from typing import Any, Protocol

from definition.errors import TemplateValueError


class Scope(Protocol):
    """What intrinsic functions read: names, attributes, conditions and mappings."""

    @property
    def region(self) -> str: ...

    def ref(self, name: str, path: str) -> Any: ...

    def get_att(self, logical_id: str, attribute: str, path: str) -> Any: ...

    def condition(self, name: str, path: str) -> bool: ...

    def find_in_map(self, name: str, top: str, second: str, path: str) -> Any: ...

    def import_value(self, name: str, path: str) -> Any: ...


class _NoValue:
    """`Ref: AWS::NoValue`: the property that holds it is removed."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def is_function(value: Any) -> bool:
    """Whether `value` is one intrinsic function call (`{"Ref": ...}`, `{"Fn::...": ...}`)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or (isinstance(key, str) and key.startswith("Fn::"))


def evaluate(value: Any, scope: Scope, path: str) -> Any:
    """`value` with every intrinsic function in it evaluated; raises TemplateValueError at the
    first that cannot be, naming its path."""
    if is_function(value):
        ((name, argument),) = value.items()
        return _call(name, argument, scope, _join(path, name))
    if isinstance(value, dict):
        evaluated = {key: evaluate(item, scope, _join(path, key)) for key, item in value.items()}
        return {key: item for key, item in evaluated.items() if item is not NO_VALUE}
    if isinstance(value, list):
        items = [evaluate(item, scope, f"{path}[{index}]") for index, item in enumerate(value)]
        return [item for item in items if item is not NO_VALUE]
    return value


def evaluate_condition(value: Any, scope: Scope, path: str) -> bool:
    """A condition: `{"Condition": name}`, or a function that gives true or false."""
    if isinstance(value, dict) and len(value) == 1 and "Condition" in value:
        name = value["Condition"]
        if not isinstance(name, str):
            raise TemplateValueError(_join(path, "Condition"), "expected a condition's name")
        return scope.condition(name, _join(path, "Condition"))
    result = evaluate(value, scope, path)
    if isinstance(result, str) and result.lower() in ("true", "false"):
        return result.lower() == "true"
    if not isinstance(result, bool):
        raise TemplateValueError(path, f"expected a condition, got {_describe(result)}")
    return result


def text(value: Any, path: str, function: str) -> str:
    """A string (numbers as CloudFormation writes them) for a function that needs one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise TemplateValueError(path, f"{function} needs a string here, got {_describe(value)}")


def _call(name: str, argument: Any, scope: Scope, path: str) -> Any:
    if name == "Ref":
        if not isinstance(argument, str):
            raise TemplateValueError(path, "expected the name of a parameter or resource")
        return scope.ref(argument, path)
    function = _FUNCTIONS.get(name)
    if function is None:
        if name == "Fn::Transform":
            raise TemplateValueError(
                path, "this transform runs in AWS CloudFormation; it is not available locally"
            )
        raise TemplateValueError(path, f"unknown intrinsic function {name}")
    return function(argument, scope, path)


def _arguments(argument: Any, path: str, name: str, count: int | tuple[int, int]) -> list[Any]:
    low, high = (count, count) if isinstance(count, int) else count
    if not isinstance(argument, list) or not low <= len(argument) <= high:
        wanted = str(low) if low == high else f"{low} to {high}"
        raise TemplateValueError(path, f"{name} takes a list of {wanted} arguments")
    return argument


def _get_att(argument: Any, scope: Scope, path: str) -> Any:
    if isinstance(argument, str):
        argument = argument.split(".", 1)
    logical_id, attribute = _arguments(argument, path, "Fn::GetAtt", 2)
    attribute = evaluate(attribute, scope, f"{path}[1]")
    if not isinstance(logical_id, str) or not isinstance(attribute, str) or not attribute:
        raise TemplateValueError(path, "expected [LogicalId, AttributeName]")
    return scope.get_att(logical_id, attribute, path)


def _sub(argument: Any, scope: Scope, path: str) -> str:
    variables: dict[str, Any] = {}
    if isinstance(argument, list):
        template, names = _arguments(argument, path, "Fn::Sub", 2)
        if not isinstance(names, dict):
            raise TemplateValueError(f"{path}[1]", "expected a mapping of variable names to values")
        variables = {key: evaluate(item, scope, f"{path}[1].{key}") for key, item in names.items()}
    else:
        template = argument
    if not isinstance(template, str):
        raise TemplateValueError(path, "expected a string with ${} variables")

    def replace(found: re.Match[str]) -> str:
        name = found[1].strip()
        if name.startswith("!"):
            return "${" + found[1][1:] + "}"
        if name in variables:
            return text(variables[name], path, "Fn::Sub")
        if "." in name and not name.startswith("AWS::"):
            logical_id, _, attribute = name.partition(".")
            return text(scope.get_att(logical_id, attribute, path), path, "Fn::Sub")
        return text(scope.ref(name, path), path, "Fn::Sub")

    return _SUB_VARIABLE.sub(replace, template)


def _join_function(argument: Any, scope: Scope, path: str) -> str:
    delimiter, items = _arguments(argument, path, "Fn::Join", 2)
    delimiter = evaluate(delimiter, scope, f"{path}[0]")
    items = evaluate(items, scope, f"{path}[1]")
    if not isinstance(delimiter, str) or not isinstance(items, list):
        raise TemplateValueError(path, "expected [delimiter, [values]]")
    return delimiter.join(text(item, path, "Fn::Join") for item in items)


def _select(argument: Any, scope: Scope, path: str) -> Any:
    index, items = _arguments(argument, path, "Fn::Select", 2)
    index = evaluate(index, scope, f"{path}[0]")
    items = evaluate(items, scope, f"{path}[1]")
    try:
        position = int(index)
    except (TypeError, ValueError):
        raise TemplateValueError(f"{path}[0]", f"expected an index, got {index!r}") from None
    if not isinstance(items, list):
        raise TemplateValueError(f"{path}[1]", f"expected a list, got {_describe(items)}")
    if not 0 <= position < len(items):
        raise TemplateValueError(
            f"{path}[0]", f"index {position} is out of the list's range (0 to {len(items) - 1})"
        )
    return items[position]


def _split(argument: Any, scope: Scope, path: str) -> list[str]:
    delimiter, source = _arguments(argument, path, "Fn::Split", 2)
    delimiter = evaluate(delimiter, scope, f"{path}[0]")
    source = evaluate(source, scope, f"{path}[1]")
    if not isinstance(delimiter, str) or not delimiter:
        raise TemplateValueError(f"{path}[0]", "expected a delimiter")
    return text(source, f"{path}[1]", "Fn::Split").split(delimiter)


def _if(argument: Any, scope: Scope, path: str) -> Any:
    name, when_true, when_false = _arguments(argument, path, "Fn::If", 3)
    if not isinstance(name, str):
        raise TemplateValueError(f"{path}[0]", "expected a condition's name")
    if scope.condition(name, f"{path}[0]"):
        return evaluate(when_true, scope, f"{path}[1]")
    return evaluate(when_false, scope, f"{path}[2]")


def _equals(argument: Any, scope: Scope, path: str) -> bool:
    first, second = (
        evaluate(item, scope, f"{path}[{index}]")
        for index, item in enumerate(_arguments(argument, path, "Fn::Equals", 2))
    )
    if isinstance(first, list | dict) or isinstance(second, list | dict):
        return bool(first == second)
    return text(first, path, "Fn::Equals") == text(second, path, "Fn::Equals")


def _not(argument: Any, scope: Scope, path: str) -> bool:
    (condition,) = _arguments(argument, path, "Fn::Not", 1)
    return not evaluate_condition(condition, scope, f"{path}[0]")


def _and(argument: Any, scope: Scope, path: str) -> bool:
    conditions = _arguments(argument, path, "Fn::And", (2, 10))
    return all(
        evaluate_condition(item, scope, f"{path}[{index}]") for index, item in enumerate(conditions)
    )


def _or(argument: Any, scope: Scope, path: str) -> bool:
    conditions = _arguments(argument, path, "Fn::Or", (2, 10))
    return any(
        evaluate_condition(item, scope, f"{path}[{index}]") for index, item in enumerate(conditions)
    )


def _find_in_map(argument: Any, scope: Scope, path: str) -> Any:
    keys = [
        text(evaluate(item, scope, f"{path}[{index}]"), f"{path}[{index}]", "Fn::FindInMap")
        for index, item in enumerate(_arguments(argument, path, "Fn::FindInMap", 3))
    ]
    return scope.find_in_map(keys[0], keys[1], keys[2], path)


def _get_azs(argument: Any, scope: Scope, path: str) -> list[str]:
    region = evaluate(argument, scope, path) or scope.region
    # Local stand-ins for the region's Availability Zones, named as AWS names them.
    return [f"{text(region, path, 'Fn::GetAZs')}{zone}" for zone in "abc"]


def _base64(argument: Any, scope: Scope, path: str) -> str:
    value = text(evaluate(argument, scope, path), path, "Fn::Base64")
    return base64.b64encode(value.encode()).decode()


def _cidr(argument: Any, scope: Scope, path: str) -> list[str]:
    block, count, bits = (
        evaluate(item, scope, f"{path}[{index}]")
        for index, item in enumerate(_arguments(argument, path, "Fn::Cidr", 3))
    )
    try:
        network = ipaddress.ip_network(text(block, path, "Fn::Cidr"), strict=False)
        prefix = network.max_prefixlen - int(bits)
        subnets = network.subnets(new_prefix=prefix)
        return [str(next(subnets)) for _ in range(int(count))]
    except (ValueError, StopIteration) as error:
        raise TemplateValueError(path, f"Fn::Cidr cannot make these subnets: {error}") from None


def _length(argument: Any, scope: Scope, path: str) -> int:
    items = evaluate(argument, scope, path)
    if not isinstance(items, list):
        raise TemplateValueError(path, f"Fn::Length needs a list, got {_describe(items)}")
    return len(items)


def _to_json_string(argument: Any, scope: Scope, path: str) -> str:
    return json.dumps(evaluate(argument, scope, path), separators=(",", ":"))


def _import_value(argument: Any, scope: Scope, path: str) -> Any:
    name = text(evaluate(argument, scope, path), path, "Fn::ImportValue")
    return scope.import_value(name, path)


_FUNCTIONS = {
    "Fn::GetAtt": _get_att,
    "Fn::ImportValue": _import_value,
    "Fn::Sub": _sub,
    "Fn::Join": _join_function,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::If": _if,
    "Fn::Equals": _equals,
    "Fn::Not": _not,
    "Fn::And": _and,
    "Fn::Or": _or,
    "Fn::FindInMap": _find_in_map,
    "Fn::GetAZs": _get_azs,
    "Fn::Base64": _base64,
    "Fn::Cidr": _cidr,
    "Fn::Length": _length,
    "Fn::ToJsonString": _to_json_string,
}


def references(value: Any) -> set[str]:
    """The names `value` refers to through `Ref`, `Fn::GetAtt` and `Fn::Sub` (parameters and
    pseudo parameters among them): what a resource depends on."""
    found: set[str] = set()
    if isinstance(value, list):
        for item in value:
            found |= references(item)
        return found
    if not isinstance(value, dict):
        return found
    if is_function(value):
        ((name, argument),) = value.items()
        if name == "Ref" and isinstance(argument, str):
            return {argument}
        if name == "Fn::GetAtt":
            parts = argument.split(".", 1) if isinstance(argument, str) else argument
            if isinstance(parts, list) and parts and isinstance(parts[0], str):
                found.add(parts[0])
            return found | references(parts[1:] if isinstance(parts, list) else [])
        if name == "Fn::Sub":
            template, variables = (
                (argument[0], argument[1])
                if isinstance(argument, list) and argument
                else (argument, {})
            )
            own = set(variables) if isinstance(variables, dict) else set()
            if isinstance(template, str):
                for found_name in _SUB_VARIABLE.findall(template):
                    name_only = found_name.strip().split(".", 1)[0]
                    if not found_name.startswith("!") and name_only not in own:
                        found.add(name_only)
            return found | references(variables)
    for item in value.values():
        found |= references(item)
    return found


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else f"{type(value).__name__} {value!r}"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
