"""`AWS::Cognito::UserPool` and `AWS::Cognito::UserPoolClient` kept in the model for the
embedded Cognito, which creates them at start so users can sign in and get real tokens.

Each pool has a deterministic local id (`<region>_<9 letters and digits>`, as Cognito shapes
them), which its `Ref` gives, so `UserPoolConfig.UserPoolId: !Ref Pool` names the pool the
embedded Cognito will hold. Each client has a deterministic id too. Their properties are kept
as the template gives them (evaluated), in CloudFormation's names (CreateUserPool's and
CreateUserPoolClient's in PascalCase).
"""

from __future__ import annotations

from definition.cloudformation.properties import PropertyReader
from definition.cloudformation.stack import Stack
from definition.model import UserPoolClientSpec, UserPoolSpec
from definition.problems import Notice


def read_user_pools(stack: Stack) -> tuple[UserPoolSpec, ...]:
    clients: dict[str, list[UserPoolClientSpec]] = {}
    for resource in stack.of_type("AWS::Cognito::UserPoolClient"):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        reader = PropertyReader(stack, resource.logical_id)
        pool = reader.string(properties, "UserPoolId", "Properties", required=True)
        if pool is None:
            continue
        name = properties.get("ClientName") or resource.logical_id
        client_id = str(stack.names.ref(resource.logical_id, ""))
        clients.setdefault(pool, []).append(UserPoolClientSpec(client_id, str(name), properties))
    pools = []
    for resource in stack.of_type("AWS::Cognito::UserPool"):
        properties = stack.properties(resource.logical_id)
        if properties is None:
            continue
        pool_id = str(stack.names.ref(resource.logical_id, ""))
        triggers = properties.get("LambdaConfig")
        if isinstance(triggers, dict) and triggers:
            # AWS differs: the embedded Cognito keeps the triggers but does not call them.
            stack.notices.append(
                Notice(
                    stack.file,
                    f"{resource.logical_id}.Properties.LambdaConfig",
                    "accepted; no local effect yet (the embedded Cognito does not call "
                    f"triggers: {', '.join(sorted(map(str, triggers)))})",
                )
            )
        name = properties.get("UserPoolName") or stack.names.generated_name(
            resource.logical_id, 128
        )
        pools.append(UserPoolSpec(pool_id, str(name), properties, tuple(clients.pop(pool_id, ()))))
    for pool, orphans in clients.items():
        for client in orphans:
            # A client of a pool outside the template: nothing local to create it in.
            reason = f"its user pool {pool} is not in the template: not created locally"
            stack.notices.append(Notice(stack.file, client.client_name, f"accepted; {reason}"))
    return tuple(pools)
