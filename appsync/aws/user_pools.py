"""A definition's user pools (a template's `AWS::Cognito::UserPool`, `UserPoolClient` and
`UserPoolGroup`),
created in the embedded Cognito at start, under the ids the template's `!Ref` gave them, so that
users sign up and sign in through the AWS endpoint and the API verifies their tokens.

moto names pools and clients itself (at random, or by a hash of the request); the definition's
ids are made once by the template reader and already stand in `userPoolConfig.userPoolId` and in
the template's outputs, so each pool and client moto creates is re-keyed to them. moto's
backends are process-wide: a pool is created when the server starts and removed when it stops.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from appsync.aws.cognito import install_signer
from definition.cognito_resources import UserPoolSpec
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

logger = logging.getLogger(__name__)

# CreateUserPool's and CreateUserPoolClient's requests carry the rest of the template's properties
# under the same names; these are said another way (PoolName, the path's pool id) or moto's
# own arguments.
_NOT_POOL_SETTINGS = frozenset({"UserPoolName"})
_NOT_CLIENT_SETTINGS = frozenset({"UserPoolId", "GenerateSecret"})


def _backend(region: str) -> Any:
    install_signer()
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    return cognitoidp_backends[DEFAULT_ACCOUNT_ID][region]


def _create(spec: UserPoolSpec) -> None:
    # `<region>_<id>`, as Cognito and the template reader shape pool ids.
    region = spec.user_pool_id.split("_", 1)[0]
    backend = _backend(region)
    settings = {k: v for k, v in spec.properties.items() if k not in _NOT_POOL_SETTINGS}
    pool = backend.create_user_pool(spec.pool_name, settings)
    del backend.user_pools[pool.id]
    pool.arn = pool.arn.removesuffix(pool.id) + spec.user_pool_id
    pool.id = spec.user_pool_id
    backend.user_pools[pool.id] = pool
    for client_spec in spec.clients:
        properties = client_spec.properties
        settings = {k: v for k, v in properties.items() if k not in _NOT_CLIENT_SETTINGS}
        settings["ClientName"] = client_spec.client_name
        generate_secret = str(properties.get("GenerateSecret", "false")).lower() == "true"
        client = backend.create_user_pool_client(pool.id, generate_secret, settings)
        del pool.clients[client.id]
        client.id = client_spec.client_id
        pool.clients[client.id] = client
    for group in spec.groups:
        backend.create_group(
            pool.id, group.group_name, group.description, group.role_arn, group.precedence
        )
    logger.info("user pool %s (%s) created in the embedded Cognito", pool.id, spec.pool_name)


@contextmanager
def user_pools_created(pools: Sequence[UserPoolSpec]) -> Iterator[None]:
    """While inside, the embedded Cognito holds `pools` and their clients."""
    with BACKEND_LOCK:
        for spec in pools:
            _create(spec)
    try:
        yield
    finally:
        with BACKEND_LOCK:
            for spec in pools:
                region = spec.user_pool_id.split("_", 1)[0]
                _backend(region).user_pools.pop(spec.user_pool_id, None)
