"""Where an Amplify Gen 2 backend's secrets are, as Amplify's SSMSecretClient names them
(aws-amplify/amplify-backend, packages/backend-secret/src/ssm_secret.ts: `/amplify/<backend
id>/<disambiguator>/NAME`, shared `/amplify/shared/<backend id>/NAME`), found from the
assembly's resource reference parameters; the command's refusals."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from appsync.backend_secrets import NotAGen2BackendError, backend_secrets, secret_main
from definition.cdk import cdk_stack
from tests.integration.conftest import APIS

PHOTOS = APIS / "iac" / "amplify-gen2-photos" / "cdk.out"


def test_the_paths_of_the_photos_backend_s_secrets() -> None:
    """The same paths the function's AMPLIFY_SSM_ENV_CONFIG names for PHOTO_LABEL."""
    secrets = backend_secrets(cdk_stack(PHOTOS))
    assert secrets.path("PHOTO_LABEL") == "/amplify/gen2photos/local-sandbox-8e01f4bdb2/PHOTO_LABEL"
    assert secrets.path("PHOTO_LABEL", shared=True) == "/amplify/shared/gen2photos/PHOTO_LABEL"
    assert secrets.region == "us-east-1"


def test_an_assembly_that_is_not_a_gen2_backend() -> None:
    with pytest.raises(NotAGen2BackendError, match="is not an Amplify Gen 2 backend"):
        backend_secrets(cdk_stack(APIS / "iac" / "cdk.out"))


def test_the_command_refuses_set_without_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = argparse.Namespace(
        action="set", name=None, config=Path("cdk.out"), endpoint="", stack=None, region=None
    )
    assert secret_main(arguments) == 2
    assert capsys.readouterr().err == "appsync-local: secret set needs a NAME\n"


def test_the_command_on_an_assembly_that_is_not_a_gen2_backend(
    capsys: pytest.CaptureFixture[str],
) -> None:
    arguments = argparse.Namespace(
        action="list",
        name=None,
        config=APIS / "iac" / "cdk.out",
        endpoint="",
        stack=None,
        region=None,
    )
    assert secret_main(arguments) == 1
    assert "is not an Amplify Gen 2 backend" in capsys.readouterr().err
