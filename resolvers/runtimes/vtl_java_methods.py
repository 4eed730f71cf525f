"""The Java methods templates call on values: String, ArrayList, LinkedHashMap, numbers,
Boolean, Map.Entry and Velocity's ForeachScope, each as a table of name -> function.

A method the value's class does not have is an error (`JavaMethodError`), not a silent null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resolvers.errors import JavaMethodError
from resolvers.runtimes.vtl_java import (
    ForeachScope,
    MapEntry,
    is_number,
    java_equals,
    to_java_string,
)
from resolvers.util.core import compile_java_regex


def _java_split(text: str, regex: str, limit: int = 0) -> list[str]:
    """`String.split`: a regex separator; with limit 0 trailing empty strings are dropped."""
    pattern = compile_java_regex(regex)
    if limit > 0:
        parts = pattern.split(text, maxsplit=limit - 1)
    else:
        parts = pattern.split(text)
    if not text:
        return [""]
    # Java drops the leading empty string a zero-width match at index 0 would make.
    first = pattern.match(text)
    if parts and parts[0] == "" and first is not None and first.end() == 0:
        parts = parts[1:]
    if limit == 0:
        while parts and parts[-1] == "":
            parts.pop()
    return parts


def _java_replacement(replacement: str) -> str:
    """Java's `$1` group references in a replacement string, for Python's `re.sub`."""
    out = []
    i = 0
    while i < len(replacement):
        char = replacement[i]
        if char == "\\" and i + 1 < len(replacement):
            out.append(replacement[i + 1].replace("\\", "\\\\"))
            i += 2
        elif char == "$" and i + 1 < len(replacement) and replacement[i + 1].isdigit():
            out.append(f"\\g<{replacement[i + 1]}>")
            i += 2
        elif char == "\\":
            out.append("\\\\")
            i += 1
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _index_of(text: str, sub: Any, start: int = 0) -> int:
    return text.find(to_java_string(sub), max(start, 0))


def _substring(text: str, begin: int, end: int | None = None) -> str:
    stop = len(text) if end is None else end
    if begin < 0 or stop > len(text) or begin > stop:
        raise JavaMethodError(f"begin {begin}, end {stop}, length {len(text)}")
    return text[begin:stop]


def _char_at(text: str, index: int) -> str:
    if not 0 <= index < len(text):
        raise JavaMethodError(f"String index out of range: {index}")
    return text[index]


def _compare_to(left: str, right: str) -> int:
    for a, b in zip(left, right, strict=False):
        if a != b:
            return ord(a) - ord(b)
    return len(left) - len(right)


STRING_METHODS: dict[str, Callable[..., Any]] = {
    "length": lambda s: len(s),
    "isEmpty": lambda s: len(s) == 0,
    "isBlank": lambda s: s.strip() == "",
    "contains": lambda s, sub: to_java_string(sub) in s,
    "startsWith": lambda s, prefix, offset=0: s.startswith(prefix, offset),
    "endsWith": lambda s, suffix: s.endswith(suffix),
    "indexOf": _index_of,
    "lastIndexOf": lambda s, sub: s.rfind(to_java_string(sub)),
    "substring": _substring,
    "charAt": _char_at,
    "toLowerCase": lambda s: s.lower(),
    "toUpperCase": lambda s: s.upper(),
    "trim": lambda s: s.strip(" \t\n\r\x0b\x0c\x00"),
    "strip": lambda s: s.strip(),
    "split": _java_split,
    "replace": lambda s, target, repl: s.replace(to_java_string(target), to_java_string(repl)),
    "replaceAll": lambda s, regex, repl: compile_java_regex(regex).sub(_java_replacement(repl), s),
    "replaceFirst": lambda s, regex, repl: compile_java_regex(regex).sub(
        _java_replacement(repl), s, count=1
    ),
    "matches": lambda s, regex: compile_java_regex(regex).fullmatch(s) is not None,
    "equals": lambda s, other: isinstance(other, str) and s == other,
    "equalsIgnoreCase": lambda s, other: isinstance(other, str) and s.lower() == other.lower(),
    "compareTo": _compare_to,
    "compareToIgnoreCase": lambda s, other: _compare_to(s.lower(), other.lower()),
    "concat": lambda s, other: s + other,
    "toString": lambda s: s,
    "toCharArray": lambda s: list(s),
    "getBytes": lambda s: list(s.encode("utf-8")),
}


def _list_add(items: list[Any], *args: Any) -> Any:
    if len(args) == 1:
        items.append(args[0])
        return True
    index, value = args
    items.insert(index, value)
    return None


def _list_add_all(items: list[Any], *args: Any) -> bool:
    if len(args) == 1:
        items.extend(args[0])
        return len(args[0]) > 0
    index, values = args
    items[index:index] = list(values)
    return len(values) > 0


def _list_get(items: list[Any], index: int) -> Any:
    if not 0 <= index < len(items):
        raise JavaMethodError(f"Index {index} out of bounds for length {len(items)}")
    return items[index]


def _list_set(items: list[Any], index: int, value: Any) -> Any:
    previous = _list_get(items, index)
    items[index] = value
    return previous


def _list_remove(items: list[Any], target: Any) -> Any:
    # Java picks remove(int index) for an Integer argument, remove(Object) otherwise.
    if is_number(target) and isinstance(target, int):
        _list_get(items, target)
        return items.pop(target)
    for i, item in enumerate(items):
        if java_equals(item, target):
            del items[i]
            return True
    return False


def _list_index_of(items: list[Any], target: Any) -> int:
    for i, item in enumerate(items):
        if java_equals(item, target):
            return i
    return -1


def _list_remove_all(items: list[Any], targets: list[Any]) -> bool:
    kept = [item for item in items if not any(java_equals(item, t) for t in targets)]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


def _list_retain_all(items: list[Any], targets: list[Any]) -> bool:
    kept = [item for item in items if any(java_equals(item, t) for t in targets)]
    changed = len(kept) != len(items)
    items[:] = kept
    return changed


LIST_METHODS: dict[str, Callable[..., Any]] = {
    "size": lambda items: len(items),
    "isEmpty": lambda items: len(items) == 0,
    "get": _list_get,
    "add": _list_add,
    "addAll": _list_add_all,
    "set": _list_set,
    "remove": _list_remove,
    "contains": lambda items, target: _list_index_of(items, target) >= 0,
    "containsAll": lambda items, targets: all(_list_index_of(items, t) >= 0 for t in targets),
    "indexOf": _list_index_of,
    "lastIndexOf": lambda items, target: max(
        (i for i, item in enumerate(items) if java_equals(item, target)), default=-1
    ),
    "clear": lambda items: items.clear(),
    "removeAll": _list_remove_all,
    "retainAll": _list_retain_all,
    "subList": lambda items, start, end: items[start:end],
    "toString": lambda items: to_java_string(items),
    "equals": lambda items, other: isinstance(other, list) and items == other,
    "toArray": lambda items: list(items),
}


def _map_put(mapping: dict[Any, Any], key: Any, value: Any) -> Any:
    previous = mapping.get(key)
    mapping[key] = value
    return previous


def _map_put_if_absent(mapping: dict[Any, Any], key: Any, value: Any) -> Any:
    previous = mapping.get(key)
    if previous is None:
        mapping[key] = value
    return previous


def _map_put_all(mapping: dict[Any, Any], other: dict[Any, Any]) -> None:
    mapping.update(other)


MAP_METHODS: dict[str, Callable[..., Any]] = {
    "get": lambda m, key: m.get(key),
    "getOrDefault": lambda m, key, default: m.get(key, default) if key in m else default,
    "put": _map_put,
    "putIfAbsent": _map_put_if_absent,
    "putAll": _map_put_all,
    "remove": lambda m, key: m.pop(key, None),
    "containsKey": lambda m, key: key in m,
    "containsValue": lambda m, value: any(java_equals(v, value) for v in m.values()),
    "keySet": lambda m: list(m.keys()),
    "values": lambda m: list(m.values()),
    "entrySet": lambda m: [MapEntry(k, v) for k, v in m.items()],
    "size": lambda m: len(m),
    "isEmpty": lambda m: len(m) == 0,
    "clear": lambda m: m.clear(),
    "toString": lambda m: to_java_string(m),
    "equals": lambda m, other: isinstance(other, dict) and m == other,
}

NUMBER_METHODS: dict[str, Callable[..., Any]] = {
    "intValue": lambda n: int(n),
    "longValue": lambda n: int(n),
    "doubleValue": lambda n: float(n),
    "floatValue": lambda n: float(n),
    "toString": lambda n: to_java_string(n),
    "equals": lambda n, other: is_number(other) and type(n) is type(other) and n == other,
    "compareTo": lambda n, other: (n > other) - (n < other),
}

BOOLEAN_METHODS: dict[str, Callable[..., Any]] = {
    "booleanValue": lambda b: b,
    "toString": lambda b: to_java_string(b),
    "equals": lambda b, other: isinstance(other, bool) and b == other,
}

FOREACH_METHODS: dict[str, Callable[..., Any]] = {
    "getIndex": lambda f: f.index,
    "getCount": lambda f: f.index + 1,
    "hasNext": lambda f: f.index + 1 < f.size,
    "getHasNext": lambda f: f.index + 1 < f.size,
    "isFirst": lambda f: f.index == 0,
    "getFirst": lambda f: f.index == 0,
    "isLast": lambda f: f.index + 1 == f.size,
    "getLast": lambda f: f.index + 1 == f.size,
}

ENTRY_METHODS: dict[str, Callable[..., Any]] = {
    "getKey": lambda e: e.key,
    "getValue": lambda e: e.value,
    "toString": lambda e: to_java_string(e),
}


# Checked in order: bool before int, as a Python bool is an int.
_JAVA_CLASSES: tuple[tuple[type, str, dict[str, Callable[..., Any]]], ...] = (
    (str, "java.lang.String", STRING_METHODS),
    (bool, "java.lang.Boolean", BOOLEAN_METHODS),
    (int, "java.lang.Integer", NUMBER_METHODS),
    (float, "java.lang.Double", NUMBER_METHODS),
    (dict, "java.util.LinkedHashMap", MAP_METHODS),
    (list, "java.util.ArrayList", LIST_METHODS),
    (MapEntry, "java.util.Map$Entry", ENTRY_METHODS),
    (ForeachScope, "org.apache.velocity.runtime.directive.ForeachScope", FOREACH_METHODS),
)


def _java_class(value: Any) -> tuple[str, dict[str, Callable[..., Any]]] | None:
    """The Java class name and method table for a value, or None if it is not a Java value."""
    for python_type, name, methods in _JAVA_CLASSES:
        if isinstance(value, python_type):
            return name, methods
    return None


def java_class_name(value: Any) -> str:
    java = _java_class(value)
    return type(value).__name__ if java is None else java[0]


def methods_for(value: Any) -> dict[str, Callable[..., Any]] | None:
    """The Java method table for a value, or None for an object that is not a Java value."""
    java = _java_class(value)
    return None if java is None else java[1]


def call_java_method(target: Any, name: str, args: list[Any]) -> Any:
    """`$target.name(args)` on a Java value; unknown methods and bad arguments raise."""
    table = methods_for(target)
    method = table.get(name) if table is not None else None
    if method is None:
        signature = ", ".join(java_class_name(a) for a in args)
        raise JavaMethodError(
            f"Object '{java_class_name(target)}' does not contain method {name}({signature})"
        )
    try:
        return method(target, *args)
    except JavaMethodError:
        raise
    except (TypeError, ValueError, IndexError, KeyError, AttributeError) as error:
        raise JavaMethodError(
            f"Invocation of method '{name}' in {java_class_name(target)} threw exception: {error}"
        ) from error


def get_java_property(target: Any, name: str) -> Any:
    """`$target.name` without parentheses: `Map.get`, else a `getName()` / `isName()` getter."""
    if isinstance(target, dict):
        return target.get(name)
    if isinstance(target, MapEntry):
        if name == "key":
            return target.key
        if name == "value":
            return target.value
        return None
    table = methods_for(target)
    if table is None or not name:
        return None
    capital = name[0].upper() + name[1:]
    for getter in ("get" + capital, "is" + capital):
        method = table.get(getter)
        if method is not None:
            try:
                return method(target)
            except TypeError:
                return None
    return None
