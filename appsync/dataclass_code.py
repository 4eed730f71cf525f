"""The compiled code of `@dataclass`'s methods, kept between starts (issue 19: the first answer).

`@dataclass` writes each class's methods (`__init__`, `__eq__`, `__setattr__` of a frozen one,
...) as Python source and compiles it with `exec`, about 0.3 ms of CPU a class on Python 3.11:
a fifth of `serve`'s CPU time before it listens, for the 240 or so classes it defines then
(ours, graphql-core's AST nodes, Starlette's and uvicorn's). The text is the same at every
start, and so is the code compiled from it. `install()` has the `dataclasses` module's `exec`
take the code compiled from the same text at an earlier start, from a file beside this
package's bytecode (in its `__pycache__`, as Python keeps a `.pyc`), and `save()` adds to the
file what this process compiled anew.

The key is a SHA-256 of the whole text and the optimization level (`-O`): a changed class
(ours, a library's, another release of `dataclasses`) writes another text, which is compiled.
The file begins with the interpreter's bytecode magic number and is named with its cache tag,
as a `.pyc` is, so another Python's is not read; a file that cannot be read is ignored (and
rewritten), one that cannot be written is not (a read-only install; `PYTHONDONTWRITEBYTECODE`
keeps it from being written, as it keeps the `.pyc` files). Text is compiled as `dataclasses`
compiles it: without this module's `from __future__ import annotations` (the generated
`__init__`'s annotations stay objects).

Only the `appsync-local` command installs it (`appsync.entry_point`): the classes made in a
process before it are compiled as before, and so is everything in a process that never
installs it (tests, an embedding program).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import logging
import marshal
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from types import CodeType
from typing import Any

logger = logging.getLogger(__name__)

# More entries than the largest start uses (serve: about 1,100 functions): past it, the file
# keeps only what the last process used, so texts no class writes any longer do not pile up.
MAX_ENTRIES = 4000


def default_path() -> Path | None:
    """Where the code is kept: beside this module's bytecode (honouring `PYTHONPYCACHEPREFIX`),
    or nowhere when this interpreter keeps no bytecode (`sys.implementation.cache_tag` None)."""
    try:
        compiled = importlib.util.cache_from_source(__file__)
    except NotImplementedError:
        return None
    return Path(compiled).with_name(f"dataclass-code.{sys.implementation.cache_tag}.marshal")


class DataclassCode:
    """Code by the SHA-256 of its source text: as read from `path`, and compiled anew here."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        # Marshalled code objects: each is loaded when its text is asked for (loading them all
        # at once, as one marshalled dict of code objects, takes ten times as long).
        self._stored: dict[bytes, bytes] = _read(path) if path is not None else {}
        self._used: set[bytes] = set()
        self._compiled: dict[bytes, bytes] = {}
        self._unsaved = False

    @property
    def new_texts(self) -> int:
        """How many texts this process has compiled (found in no earlier start's file)."""
        return len(self._compiled)

    def exec(
        self,
        source: str | CodeType,
        globals: dict[str, Any] | None = None,
        locals: Mapping[str, object] | None = None,
    ) -> None:
        """`exec` as `dataclasses` calls it, with `source` compiled once per text."""
        code = self.code(source) if isinstance(source, str) else source
        exec(code, globals, locals)

    def code(self, source: str) -> CodeType:
        # With the optimization level (`-O`), which `compile` applies as `exec` does.
        keyed = f"{sys.flags.optimize}\n{source}"
        key = hashlib.sha256(keyed.encode("utf-8", "surrogatepass")).digest()
        self._used.add(key)
        stored = self._stored.get(key)
        if stored is not None:
            try:
                code = marshal.loads(stored)
            except (EOFError, ValueError, TypeError):
                code = None
            if isinstance(code, CodeType):
                return code
        # dont_inherit: compiled as `dataclasses` compiles it, not under this module's
        # `from __future__ import annotations`.
        code = compile(source, "<string>", "exec", dont_inherit=True)
        self._compiled[key] = marshal.dumps(code)
        self._unsaved = True
        return code

    def save(self) -> None:
        """Write the stored code with what was compiled since (nothing when nothing was)."""
        if self.path is None or not self._unsaved or sys.dont_write_bytecode:
            return
        self._unsaved = False
        # Copies: another thread may be defining dataclasses (the start deferred past
        # listening).
        compiled, used = dict(self._compiled), set(self._used)
        entries = {**self._stored, **compiled}
        if len(entries) > MAX_ENTRIES:
            entries = {key: entries[key] for key in used if key in entries}
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(importlib.util.MAGIC_NUMBER + marshal.dumps(entries))
            # Whole or not at all: another process may be reading it.
            os.replace(temporary, self.path)
        except OSError as error:
            logger.debug("dataclass code not kept in %s: %s", self.path, error)
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def _read(path: Path) -> dict[bytes, bytes]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    magic = importlib.util.MAGIC_NUMBER
    if not data.startswith(magic):
        return {}
    try:
        entries = marshal.loads(memoryview(data)[len(magic) :])
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {
        key: value
        for key, value in entries.items()
        if isinstance(key, bytes) and isinstance(value, bytes)
    }


_installed: DataclassCode | None = None


def install(path: Path | None = None) -> DataclassCode:
    """Have `dataclasses` compile each method's text once (kept in `path`, by default
    `default_path()`); a second call keeps the first's."""
    global _installed
    if _installed is None:
        _installed = DataclassCode(path if path is not None else default_path())
        # `dataclasses` calls `exec` by its global name (3.11 and 3.12's `_create_fn`, 3.13's
        # `_FuncBuilder`): a module attribute of that name is found before the builtin.
        setattr(dataclasses, "exec", _installed.exec)  # noqa: B010
    return _installed


def uninstall() -> None:
    """Back to `dataclasses`' own `exec`."""
    global _installed
    if _installed is not None:
        delattr(dataclasses, "exec")
        _installed = None


def save() -> None:
    """Keep what the installed cache compiled anew (nothing when none is installed)."""
    if _installed is not None:
        _installed.save()
