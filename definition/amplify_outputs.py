"""`amplify_outputs.json` for an Amplify Gen 2 backend served locally: what `npx ampx generate
outputs` writes for a deployed backend (the client configuration `Amplify.configure` reads),
made from the synthesized assembly, its data URL the local server's.

Gen 2's root stack says which of its outputs make up each part of the client configuration in
its `Metadata` (`AWS::Amplify::Auth`, `AWS::Amplify::GraphQL`, ... each with `stackOutputs`), and
@aws-amplify/client-config turns those outputs into the file (`client_config_contributor_v1`:
`AuthClientConfigContributor`, `DataClientConfigContributor`, `StorageClientConfigContributor`;
schema version 1.4). The outputs are evaluated here as the server evaluates the stack, so the
user pool, app client and identity pool ids, and the buckets' names, are the ones the server
creates. The data part's `model_introspection` (what `generateClient<Schema>()` builds
`client.models` and `client.queries` from) is the `modelIntrospectionSchema.json` the data
construct deploys to its bucket (a BucketDeployment of an asset in the assembly); the CLI makes
the same schema again from the model schema.
"""

from __future__ import annotations

import json
from typing import Any

from definition.cloudformation.stack import Stack
from definition.errors import TemplateValueError

VERSION = "1.4"
_AUTH = "AWS::Amplify::Auth"
_DATA = "AWS::Amplify::GraphQL"
_STORAGE = "AWS::Amplify::Storage"
_BUCKET_DEPLOYMENT = "Custom::CDKBucketDeployment"
_INTROSPECTION_FILE = "modelIntrospectionSchema.json"
_MFA = {"OFF": "NONE", "OPTIONAL": "OPTIONAL", "ON": "REQUIRED"}
_REQUIREMENTS = {
    "REQUIRES_NUMBERS": "require_numbers",
    "REQUIRES_LOWERCASE": "require_lowercase",
    "REQUIRES_UPPERCASE": "require_uppercase",
    "REQUIRES_SYMBOLS": "require_symbols",
}
_PROVIDERS = ("GOOGLE", "FACEBOOK", "LOGIN_WITH_AMAZON", "SIGN_IN_WITH_APPLE")


class NotAnAmplifyBackendError(ValueError):
    """The stack has no Amplify Gen 2 metadata."""


def amplify_outputs(root: Stack, graphql_url: str) -> dict[str, Any]:
    """The client configuration of the Gen 2 backend `root` (its root stack), its API at
    `graphql_url`. Raises NotAnAmplifyBackendError for a stack that is not one."""
    payloads = _payloads(root)
    if not payloads:
        raise NotAnAmplifyBackendError(
            f"{root.file} is not an Amplify Gen 2 backend (no AWS::Amplify:: metadata)"
        )
    config: dict[str, Any] = {"version": VERSION}
    if _AUTH in payloads:
        config["auth"] = _auth(payloads[_AUTH])
    if _DATA in payloads:
        config["data"] = _data(payloads[_DATA], graphql_url, root)
    if _STORAGE in payloads:
        config["storage"] = _storage(payloads[_STORAGE])
    return config


def _payloads(root: Stack) -> dict[str, dict[str, str]]:
    """Each Amplify part's stack outputs, evaluated: {part: {output name: value}}."""
    metadata = root.template.section("Metadata")
    outputs = root.template.section("Outputs")
    payloads: dict[str, dict[str, str]] = {}
    for part, entry in metadata.items():
        if not part.startswith("AWS::Amplify::") or not isinstance(entry, dict):
            continue
        values = {}
        for name in entry.get("stackOutputs") or []:
            if name not in outputs:
                continue
            try:
                value = root.output(name, f"Outputs.{name}")
            except TemplateValueError:
                continue
            values[str(name)] = str(value)
        payloads[part] = values
    return payloads


def _parsed(payload: dict[str, str], name: str) -> Any:
    text = payload.get(name)
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return None


