"""`AWS::SSM::Parameter` read into the model, for the embedded SSM to create at start
(`definition.service_resources`).

As the resource's page says ("AWS::SSM::Parameter", https://docs.aws.amazon.com/
AWSCloudFormation/latest/TemplateReference/aws-resource-ssm-parameter.html): `Type` is
`String` or `StringList` (CloudFormation does not create a `SecureString`) and `Value` is
required; `Name` is optional, CloudFormation generating `CFN-<logical id>-<suffix>` without it
(`definition.cloudformation.names`); `Ref` returns the name, `Fn::GetAtt` gives `Type` and
`Value`. Amplify Gen 2 functions read the data stack's parameters at cold start (their
`AMPLIFY_SSM_ENV_CONFIG`), the API's endpoint among them: a value that is the API's cloud
`GraphQLUrl` is the server's own `/graphql` here, which a function reaches.
"""

from __future__ import annotations

import re
from typing import Any

from definition.appsync_yaml.reader import join
from definition.cloudformation.properties import checked_properties
from definition.cloudformation.stack import Stack
from definition.service_resources import ParameterSpec

PARAMETER = "AWS::SSM::Parameter"
_TYPES = ("String", "StringList")
_NO_LOCAL_EFFECT = {
    "AllowedPattern": "values are not checked against it locally",
    "DataType": "values are not checked against it locally",
    "Policies": "parameter policies are not applied locally",
    "Tags": "tags are not listed",
    "Tier": "one tier locally",
}
_KEYS = ("Name", "Type", "Value", "Description", *_NO_LOCAL_EFFECT)
# Parameter names (Systems Manager User Guide, "Parameter Store ... naming constraints"):
# letters, digits and . - _ / ; at most 1011 characters with the path; no `aws`/`ssm` prefix.
_NAME = re.compile(r"^[a-zA-Z0-9_.\-/]{1,1011}$")
_RESERVED = re.compile(r"^/?(aws|ssm)", re.IGNORECASE)


def read_parameters(stack: Stack, urls: dict[str, str]) -> tuple[ParameterSpec, ...]:
    """The stack's parameters; `urls` maps the API's cloud-shaped URLs to the local ones."""
    parameters = []
    for resource in stack.of_type(PARAMETER):
        logical_id = resource.logical_id
        found = checked_properties(stack, logical_id, _KEYS, _NO_LOCAL_EFFECT)
        if found is None:
            continue
        reader, properties = found
        name = str(stack.names.ref(logical_id, ""))
        if not _NAME.match(name) or _RESERVED.match(name):
            reader.problem(
                "Properties.Name",
                "expected letters, digits and . - _ / (at most 1011), not beginning with "
                f"aws or ssm, got {name!r}",
            )
        kind = properties.get("Type")
        if kind not in _TYPES:
            reader.problem("Properties.Type", f"expected String or StringList, got {kind!r}")
            continue
        value = _value(properties.get("Value"))
        if value is None:
            reader.problem(join("Properties", "Value"), "required; expected a string")
            continue
        description = properties.get("Description")
        parameters.append(
            ParameterSpec(
                name,
                stack.region,
                urls.get(value, value),
                kind,
                None if description is None else str(description),
                f"{logical_id}.Properties",
            )
        )
    return tuple(parameters)


def _value(value: Any) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        return None
    return str(value)
