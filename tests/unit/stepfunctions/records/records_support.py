"""The Step Functions API model as botocore ships it: the enums and shapes records must match."""

from __future__ import annotations

import botocore.session
from botocore.model import ServiceModel, StringShape, StructureShape

STEPFUNCTIONS: ServiceModel = botocore.session.get_session().get_service_model("stepfunctions")


def api_enum(shape: str) -> list[str]:
    """The values of one of the API's enums (`ExecutionStatus` ...), in the model's order."""
    found = STEPFUNCTIONS.shape_for(shape)
    assert isinstance(found, StringShape), shape
    return list(found.enum)


def api_members(shape: str) -> list[str]:
    """The member names of one of the API's structures (`MapRunItemCounts` ...)."""
    found = STEPFUNCTIONS.shape_for(shape)
    assert isinstance(found, StructureShape), shape
    return list(found.members)
