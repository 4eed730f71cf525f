"""A Python function's requirements.txt installed as a deployment package carries it (`sam
build`, "Working with .zip file archives for Python Lambda functions"): once per file content
and interpreter, into a cached folder that goes on the function's path after its code; a
relative wheel resolves from the file's folder; a failure names pip's reason and is tried again
on the next invocation. The packages are wheels built here, so nothing needs the network."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zipfile
from pathlib import Path

import pytest

from functions.errors import InvalidParameterValueError, RequirementsInstallError
from functions.invoker import FunctionInvoker, InvokerSettings
from functions.model import FunctionSpec
from functions.requirements import Requirements
from tests.unit.functions.conftest import running, write_code

pytestmark = pytest.mark.anyio

HANDLER = """
import greeting

def handler(event, context):
    return {"greeting": greeting.hello(event["name"]), "from": greeting.__file__}
"""


def build_wheel(folder: Path, version: str = "1.0") -> Path:
    """A pure-Python wheel of the package `greeting` (PEP 427: the package, METADATA, WHEEL and
    a RECORD of sha256 digests)."""
    files = {
        "greeting/__init__.py": f"def hello(name):\n    return 'hello ' + name + ' v{version}'\n",
        f"greeting-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: greeting\nVersion: {version}\n"
        ),
        f"greeting-{version}.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{name},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"greeting-{version}.dist-info/RECORD,,")
    files[f"greeting-{version}.dist-info/RECORD"] = "\n".join(record) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"greeting-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


def settings(tmp_path: Path) -> InvokerSettings:
    return InvokerSettings(requirements_cache=tmp_path / "cache")


async def test_the_code_directorys_requirements_are_importable(tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", {"app.py": HANDLER})
    build_wheel(code / "wheels")
    (code / "requirements.txt").write_text("./wheels/greeting-1.0-py3-none-any.whl\n")
    spec = FunctionSpec("greet", "python3.12", "app.handler", code)
    async with running(spec, settings=settings(tmp_path)) as invoker:
        result = await invoker.invoke("greet", b'{"name": "ada"}')
    answer = json.loads(result.payload)
    assert result.function_error is None, answer
    assert answer["greeting"] == "hello ada v1.0"
    # Installed in the cache, not in the code directory.
    assert Path(answer["from"]).is_relative_to(tmp_path / "cache")
    assert not (code / "greeting").exists()


async def test_an_install_is_kept_for_the_same_file_and_interpreter(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path / "wheels")
    file = tmp_path / "requirements.txt"
    file.write_text(f"{wheel}\n")
    cache = tmp_path / "cache"
    first = Requirements.of("a", file, sys.executable, cache)
    before = first.installed
    await first.install()
    assert (before, first.installed) == (False, True)
    # The same content for another function: the same folder, already there.
    assert Requirements.of("b", file, sys.executable, cache).target == first.target
    file.write_text(f"{build_wheel(tmp_path / 'wheels', '2.0')}\n")
    assert Requirements.of("a", file, sys.executable, cache).target != first.target


async def test_a_failed_install_says_why_and_is_tried_again(tmp_path: Path) -> None:
    code = write_code(tmp_path / "code", {"app.py": HANDLER})
    (code / "requirements.txt").write_text("./wheels/greeting-1.0-py3-none-any.whl\n")
    spec = FunctionSpec("greet", "python3.12", "app.handler", code)
    async with running(spec, settings=settings(tmp_path)) as invoker:
        with pytest.raises(RequirementsInstallError) as failed:
            await invoker.invoke("greet", b'{"name": "ada"}')
        build_wheel(code / "wheels")
        result = await invoker.invoke("greet", b'{"name": "ada"}')
    assert failed.value.message.startswith(
        f"Function greet: pip could not install {code / 'requirements.txt'} (is the package "
        "index reachable?"
    )
    assert "greeting-1.0-py3-none-any.whl" in failed.value.message
    assert json.loads(result.payload)["greeting"] == "hello ada v1.0"
    assert not list((tmp_path / "cache").glob("*.partial"))


async def test_a_named_file_must_exist_and_an_own_interpreter_skips_the_code_directorys(
    tmp_path: Path,
) -> None:
    code = write_code(
        tmp_path / "code",
        {
            "app.py": "def handler(event, context):\n    return 'ran'\n",
            # pip would fail on it: a function that runs proves nothing was installed.
            "requirements.txt": "./wheels/absent-1.0-py3-none-any.whl\n",
        },
    )
    missing = FunctionSpec(
        "named", "python3.12", "app.handler", code, requirements=tmp_path / "absent.txt"
    )
    with pytest.raises(InvalidParameterValueError, match=r"absent\.txt does not exist"):
        FunctionInvoker(settings(tmp_path)).load(missing)
    # A function on its own interpreter (or virtual environment) has its packages there.
    own = FunctionSpec(
        "own", "python3.12", "app.handler", code, python_executable=Path(sys.executable)
    )
    async with running(own, settings=settings(tmp_path)) as invoker:
        result = await invoker.invoke("own", b"{}")
    assert (result.function_error, json.loads(result.payload)) == (None, "ran")
