"""A Python function's `requirements.txt`, installed as a deployment package carries it.

Lambda runs what the function's package holds: `sam build` (and `pip install -r requirements.txt
-t .` by hand) puts the packages a code directory's `requirements.txt` names beside its code
(AWS Lambda developer guide, "Working with .zip file archives for Python Lambda functions").
Locally they are installed once, with `pip install --target`, into a folder of a cache keyed by
the file's content and the interpreter that runs the function, and that folder goes on the
worker's path right after the code directory. The install runs before the function's first
worker starts (a later worker finds the folder ready); pip runs in the requirements file's
folder, so relative entries (`./wheels/mylib-1.0-py3-none-any.whl`) resolve as they do for
`sam build`. A failed install (pip cannot reach the package index, a package that does not
exist) fails the invocation with pip's own last lines, and the next invocation tries again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

from functions.errors import RequirementsInstallError

logger = logging.getLogger(__name__)

# The last lines of pip's output that an install failure quotes.
_QUOTED_LINES = 8
# Written last into a finished folder: a folder without it is an interrupted install.
_COMPLETE = ".installed"


def default_cache() -> Path:
    """Where installed requirements are kept across runs: the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "appsync-local" / "lambda-requirements"


@dataclass(frozen=True, slots=True)
class Requirements:
    """One function's requirements file, the interpreter they are for, and their folder."""

    function_name: str
    file: Path
    interpreter: str
    target: Path

    @classmethod
    def of(cls, function_name: str, file: Path, interpreter: str, cache: Path) -> Requirements:
        """The folder is named by the file's content and the interpreter (its path and
        version), so an edited file or another Python gets a folder of its own."""
        digest = hashlib.sha256(file.read_bytes())
        digest.update(f"\0{interpreter}\0{sys.version_info[:2]}".encode())
        return cls(function_name, file, interpreter, cache / digest.hexdigest()[:24])

    @property
    def installed(self) -> bool:
        return (self.target / _COMPLETE).is_file()

    async def install(self) -> None:
        """Install into `target` unless done already; RequirementsInstallError when pip fails."""
        if self.installed:
            return
        self.target.parent.mkdir(parents=True, exist_ok=True)
        partial = self.target.with_name(f"{self.target.name}.{uuid.uuid4().hex[:8]}.partial")
        logger.info(
            "function %s: installing %s into %s", self.function_name, self.file, self.target
        )
        process = await asyncio.create_subprocess_exec(
            *[self.interpreter, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"],
            *["--no-input", "--retries", "1", "--timeout", "15", "--target", str(partial)],
            *["--requirement", str(self.file)],
            cwd=self.file.parent,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        if process.returncode != 0:
            await asyncio.to_thread(shutil.rmtree, partial, True)
            raise RequirementsInstallError(self._failure(output.decode(errors="replace")))
        (partial / _COMPLETE).write_text(str(self.file), encoding="utf-8")
        try:
            partial.rename(self.target)
        except OSError:
            # Another server (or function with the same file) finished first: theirs is kept.
            await asyncio.to_thread(shutil.rmtree, partial, True)
            if not self.installed:
                raise

    def _failure(self, output: str) -> str:
        lines = [line for line in output.splitlines() if line.strip()][-_QUOTED_LINES:]
        return (
            f"Function {self.function_name}: pip could not install {self.file} (is the package "
            "index reachable? Offline, vendor the packages into the code directory with "
            f"`pip install -r requirements.txt -t .` while online):\n" + "\n".join(lines)
        )
