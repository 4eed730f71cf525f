"""The SSM parameters users put, kept in the data directory: written from moto's SSM (the
template's own and AWS's public ones left out, a SecureString's value as it was given), put
back with their type and description, taken out of moto's SSM at the stop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ssm.models import ssm_backends

from appsync.aws.parameter_store import KeptParameters, parameters_kept
from appsync.aws.service_resources import CreatedResources, put_parameter
from appsync.errors import ConfigError, ResourceJournalError
from definition.service_resources import ParameterSpec, ServiceResources

REGION = "eu-west-1"


def _put(name: str, value: str, kind: str = "String", description: str | None = None) -> None:
    put_parameter(ParameterSpec(name, REGION, value, kind, description))


def _value(name: str) -> str | None:
    found = ssm_backends[DEFAULT_ACCOUNT_ID][REGION].get_parameter(name)
    return None if found is None else str(found.decrypt(found.value))


def test_the_users_parameters_are_kept_and_put_back(tmp_path: Path) -> None:
    created = CreatedResources()
    created.declared = ServiceResources(parameters=(ParameterSpec("/unit/declared", REGION, "t"),))
    file = tmp_path / "ssm-parameters.json"
    kept = KeptParameters(created, file)
    _put("/unit/declared", "t")
    _put("/unit/secret", "s3cret", "SecureString", "Amplify Secret")
    kept.save()
    entries = [e for e in json.loads(file.read_text()) if e["Name"].startswith("/unit/")]
    assert entries == [
        {
            "Region": REGION,
            "Name": "/unit/secret",
            "Type": "SecureString",
            "Value": "s3cret",
            "DataType": "text",
            "Description": "Amplify Secret",
        }
    ]
    kept.forget()
    assert _value("/unit/secret") is None
    assert _value("/unit/declared") == "t"
    ssm_backends[DEFAULT_ACCOUNT_ID][REGION].delete_parameter("/unit/declared")
    with parameters_kept(KeptParameters(CreatedResources()), file):
        assert _value("/unit/secret") == "s3cret"
    assert _value("/unit/secret") is None


def test_a_file_that_cannot_be_read_refuses_the_start(tmp_path: Path) -> None:
    file = tmp_path / "ssm-parameters.json"
    file.write_text("{not json")
    with pytest.raises(ResourceJournalError, match="cannot read"):
        KeptParameters(CreatedResources(), file).load()
    with pytest.raises(ConfigError), parameters_kept(KeptParameters(CreatedResources()), file):
        pass


def test_memory_only_keeps_nothing(tmp_path: Path) -> None:
    kept = KeptParameters(CreatedResources())
    kept.save()
    assert kept.load() == 0
    with parameters_kept(kept, None):
        assert kept.file is None
