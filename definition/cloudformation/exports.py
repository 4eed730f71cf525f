"""The exports of stacks deployed together, which `Fn::ImportValue` reads.

A stack exports an output by giving it `Export: {Name: ...}` (the name may be an intrinsic
function of the exporting stack); another stack of the same account and region reads it with
`Fn::ImportValue` ("Fn::ImportValue" and "Exporting stack output values", CloudFormation User
Guide). A CDK app that passes a construct from one stack to another writes exactly this: the
producing stack's `ExportsOutput...` outputs and the consuming stack's imports, and the
consumer's manifest `dependencies` name the producer. Locally the stacks read together share
one `Exports`: a name is looked up among their outputs (nested stacks' included) when first
imported, and its value is the output's, evaluated in its own stack.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from definition.cloudformation.intrinsics import Scope, evaluate, text
from definition.cloudformation.template import Template
from definition.errors import TemplateValueError


class ExportingStack(Scope, Protocol):
    """What the exports read of a stack (`stack.Stack`, which holds them)."""

    @property
    def template(self) -> Template: ...

    def tree(self) -> Iterator[ExportingStack]: ...

    def output(self, name: str, path: str) -> Any: ...

    def problem(self, logical_id: str | None, path: str, message: str) -> None: ...


class Exports:
    """The exported outputs of a group of stacks, by export name."""

    def __init__(self) -> None:
        self._stacks: list[ExportingStack] = []
        self._names: dict[str, tuple[ExportingStack, str]] | None = None

    def add(self, stack: ExportingStack) -> None:
        """Export `stack`'s outputs (and its nested stacks')."""
        self._stacks.append(stack)
        self._names = None

    def value(self, name: str, path: str) -> Any:
        """The value exported as `name`; TemplateValueError when no stack exports it."""
        names = self._exported()
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            raise TemplateValueError(
                path,
                f"no stack read with this one exports {name!r} (exports: {known}); give the "
                "value as a parameter instead (--parameter Name=Value)",
            )
        stack, output = names[name]
        return stack.output(output, path)

    def _exported(self) -> dict[str, tuple[ExportingStack, str]]:
        if self._names is None:
            self._names = {}
            for root in self._stacks:
                for stack in root.tree():
                    self._names.update(_exports_of(stack))
        return self._names


def _exports_of(stack: ExportingStack) -> dict[str, tuple[ExportingStack, str]]:
    found = {}
    for output, declared in stack.template.section("Outputs").items():
        export = declared.get("Export") if isinstance(declared, dict) else None
        if not isinstance(export, dict) or "Name" not in export:
            continue
        path = f"Outputs.{output}.Export.Name"
        try:
            name = text(evaluate(export["Name"], stack, path), path, "Export.Name")
        except TemplateValueError as error:
            stack.problem(None, error.path, error.message)
            continue
        found[name] = (stack, str(output))
    return found
