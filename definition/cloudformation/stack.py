"""One template deployed locally: its parameters, conditions, mappings and resources, each
resource's properties evaluated on demand, and its local names.

`Stack` is the CloudFormation engine every template-based reader shares (plain templates, SAM
after its transform, each stack of a `cdk.out`, Serverless' resources, Amplify's build): it
answers `Ref`, `Fn::GetAtt`, `Fn::FindInMap` and conditions for the intrinsic functions, tells
whether a resource exists (its `Condition`), and evaluates a resource's `Properties`, recording
each problem with the resource's logical id and property path. `DependsOn` is ignored: nothing
is created in order. A circular dependency between resources (through `Ref`, `Fn::GetAtt` and
`Fn::Sub`) is a problem naming the cycle, as CloudFormation refuses such a template.

An `AWS::CloudFormation::Stack` is a nested stack (its page in the CloudFormation User Guide):
its `TemplateURL` (a local path, or an S3 location the format maps to a local file) is read as
a child `Stack` named `<parent>-<LogicalId>-<SUFFIX>`, whose parameters are the resource's
`Parameters` (strings; a list is joined with commas); `Ref` gives the child's stack id and
`Fn::GetAtt Child.Outputs.<Name>` the child's output. Children share their parent's problems
and notices, each naming its own template file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from definition.cloudformation.assets import LocalAssets
from definition.cloudformation.exports import Exports
from definition.cloudformation.intrinsics import evaluate, evaluate_condition, references
from definition.cloudformation.names import LocalNames
from definition.cloudformation.parameters import (
    StackSettings,
    Unavailable,
    pseudo_parameters,
    read_parameters,
)
from definition.cloudformation.template import Template, load_template
from definition.errors import InvalidDefinitionError, TemplateValueError
from definition.problems import Notice, Problem

NESTED_STACK = "AWS::CloudFormation::Stack"


class _UnnamedError(TemplateValueError):
    """A resource's name cannot be made (a problem of the resource itself, recorded there)."""


@dataclass(frozen=True, slots=True)
class Resource:
    """A resource as the template writes it (properties not evaluated)."""

    logical_id: str
    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    condition: str | None = None


