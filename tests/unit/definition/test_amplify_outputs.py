"""amplify_outputs.json made from an Amplify Gen 2 assembly, as @aws-amplify/client-config makes
it from the deployed stack's outputs (client_config_contributor_v1.js: AuthClientConfigContributor,
DataClientConfigContributor and StorageClientConfigContributor, schema 1.4), its ids the ones the
server creates and its data URL the local server's. The fixtures are apis/iac/amplify-gen2 and
amplify-gen2-photos (`ampx sandbox`'s synthesis)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from definition.amplify_outputs import NotAnAmplifyBackendError, amplify_outputs
from definition.cdk import cdk_stack, read_cdk

IAC = Path(__file__).parents[2] / "integration" / "apis" / "iac"
GEN2_OUT = IAC / "amplify-gen2" / "cdk.out"
PHOTOS_OUT = IAC / "amplify-gen2-photos" / "cdk.out"
URL = "http://127.0.0.1:20002/graphql"


def test_the_auth_part_names_the_pools_the_server_creates() -> None:
    outputs = amplify_outputs(cdk_stack(GEN2_OUT), URL)
    definition = read_cdk(GEN2_OUT)
    [pool] = definition.server.user_pools
    [client] = pool.clients
    [identity_pool] = definition.server.identity_pools
    assert outputs["version"] == "1.4"
    assert outputs["auth"] == {
        "user_pool_id": pool.user_pool_id,
        "aws_region": "us-east-1",
        "user_pool_client_id": client.client_id,
        "identity_pool_id": identity_pool.identity_pool_id,
        "mfa_methods": [],
        "standard_required_attributes": ["email"],
        "username_attributes": ["email"],
        "user_verification_types": ["email"],
        # `defineAuth({ groups: ["ADMINS"] })`, its precedence as the auth stack outputs it.
        "groups": [{"ADMINS": {"precedence": 0}}],
        # OFF is written NONE, and the policy's requirements as flags (the contributor's).
        "mfa_configuration": "NONE",
        "password_policy": {
            "min_length": 8,
            "require_numbers": True,
            "require_lowercase": True,
            "require_uppercase": True,
            "require_symbols": True,
        },
        "unauthenticated_identities_enabled": True,
    }


def test_the_data_part_is_the_local_api_with_its_model_introspection() -> None:
    data = amplify_outputs(cdk_stack(GEN2_OUT), URL)["data"]
    assert {key: value for key, value in data.items() if key != "model_introspection"} == {
        "url": URL,
        "aws_region": "us-east-1",
        "default_authorization_type": "AMAZON_COGNITO_USER_POOLS",
        "authorization_types": ["AWS_IAM"],
    }
    deployed = next(GEN2_OUT.glob("asset.*/modelIntrospectionSchema.json"))
    assert data["model_introspection"] == json.loads(deployed.read_text())
    assert set(data["model_introspection"]["models"]) == {"Todo"}
    assert set(data["model_introspection"]["queries"]) == {"sayHello", "countTodos"}


def test_the_storage_part_names_the_bucket_the_server_creates_with_its_access_rules() -> None:
    """defineStorage({name: "photos", access: ...}): the storage construct's `buckets` output
    is each bucket's JSON, its `paths` the access rules by prefix (read as get and list), the
    entity's `{entity_id}` left as the policy variable the client fills in."""
    outputs = amplify_outputs(cdk_stack(PHOTOS_OUT), URL)
    [bucket] = [
        b for b in read_cdk(PHOTOS_OUT).server.resources.buckets if "photosbucket" in b.bucket_name
    ]
    assert outputs["storage"] == {
        "aws_region": "us-east-1",
        "bucket_name": bucket.bucket_name,
        "buckets": [
            {
                "name": "photos",
                "bucket_name": bucket.bucket_name,
                "aws_region": "us-east-1",
                "paths": {
                    "public/*": {
                        "guest": ["get", "list"],
                        "authenticated": ["get", "list", "write", "delete"],
                    },
                    "private/${cognito-identity.amazonaws.com:sub}/*": {
                        "entityidentity": ["get", "list", "write", "delete"]
                    },
                },
            }
        ],
    }
    # A backend without storage has no storage part.
    assert "storage" not in amplify_outputs(cdk_stack(GEN2_OUT), URL)


def test_a_stack_that_is_not_a_gen_2_backend_is_refused() -> None:
    with pytest.raises(NotAnAmplifyBackendError, match="not an Amplify Gen 2 backend"):
        amplify_outputs(cdk_stack(IAC / "cdk.out"), URL)


def test_a_damaged_introspection_schema_is_refused_with_why(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    shutil.copytree(GEN2_OUT, assembly)
    next(assembly.glob("asset.*/modelIntrospectionSchema.json")).write_text("{not json")
    with pytest.raises(
        NotAnAmplifyBackendError, match=r"modelIntrospectionSchema\.json cannot be read"
    ):
        amplify_outputs(cdk_stack(assembly), URL)
