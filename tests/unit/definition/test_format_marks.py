"""The marks recognition reads: a Serverless Framework service file, found and recognised by
its keys; `formats` recognises every format by these without importing the readers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from definition.format_marks import is_service, service_file
from tests.conftest import REPO_ROOT


def test_the_service_file_is_found_and_recognised(tmp_path: Path) -> None:
    path = tmp_path / "serverless.yml"
    path.write_text("service: posts\nprovider: {name: aws}\n")
    assert service_file(tmp_path) == path
    assert service_file(path) == path
    assert service_file(tmp_path / "nothing") is None
    assert is_service({"service": "a", "provider": {"name": "aws"}})
    assert not is_service({"Resources": {}})


def test_reading_an_appsync_yaml_imports_no_other_formats_reader(tmp_path: Path) -> None:
    (tmp_path / "schema.graphql").write_text("type Query { a: String }\n")
    config = tmp_path / "appsync.yaml"
    config.write_text("name: marks\nschema: schema.graphql\nauthenticationType: API_KEY\n")
    readers = (
        "definition.amplify",
        "definition.cdk",
        "definition.sam",
        "definition.serverless.reader",
        "definition.cloudformation.api",
    )
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from definition.formats import read_definition\n"
        f"assert read_definition(Path({str(config)!r})).name == 'marks'\n"
        f"print([name for name in {readers!r} if name in sys.modules])\n"
    )
    # A process of its own: this one has imported the readers for other tests.
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "[]"
