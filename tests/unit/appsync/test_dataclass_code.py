"""`@dataclass`'s generated methods compiled once per text and kept in a file between starts
(issue 19): a class made with the kept code is the class made without it."""

from __future__ import annotations

import dataclasses
import importlib.util
import marshal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from appsync import dataclass_code
from appsync.dataclass_code import DataclassCode

# A frozen, slotted dataclass with a default and a default factory: `__init__`, `__repr__`,
# `__eq__`, `__hash__`, `__setattr__`, `__delattr__`, and the slots' pickling, as the house
# style's value classes are made. Each test defines it afresh in its own namespace.
SOURCE = """
from dataclasses import dataclass, field

@dataclass(frozen=True, slots=True, order=True)
class Point:
    x: int
    y: int = 0
    tags: tuple[str, ...] = field(default_factory=tuple)
"""


def _define(source: str = SOURCE) -> type:
    namespace: dict[str, object] = {"__name__": "points"}
    exec(compile(source, "points.py", "exec", dont_inherit=True), namespace)
    point = namespace["Point"]
    assert isinstance(point, type)
    return point


@pytest.fixture(autouse=True)
def writing_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a process that writes its bytecode (the environment here may say not to)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[DataclassCode]:
    code = dataclass_code.install(tmp_path / "__pycache__" / "dataclass-code.marshal")
    try:
        yield code
    finally:
        dataclass_code.uninstall()


def _behaviour(point: type) -> object:
    """What a caller can see of the class: every generated method at work."""
    a, b = point(1, 2), point(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 3
    with pytest.raises(TypeError):
        point()
    return (
        repr(a),
        a == point(1, 2),
        a != b,
        b < a,
        hash(a) == hash(point(1, 2)),
        b.tags,
        # Objects, as `dataclasses` compiles the methods (not strings, as under
        # `from __future__ import annotations`, which the caching module has).
        vars(point)["__init__"].__annotations__,
        [field.name for field in dataclasses.fields(point)],
        vars(point)["__match_args__"],
    )


def test_a_class_made_with_the_cache_behaves_as_one_made_without(installed: DataclassCode) -> None:
    with_cache = _behaviour(_define())
    dataclass_code.uninstall()
    assert with_cache == _behaviour(_define())
    annotations = vars(_define())["__init__"].__annotations__
    assert annotations["x"] is int


def test_the_next_start_takes_the_kept_code_and_compiles_nothing(tmp_path: Path) -> None:
    path = tmp_path / "__pycache__" / "dataclass-code.marshal"
    first = dataclass_code.install(path)
    try:
        _define()
        assert first.new_texts > 0
        first.save()
    finally:
        dataclass_code.uninstall()
    kept = path.read_bytes()
    assert kept.startswith(importlib.util.MAGIC_NUMBER)

    later = dataclass_code.install(path)
    try:
        point = _define()
        assert later.new_texts == 0
        later.save()
    finally:
        dataclass_code.uninstall()
    assert path.read_bytes() == kept
    assert _behaviour(point) == _behaviour(_define())


def test_a_changed_class_is_compiled_afresh(installed: DataclassCode) -> None:
    _define()
    installed.save()
    before = installed.new_texts
    changed = _define(SOURCE.replace("y: int = 0", "y: int = 0\n    z: int = 5"))
    assert installed.new_texts > before
    assert repr(changed(1)) == "Point(x=1, y=0, z=5, tags=())"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not marshal at all",
        importlib.util.MAGIC_NUMBER + b"\x00\x01garbage",
        # Another interpreter's magic number.
        b"\x00\x00\r\n" + marshal.dumps({}),
        importlib.util.MAGIC_NUMBER + marshal.dumps(["a list"]),
        # The right keys' shape, values that are not code.
        importlib.util.MAGIC_NUMBER + marshal.dumps({b"k" * 32: b"\xff\xfe"}),
    ],
)
def test_a_file_that_cannot_be_read_is_ignored_and_rewritten(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "dataclass-code.marshal"
    path.write_bytes(content)
    code = DataclassCode(path)
    namespace: dict[str, object] = {}
    code.exec("def f(x):\n return x + 1\n", namespace, namespace)
    function = namespace["f"]
    assert callable(function)
    assert function(1) == 2
    code.save()
    reread = DataclassCode(path)
    reread.code("def f(x):\n return x + 1\n")
    assert reread.new_texts == 0
    assert path.read_bytes() != content


def test_stored_bytes_that_are_not_code_are_compiled(tmp_path: Path) -> None:
    path = tmp_path / "dataclass-code.marshal"
    text = "x = 1\n"
    first = DataclassCode(path)
    first.code(text)
    first.save()
    # The value under the text's key replaced by a marshalled string.
    entries = marshal.loads(path.read_bytes()[len(importlib.util.MAGIC_NUMBER) :])
    ((key, _),) = entries.items()
    path.write_bytes(importlib.util.MAGIC_NUMBER + marshal.dumps({key: marshal.dumps("no")}))
    second = DataclassCode(path)
    namespace: dict[str, object] = {}
    second.exec(text, namespace)
    assert namespace["x"] == 1
    assert second.new_texts == 1


def test_nothing_is_written_without_bytecode_or_where_it_cannot_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "dataclass-code.marshal"
    code = DataclassCode(path)
    code.code("x = 1\n")
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    code.save()
    assert not path.exists()
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    # A file where its folder should be: it cannot be written, and saying so is not an error.
    blocked = DataclassCode(tmp_path / "file" / "dataclass-code.marshal")
    (tmp_path / "file").write_text("")
    blocked.code("x = 1\n")
    blocked.save()
    assert list(tmp_path.iterdir()) == [tmp_path / "file"]
    # No path (an interpreter without bytecode): compiled, never kept.
    nowhere = DataclassCode(None)
    assert nowhere.code("x = 1\n").co_names == ("x",)
    nowhere.save()


def test_past_its_limit_the_file_keeps_what_the_last_process_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dataclass_code, "MAX_ENTRIES", 3)
    path = tmp_path / "dataclass-code.marshal"
    first = DataclassCode(path)
    for n in range(3):
        first.code(f"x = {n}\n")
    first.save()
    second = DataclassCode(path)
    second.code("x = 0\n")
    second.code("x = 9\n")
    second.save()
    kept = DataclassCode(path)
    for text in ("x = 0\n", "x = 9\n"):
        kept.code(text)
    assert kept.new_texts == 0
    kept.code("x = 1\n")
    assert kept.new_texts == 1


