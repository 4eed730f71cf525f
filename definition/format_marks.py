"""What tells the definition formats apart, without their readers (`formats.recognise`).

Recognising a file's format once imported every format's reader (CloudFormation's engine, SAM,
CDK, Amplify, the Serverless Framework's compiler), about 30 ms of CPU at every start of an
`appsync.yaml` API before `serve` could answer (issue 19). These marks are what recognition
reads; each reader is imported when its format is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# A SAM template's `Transform` (AWS::Serverless-2016-10-31, the SAM specification's).
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
# A CDK cloud assembly's manifest (`cdk.out/manifest.json`).
MANIFEST = "manifest.json"
# An Amplify Gen 1 API's built root stack (`amplify/backend/api/<name>/build/`).
ROOT_TEMPLATE = "cloudformation-template.json"
# The Serverless Framework's service file names, in the order it looks for them.
SERVICE_FILES = ("serverless.yml", "serverless.yaml", "serverless.json")


def service_file(path: Path) -> Path | None:
    """The service file `path` names: itself, or the one in the folder it names."""
    if path.is_dir():
        return next((path / name for name in SERVICE_FILES if (path / name).is_file()), None)
    return path if path.is_file() else None


def is_service(body: Any) -> bool:
    """Whether a parsed file is a Serverless Framework service file."""
    return isinstance(body, dict) and "service" in body and "provider" in body