class Stack:
    """A template's values, evaluated on demand; `problems` gathers what cannot be."""

    def __init__(
        self,
        template: Template,
        settings: StackSettings,
        assets: LocalAssets | None = None,
        *,
        parent: Stack | None = None,
        reports_to: Stack | None = None,
    ) -> None:
        """`parent`: the stack this one is nested in; `reports_to`: another stack deployed
        with this one (a CDK app's stack this one depends on), whose report holds this one's
        problems and notices too."""
        self.template = template
        self.settings = settings
        self.assets = assets or LocalAssets(template.base_dir)
        self.file = str(template.file)
        self.parent = parent
        shared = parent or reports_to
        # One list for the stacks read together, so one report holds every problem.
        self.problems: list[Problem] = [] if shared is None else shared.problems
        # Resources and properties accepted without a local effect, each said once.
        self.notices: list[Notice] = [] if shared is None else shared.notices
        # The exports `Fn::ImportValue` reads (`deployed_with`); a nested stack asks its root.
        self.exports: Exports | None = None
        # The stacks deployed with this one whose resources it needs (`deployed_with`).
        self.dependencies: list[Stack] = []
        self._children: dict[str, Stack | None] = {}
        self.parameters, problems = read_parameters(
            self.file,
            template.section("Parameters"),
            settings.parameters or {},
            settings.given_by,
        )
        self.problems += problems
        self._pseudo = pseudo_parameters(settings)
        self._conditions: dict[str, bool] = {}
        self._deciding: list[str] = []
        self.resources = self._read_resources()
        self._properties: dict[tuple[str, str], Any] = {}
        self.names = LocalNames(
            settings, {lid: resource.type for lid, resource in self.resources.items()}, self
        )
        self._cyclic = self._find_cycles()

    @property
    def region(self) -> str:
        return self.settings.region

    # -- the Scope of intrinsic functions

    def ref(self, name: str, path: str) -> Any:
        if name in self.parameters:
            value = self.parameters[name]
            if isinstance(value, Unavailable):
                raise TemplateValueError(path, value.reason)
            return value
        if name in self._pseudo:
            return self._pseudo[name]
        self._check_reachable(name, path)
        try:
            return self.names.ref(name, path)
        except _UnnamedError as error:
            raise TemplateValueError(path, error.message) from None

    def get_att(self, logical_id: str, attribute: str, path: str) -> Any:
        self._check_reachable(logical_id, path)
        if self.resources[logical_id].type == NESTED_STACK:
            return self._nested_output(logical_id, attribute, path)
        try:
            return self.names.get_att(logical_id, attribute, path)
        except _UnnamedError as error:
            raise TemplateValueError(path, error.message) from None

    def condition(self, name: str, path: str) -> bool:
        if name in self._conditions:
            return self._conditions[name]
        conditions = self.template.section("Conditions")
        if name not in conditions:
            known = ", ".join(conditions) or "none declared"
            raise TemplateValueError(path, f"no condition named {name!r} (known: {known})")
        if name in self._deciding:
            cycle = " -> ".join([*self._deciding[self._deciding.index(name) :], name])
            raise TemplateValueError(path, f"circular condition: {cycle}")
        self._deciding.append(name)
        try:
            value = evaluate_condition(conditions[name], self, f"Conditions.{name}")
        finally:
            self._deciding.pop()
        self._conditions[name] = value
        return value

    def find_in_map(self, name: str, top: str, second: str, path: str) -> Any:
        mapping = self.template.section("Mappings").get(name)
        if not isinstance(mapping, dict):
            raise TemplateValueError(path, f"no mapping named {name!r} in Mappings")
        level = mapping.get(top)
        if not isinstance(level, dict) or second not in level:
            raise TemplateValueError(path, f"mapping {name} has no value for [{top}, {second}]")
        return level[second]

    # -- resources

    def exists(self, logical_id: str) -> bool:
        """Whether the resource is created: its `Condition`, if any, is true. A condition that
        cannot be decided is a problem, and the resource is left out."""
        resource = self.resources[logical_id]
        if resource.condition is None:
            return True
        try:
            return self.condition(resource.condition, "Condition")
        except TemplateValueError as error:
            self.problem(logical_id, error.path, error.message)
            return False

    def property(self, logical_id: str, name: str) -> Any:
        """One property of a resource, evaluated (None when absent): what its names are made of."""
        key = (logical_id, name)
        if key not in self._properties:
            raw = self.resources[logical_id].properties.get(name)
            # No cycle can run through here: `_find_cycles` has stopped each one at `ref`.
            try:
                self._properties[key] = evaluate(raw, self, f"Properties.{name}")
            except TemplateValueError as error:
                # The resource's own problem; whoever names it is told where to look.
                if not isinstance(error, _UnnamedError):
                    self.problem(logical_id, error.path, error.message)
                raise _UnnamedError(
                    "", f"{logical_id}'s {name} cannot be evaluated (see {logical_id})"
                ) from None
        return self._properties[key]

    def properties(self, logical_id: str) -> dict[str, Any] | None:
        """A resource's `Properties`, every function evaluated; None (and a problem) when one
        cannot be."""
        if logical_id in self._cyclic:
            return None
        try:
            value = evaluate(dict(self.resources[logical_id].properties), self, "Properties")
        except TemplateValueError as error:
            self.problem(logical_id, error.path, error.message)
            return None
        return dict(value)

    def of_type(self, *types: str) -> list[Resource]:
        """The resources of these types that are created, in template order."""
        return [
            resource
            for resource in self.resources.values()
            if resource.type in types and self.exists(resource.logical_id)
        ]

    # -- nested stacks

    def tree(self) -> Iterator[Stack]:
        """This stack, then each nested stack that is created and can be read, depth first;
        then, the same way, the stacks it was deployed with (`deployed_with`), each once."""
        seen: set[int] = set()
        yield from self._tree(seen)

    def _tree(self, seen: set[int]) -> Iterator[Stack]:
        if id(self) in seen:
            return
        seen.add(id(self))
        yield self
        for resource in self.of_type(NESTED_STACK):
            child = self.nested_stack(resource.logical_id)
            if child is not None:
                yield from child._tree(seen)
        for dependency in self.dependencies:
            yield from dependency._tree(seen)

    def deployed_with(self, dependencies: list[Stack]) -> None:
        """Read this stack with the stacks it depends on (their resources are created too),
        their exports and its own readable by `Fn::ImportValue`."""
        exports = Exports()
        for stack in (self, *dependencies):
            stack.exports = exports
            exports.add(stack)
        self.dependencies = list(dependencies)

    def import_value(self, name: str, path: str) -> Any:
        root = self
        while root.parent is not None:
            root = root.parent
        if root.exports is None:
            raise TemplateValueError(
                path,
                "Fn::ImportValue reads an export of another stack, which is not read with this"
                " one: give the value as a parameter instead (--parameter Name=Value)",
            )
        return root.exports.value(name, path)

    def nested_stack(self, logical_id: str) -> Stack | None:
        """The child stack of an `AWS::CloudFormation::Stack` resource; None (and a problem)
        when its template cannot be read."""
        if logical_id not in self._children:
            # Set first: a template that nests itself finds None here instead of recursing.
            self._children[logical_id] = None
            self._children[logical_id] = self._read_child(logical_id)
        return self._children[logical_id]

    def output(self, name: str, path: str) -> Any:
        """The value of this stack's output `name` (a nested stack's, for its parent)."""
        outputs = self.template.section("Outputs")
        declared = outputs.get(name)
        if not isinstance(declared, dict) or "Value" not in declared:
            known = ", ".join(outputs) or "none"
            raise TemplateValueError(path, f"{self.file} has no output {name} (outputs: {known})")
        try:
            return evaluate(declared["Value"], self, f"Outputs.{name}.Value")
        except TemplateValueError as error:
            self.problem(None, error.path, error.message)
            raise TemplateValueError(
                path, f"the output {name} of {self.file} cannot be evaluated"
            ) from None

    def _nested_output(self, logical_id: str, attribute: str, path: str) -> Any:
        name = attribute.removeprefix("Outputs.")
        if name == attribute or not name:
            raise TemplateValueError(
                path, f"an {NESTED_STACK}'s attributes are Outputs.<name>, not {attribute!r}"
            )
        child = self.nested_stack(logical_id)
        if child is None:
            raise TemplateValueError(path, f"the nested stack {logical_id} cannot be read")
        return child.output(name, path)

    def _read_child(self, logical_id: str) -> Stack | None:
        properties = self.properties(logical_id)
        if properties is None:
            return None
        where = "Properties.TemplateURL"
        try:
            file = self.assets.locate(properties.get("TemplateURL"), where)
        except TemplateValueError as error:
            self.problem(logical_id, error.path, error.message)
            return None
        ancestors = [stack.template.file for stack in self._lineage()]
        if file in ancestors:
            self.problem(logical_id, where, f"{file} nests itself")
            return None
        try:
            template = load_template(file)
        except InvalidDefinitionError as error:
            self.problems.extend(error.problems)
            return None
        given = properties.get("Parameters") or {}
        if not isinstance(given, dict):
            self.problem(logical_id, "Properties.Parameters", "expected a mapping")
            return None
        settings = StackSettings(
            self.names.generated_name(logical_id, 128),
            self.settings.region,
            self.settings.account_id,
            parameters={key: _parameter_value(value) for key, value in given.items()},
            given_by=f"{logical_id}.Properties.Parameters of {self.file}",
            endpoint_url=self.settings.endpoint_url,
        )
        assets = LocalAssets(template.base_dir, self.assets.objects)
        return Stack(template, settings, assets, parent=self)

    def _lineage(self) -> Iterator[Stack]:
        stack: Stack | None = self
        while stack is not None:
            yield stack
            stack = stack.parent

    def problem(self, logical_id: str | None, path: str, message: str) -> None:
        found = Problem(self.file, path, message, logical_id=logical_id)
        if found not in self.problems:
            self.problems.append(found)

    def _check_reachable(self, logical_id: str, path: str) -> None:
        if logical_id not in self.resources:
            raise TemplateValueError(
                path, f"unresolved reference: no parameter or resource named {logical_id!r}"
            )
        if logical_id in self._cyclic:
            raise TemplateValueError(path, f"{logical_id} is part of a circular dependency")
        resource = self.resources[logical_id]
        if resource.condition is not None and not self.condition(resource.condition, path):
            raise TemplateValueError(
                path, f"{logical_id} is not created: its condition {resource.condition} is false"
            )

    def _read_resources(self) -> dict[str, Resource]:
        raw = self.template.body.get("Resources")
        if not isinstance(raw, dict) or not raw:
            self.problems.append(Problem(self.file, "Resources", "required; expected resources"))
            return {}
        resources = {}
        for logical_id, body in raw.items():
            if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
                self.problem(logical_id, "Type", "required; expected a resource type")
                continue
            properties = body.get("Properties", {})
            if not isinstance(properties, dict):
                self.problem(logical_id, "Properties", "expected a mapping")
                continue
            condition = body.get("Condition")
            if condition is not None and not isinstance(condition, str):
                self.problem(logical_id, "Condition", "expected a condition's name")
                condition = None
            resources[str(logical_id)] = Resource(
                str(logical_id), body["Type"], properties, condition
            )
        return resources

    def _find_cycles(self) -> set[str]:
        """The resources on a dependency cycle, each cycle reported once."""
        depends = {
            logical_id: sorted(references(dict(resource.properties)) & self.resources.keys())
            for logical_id, resource in self.resources.items()
        }
        cyclic: set[str] = set()
        done: set[str] = set()

        def visit(logical_id: str, trail: list[str]) -> None:
            if logical_id in trail:
                cycle = trail[trail.index(logical_id) :]
                if not cyclic & set(cycle):
                    chain = " -> ".join([*cycle, logical_id])
                    self.problem(cycle[0], "", f"circular dependency between resources: {chain}")
                cyclic.update(cycle)
                return
            if logical_id in done:
                return
            for target in depends[logical_id]:
                visit(target, [*trail, logical_id])
            done.add(logical_id)

        for logical_id in depends:
            visit(logical_id, [])
        return cyclic


def _parameter_value(value: Any) -> str:
    """A nested stack's parameter as CloudFormation passes it: a string, a list joined with
    commas (for its `CommaDelimitedList` and `List<...>` parameters)."""
    if isinstance(value, list):
        return ",".join(_parameter_value(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