def test_install_keeps_the_first_and_uninstall_restores_dataclasses_own_exec(
    tmp_path: Path,
) -> None:
    first = dataclass_code.install(tmp_path / "a.marshal")
    try:
        assert dataclass_code.install(tmp_path / "b.marshal") is first
        _define()
        assert first.new_texts > 0
        dataclass_code.save()
        assert (tmp_path / "a.marshal").exists()
    finally:
        dataclass_code.uninstall()
    assert "exec" not in vars(dataclasses)
    dataclass_code.save()  # none installed: nothing to do


def test_the_default_file_lies_beside_the_package_bytecode(tmp_path: Path) -> None:
    """`PYTHONPYCACHEPREFIX` moves it with the `.pyc` files; named with the cache tag."""
    script = "from appsync.dataclass_code import default_path; print(default_path())"
    printed = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPYCACHEPREFIX": str(tmp_path), "PATH": ""},
    ).stdout.strip()
    tag = sys.implementation.cache_tag
    assert printed.startswith(str(tmp_path))
    assert printed.endswith(f"/appsync/dataclass-code.{tag}.marshal")
    assert dataclass_code.default_path() == Path(
        importlib.util.cache_from_source(dataclass_code.__file__)
    ).with_name(f"dataclass-code.{tag}.marshal")


def test_code_compiled_under_another_optimization_level_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -O` compiles without assertions: its code is kept apart (the key has the level)."""
    path = tmp_path / "dataclass-code.marshal"
    text = "def f(x):\n assert x\n return x\n"
    first = DataclassCode(path)
    first.code(text)
    first.save()
    monkeypatch.setattr(sys, "flags", type("Flags", (), {"optimize": 1})())
    optimized = DataclassCode(path)
    optimized.code(text)
    assert optimized.new_texts == 1