def _auth(payload: dict[str, str]) -> dict[str, Any]:
    """`AuthClientConfigContributor` (v1.4)."""
    auth: dict[str, Any] = {
        "user_pool_id": payload.get("userPoolId"),
        "aws_region": payload.get("authRegion"),
        "user_pool_client_id": payload.get("webClientId"),
    }
    if payload.get("identityPoolId"):
        auth["identity_pool_id"] = payload["identityPoolId"]
    for key, name in (
        ("mfa_methods", "mfaTypes"),
        ("standard_required_attributes", "signupAttributes"),
        ("username_attributes", "usernameAttributes"),
        ("user_verification_types", "verificationMechanisms"),
        ("groups", "groups"),
    ):
        value = _parsed(payload, name)
        if value is not None:
            auth[key] = value
    mfa = _MFA.get(payload.get("mfaConfiguration", ""))
    if mfa is not None:
        auth["mfa_configuration"] = mfa
    if payload.get("passwordPolicyMinLength") or payload.get("passwordPolicyRequirements"):
        policy: dict[str, Any] = {"min_length": 8, **dict.fromkeys(_REQUIREMENTS.values(), False)}
        if payload.get("passwordPolicyMinLength", "").isdigit():
            policy["min_length"] = int(payload["passwordPolicyMinLength"])
        for requirement in _parsed(payload, "passwordPolicyRequirements") or []:
            if requirement in _REQUIREMENTS:
                policy[_REQUIREMENTS[requirement]] = True
        auth["password_policy"] = policy
    if payload.get("oauthRedirectSignIn") and payload.get("oauthRedirectSignOut"):
        providers = _parsed(payload, "socialProviders") or []
        auth["oauth"] = {
            "identity_providers": [p for p in providers if p in _PROVIDERS],
            "redirect_sign_in_uri": payload["oauthRedirectSignIn"].split(","),
            "redirect_sign_out_uri": payload["oauthRedirectSignOut"].split(","),
            "response_type": payload.get("oauthResponseType"),
            "scopes": _parsed(payload, "oauthScope") or [],
            "domain": payload.get("oauthCognitoDomain") or "",
        }
    if payload.get("allowUnauthenticatedIdentities"):
        auth["unauthenticated_identities_enabled"] = (
            payload["allowUnauthenticatedIdentities"] == "true"
        )
    return auth


def _data(payload: dict[str, str], graphql_url: str, root: Stack) -> dict[str, Any]:
    """`DataClientConfigContributor`, the URL the local server's."""
    data: dict[str, Any] = {
        "url": graphql_url,
        "aws_region": payload.get("awsAppsyncRegion"),
        "default_authorization_type": payload.get("awsAppsyncAuthenticationType"),
        "authorization_types": [
            kind
            for kind in payload.get("awsAppsyncAdditionalAuthenticationTypes", "").split(",")
            if kind
        ],
    }
    if payload.get("awsAppsyncApiKey"):
        data["api_key"] = payload["awsAppsyncApiKey"]
    introspection = _model_introspection(root)
    if introspection is not None:
        data["model_introspection"] = introspection
    return data


def _storage(payload: dict[str, str]) -> dict[str, Any]:
    """`StorageClientConfigContributor` (v1.2 and later): the default bucket, and every bucket
    of the `buckets` output (a JSON list of each bucket's JSON text) with its access rules by
    path, as the storage construct wrote them (`${cognito-identity.amazonaws.com:sub}` for an
    `{entity_id}`, which the client library fills in)."""
    storage: dict[str, Any] = {}
    if "storageRegion" in payload:
        storage["aws_region"] = payload["storageRegion"]
    if "bucketName" in payload:
        storage["bucket_name"] = payload["bucketName"]
    buckets = []
    for text in _parsed(payload, "buckets") or []:
        try:
            bucket = json.loads(text) if isinstance(text, str) else None
        except json.JSONDecodeError:
            bucket = None
        if not isinstance(bucket, dict):
            continue
        made = {
            "name": bucket.get("name"),
            "bucket_name": bucket.get("bucketName"),
            "aws_region": bucket.get("storageRegion"),
            "paths": bucket.get("paths"),
        }
        buckets.append({key: value for key, value in made.items() if value is not None})
    storage["buckets"] = buckets
    return storage


def _model_introspection(root: Stack) -> Any:
    """The `modelIntrospectionSchema.json` a BucketDeployment of the backend deploys."""
    for stack in root.tree():
        for resource in stack.of_type(_BUCKET_DEPLOYMENT):
            properties = stack.properties(resource.logical_id) or {}
            buckets = properties.get("SourceBucketNames") or []
            keys = properties.get("SourceObjectKeys") or []
            for bucket, key in zip(buckets, keys, strict=False):
                try:
                    folder = stack.assets.locate(
                        {"Bucket": bucket, "Key": key}, "Properties", directory=True
                    )
                except TemplateValueError:
                    continue
                schema = folder / _INTROSPECTION_FILE
                try:
                    return json.loads(schema.read_text(encoding="utf-8"))
                except FileNotFoundError:
                    continue
                except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                    raise NotAnAmplifyBackendError(f"{schema} cannot be read: {error}") from None
    return None
