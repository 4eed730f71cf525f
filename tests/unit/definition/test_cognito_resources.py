"""The Cognito resources of a definition: the triggers the embedded Cognito calls are keys of
a user pool's `LambdaConfig` as AWS's own API model names them (botocore's cognito-idp
service model, `LambdaConfigType`)."""

from __future__ import annotations

import botocore.session
from botocore.model import StructureShape

from definition.cognito_resources import CALLED_TRIGGERS, IdentityPoolSpec, UserPoolSpec


def test_called_triggers_are_lambda_config_keys_in_aws_s_model() -> None:
    model = botocore.session.get_session().get_service_model("cognito-idp")
    shape = model.shape_for("LambdaConfigType")
    assert isinstance(shape, StructureShape)
    keys = set(shape.members)
    assert set(CALLED_TRIGGERS) <= keys


def test_a_pool_declares_no_clients_and_an_identity_pool_no_guests_unless_told() -> None:
    # CloudFormation's AllowUnauthenticatedIdentities is required; the reader passes it on,
    # and a spec made without it refuses guests.
    assert UserPoolSpec("us-east-1_Abc", "pool").clients == ()
    assert not IdentityPoolSpec(
        "us-east-1:0c3d9a7e-51f2-4a8b-9d33-5b1c0e2f4a61", "ids"
    ).allow_unauthenticated
