"""What `appsync-local serve` prints once it listens: where the API, realtime, the console, the
metrics and the AWS endpoint are, the keys to sign with, the embedded services the API uses,
what the data directory keeps and what lives in memory only, whether it reloads; the warning
for a host beyond loopback; and what each reload did. Part of the CLI (`appsync.__main__`), the
only place that prints.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from appsync.api_log import api_id
from definition.model import TEST_ACCESS_KEY, ApiDefinition, AwsEndpointSettings, DataSourceType

# `appsync-local stepfunctions` prints `credentials_text` and serves none of the AppSync stack:
# importing it here would cost that command most of its start (issue 19).
if TYPE_CHECKING:
    from appsync.app import AppSyncApp
    from appsync.data_directory import DataDirectory
    from appsync.reload import ReloadOutcome

TOKEN_NOTE = "(browsers on this machine get it without asking; Authorization: Bearer ...)"


def announce(
    app: AppSyncApp,
    data: DataDirectory,
    host: str,
    port: int,
    certificate: Path | None = None,
    extra: Sequence[str] = (),
) -> None:
    """`extra`: lines for the options that are on (the control API, a manual clock)."""
    definition: ApiDefinition = app.state.api.definition
    http, ws = ("https", "wss") if certificate is not None else ("http", "ws")
    shown = f"[{host}]" if ":" in host else host
    print(f"appsync-local: serving {definition.name!r} from {definition.file}")
    print(f"  GraphQL:  {http}://{shown}:{port}/graphql")
    print(f"  Realtime: {ws}://{shown}:{port}/graphql/realtime")
    print(f"  Console:  {http}://{shown}:{port}/console/")
    print(f"    console API token: {app.state.console.token.value}  {TOKEN_NOTE}")
    print(f"  Metrics:  {http}://{shown}:{port}/metrics  (API id {api_id(definition.name)})")
    if certificate is not None:
        # What clients must trust (NODE_EXTRA_CA_CERTS, ssl.create_default_context(cafile=...)).
        print(f"  TLS certificate: {certificate}")
    for key in definition.api_keys:
        print(f"  API key:  {key.id}" + (f"  ({key.description})" if key.description else ""))
    aws = definition.server.aws
    print(f"  AWS endpoint: {http}://{shown}:{port}  (region {app.state.api.aws.region})")
    print(f"    credentials: {credentials_text(aws)}")
    for line in _services(app):
        print(f"    {line}")
    if app.state.extra_listener is not None:
        print(f"  AWS endpoint, extra listener: {app.state.extra_listener}  (server.dynamodb)")
    print(f"  Data directory: {data.describe()}")
    if data.path is not None:
        print(f"    {_kept(app)} kept there (`appsync-local reset` empties it)")
    print(f"  In memory only: {_in_memory(app, data)} gone when the server stops")
    from appsync.reload import ApiReloader

    # The reloader watches from the lifespan, as a companion (`--workers` adds another); one
    # with a trigger (`appsync-local sandbox`) is described by the trigger's lines in `extra`.
    reloaders = [getattr(entered, "__self__", None) for entered in app.companions]
    if any(isinstance(r, ApiReloader) and r.trigger is None for r in reloaders):
        print(
            "  Reload: on; a change to the definition, SDL, templates or code is checked, then "
            "served (--no-reload turns it off)"
        )
    for line in extra:
        print(f"  {line}")
    print("Press Ctrl+C to stop.", flush=True)


def credentials_text(aws: AwsEndpointSettings) -> str:
    """The keys clients sign with: the public test pair in full, a declared key by its id only
    (its secret is the user's own and stays out of the terminal)."""
    if aws.credentials == (TEST_ACCESS_KEY,):
        return "access key id testing, secret access key testing"
    ids = ", ".join(key.access_key_id for key in aws.credentials)
    return f"access key id {ids} (secret as declared in server.aws.credentials)"


def _services(app: AppSyncApp) -> list[str]:
    """The embedded services this API uses, as the banner lists them."""
    from appsync.functions_embedded import describe as describe_functions

    definition: ApiDefinition = app.state.api.definition
    lines = []
    if app.state.api.dynamodb is not None:
        tables = [table.table_name for table in definition.server.dynamodb.tables]
        lines.append("DynamoDB" + (f": tables {', '.join(tables)}" if tables else ""))
    if _uses_step_functions(definition):
        machines = [machine.name for machine in definition.server.step_functions.state_machines]
        lines.append(
            "Step Functions" + (f": state machines {', '.join(machines)}" if machines else "")
        )
    pools = _embedded_pools(definition)
    if pools:
        lines.append(
            f"Cognito: user pool {', '.join(pools)} (tokens signed with this installation's key)"
        )
    identity_pools = [pool.identity_pool_id for pool in definition.server.identity_pools]
    if identity_pools:
        lines.append(f"Cognito: identity pool {', '.join(identity_pools)}")
    resources = definition.server.resources
    if resources.queues:
        lines.append(f"SQS: queues {', '.join(queue.queue_name for queue in resources.queues)}")
    if resources.topics:
        lines.append(f"SNS: topics {', '.join(topic.topic_name for topic in resources.topics)}")
    if resources.buckets:
        lines.append(f"S3: buckets {', '.join(bucket.bucket_name for bucket in resources.buckets)}")
    if resources.parameters:
        count = len(resources.parameters)
        lines.append(f"SSM: {count} parameter{'s' if count > 1 else ''} of the template")
    return [*lines, *describe_functions(app.state.api.functions)]


def _kept(app: AppSyncApp) -> str:
    """What the data directory keeps ("... are")."""
    definition: ApiDefinition = app.state.api.definition
    kept = ["The embedded DynamoDB's tables"]
    if definition.server.step_functions.database is None:
        kept.append("the Step Functions engine's executions")
    if _holds_data(definition):
        kept.append("what the template's queues and buckets hold (each change as it is answered)")
    if len(kept) == 1:
        return f"{kept[0]} are"
    return f"{', '.join(kept[:-1])} and {kept[-1]} are"


def _in_memory(app: AppSyncApp, data: DataDirectory) -> str:
    """What of the embedded services this API uses lives in memory only ("... is"); with a data
    directory, DynamoDB items and executions are not."""
    definition: ApiDefinition = app.state.api.definition
    ephemeral = data.path is None
    kept = []
    if app.state.api.dynamodb is not None and ephemeral:
        kept.append("DynamoDB items")
    engine_database = definition.server.step_functions.database
    if _uses_step_functions(definition) and engine_database is None and ephemeral:
        kept.append("Step Functions executions")
    if _holds_data(definition) and ephemeral:
        kept.append("queue messages and bucket objects")
    if _embedded_pools(definition):
        kept.append("Cognito users")
    if kept:
        return f"embedded data ({', '.join(kept)}) is"
    if ephemeral:
        return "what clients store through the AWS endpoint is"
    if _holds_data(definition):
        return "what clients store in queues, buckets and services the template does not declare is"
    return "what clients store in the AWS endpoint's other services (S3, SQS, ...) is"


def _holds_data(definition: ApiDefinition) -> bool:
    """Whether the template declares queues or buckets (`appsync.aws.resource_data`)."""
    resources = definition.server.resources
    return bool(resources.queues or resources.buckets)


def _uses_step_functions(definition: ApiDefinition) -> bool:
    return definition.server.step_functions.declared or any(
        spec.type is DataSourceType.AWS_STEP_FUNCTIONS
        or (spec.http is not None and "states." in spec.http.endpoint)
        for spec in definition.data_sources
    )


def _embedded_pools(definition: ApiDefinition) -> list[str]:
    """The user pools whose tokens the embedded Cognito signs (no `jwksFile` of their own)."""
    providers = (definition.authentication, *definition.additional_authentication_providers)
    return [
        spec.user_pool_config.user_pool_id
        for spec in providers
        if spec.user_pool_config is not None and spec.user_pool_config.jwks_file is None
    ]


def exposure_warning(host: str, aws: AwsEndpointSettings) -> str:
    return (
        f"appsync-local: WARNING: --host {host} is not a loopback address. Every host that can "
        "reach it can call GraphQL (/graphql), realtime (/graphql/realtime), read the metrics "
        "(/metrics, without credentials) and call the AWS endpoint: DynamoDB, Step Functions, "
        "Cognito, the declared Lambda functions, AppSync's EvaluateCode (resolver code run in "
        "this process) and every other service moto serves (S3, SQS, SNS, STS, IAM, Secrets "
        "Manager, SSM, EventBridge, ...), with their data. "
        f"The AWS endpoint takes {credentials_text(aws)}"
        + (
            ", which every moto and LocalStack user knows."
            if aws.credentials == (TEST_ACCESS_KEY,)
            else "."
        )
        + " DNS rebinding protection applies to loopback connections only. The console"
        " (/console/) works from other hosts with the console API token printed below, which"
        " pages loaded from elsewhere ask for."
    )


def reloaded(outcome: ReloadOutcome) -> None:
    """What a reload did, as the terminal shows it: problems as `validate` lists them."""
    from appsync.project_commands import report

    if not outcome.applied:
        report(outcome.problems)
        print(
            "appsync-local: still serving the last good version of the API",
            file=sys.stderr,
            flush=True,
        )
        return
    changed = ", ".join(path.name for path in outcome.changed)
    print(
        f"appsync-local: reloaded in {outcome.seconds * 1000:.0f} ms"
        + (f" ({changed} changed)" if changed else ""),
        flush=True,
    )
    for name in outcome.restart_only:
        print(
            f"appsync-local: {name} changed: restart the server for it to take effect", flush=True
        )
