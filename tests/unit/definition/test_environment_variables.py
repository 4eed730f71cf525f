"""AppSync's rules for an API's environment variables, from botocore's appsync model
(`EnvironmentVariableMap`: at most 50; `EnvironmentVariableKey`: 2 to 64 characters,
`^[A-Za-z]+\\w*$`; `EnvironmentVariableValue`: at most 512) and the
PutGraphqlApiEnvironmentVariables reference ("Keys must begin with a letter", "Keys can only
contain letters, numbers, and the underscore character (_)", "Values can be up to 512 characters
long", "You can configure up to 50 key-value pairs")."""

from __future__ import annotations

from typing import Any

from definition.environment_variables import read_environment_variables


class _Sink:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, key_path: str, message: str) -> None:
        self.problems.append(f"{key_path}: {message}")


def _read(raw: Any) -> tuple[dict[str, str], list[str]]:
    sink = _Sink()
    return read_environment_variables(sink, raw, "env"), sink.problems


def test_strings_are_kept_and_scalars_written_as_strings() -> None:
    found, problems = _read({"STAGE": "dev", "LIMIT": 25, "RATE": 0.5, "ON": True, "Ab_1": ""})
    assert problems == []
    assert found == {"STAGE": "dev", "LIMIT": "25", "RATE": "0.5", "ON": "true", "Ab_1": ""}


def test_none_is_no_variables() -> None:
    assert _read(None) == ({}, [])


def test_keys_follow_appsyncs_pattern() -> None:
    found, problems = _read(
        {"A": "1", "1A": "2", "_A": "3", "A-B": "4", "A" * 65: "5", "A" * 64: "6", "aB9_": "7"}
    )
    assert found == {"A" * 64: "6", "aB9_": "7"}
    rule = "a key must begin with a letter, be 2 to 64 characters long and hold only letters, "
    rule += "digits and _"
    assert problems == [
        f"env.A: {rule}",
        f"env.1A: {rule}",
        f"env._A: {rule}",
        f"env.A-B: {rule}",
        f"env.{'A' * 65}: {rule}",
    ]


def test_values_are_strings_of_at_most_512_characters() -> None:
    found, problems = _read({"OK": "x" * 512, "LONG": "x" * 513, "LIST": ["a"], "MAP": {}})
    assert found == {"OK": "x" * 512}
    assert problems == [
        "env.LONG: a value is at most 512 characters long, got 513",
        "env.LIST: expected a string, got list",
        "env.MAP: expected a string, got dict",
    ]


def test_at_most_fifty_pairs() -> None:
    _, problems = _read({f"K{index}": "v" for index in range(51)})
    assert problems == ["env: at most 50 environment variables, got 51"]
    assert _read({f"K{index}": "v" for index in range(50)})[1] == []


def test_not_a_mapping() -> None:
    assert _read(["STAGE=dev"]) == ({}, ["env: expected a mapping of names to strings, got list"])
