"""A synthesis for `appsync-local sandbox --synth-command` in tests, in place of Amplify's (whose
node_modules weigh about a gigabyte): run in the project's folder, it writes the cloud assembly
that apis/iac/amplify-gen2/project/synth.sh made with the real toolchain into $CDK_OUTDIR, as
the CDK toolkit's app would, chosen by what amplify/data/resource.ts says:

* `// edit: sandboxEdit`: the assembly with a Query field `sandboxEdit: String` more in its
  schema, which is a new asset (CDK names assets by their content: `asset.<sha256>`, the
  templates and asset manifest naming the new hash);
* `// break`: what tsx prints for a TypeScript syntax error, and exit status 1;
* `// hold`: writes its process id to `holding.pid`, then waits (at most a minute) for a file
  `release` in the project before it writes.

Each run appends its context ($CDK_CONTEXT_JSON) and the marker it acted on to `synths.log`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "iac" / "amplify-gen2" / "cdk.out"
SCHEMA_HASH = "5bf22d51f16e4784da5e1f59a61359390633337056475118bea0b05b7a2024b9"
QUERY = "type Query @aws_iam {\n"
EDIT = "  sandboxEdit: String @aws_iam\n"
# esbuild's wording, which tsx prints when it cannot transform a file.
SYNTAX_ERROR = """Error: Transform failed with 1 error:
{file}:4:0: ERROR: Expected "}}" but found end of file
    at failureErrorWithLog (node_modules/esbuild/lib/main.js:1467:15)
"""


def main() -> int:
    source = Path("amplify", "data", "resource.ts").read_text(encoding="utf-8")
    marker = next(
        (word for word in ("break", "hold", "edit") if f"// {word}" in source), "original"
    )
    with open("synths.log", "a", encoding="utf-8") as log:
        log.write(f"{marker} {os.environ['CDK_CONTEXT_JSON']}\n")
    if marker == "break":
        sys.stderr.write(SYNTAX_ERROR.format(file=Path("amplify/data/resource.ts").resolve()))
        return 1
    if marker == "hold":
        Path("holding.tmp").write_text(str(os.getpid()), encoding="utf-8")
        os.replace("holding.tmp", "holding.pid")  # whole when it appears
        deadline = time.monotonic() + 60
        while not Path("release").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
    out = Path(os.environ["CDK_OUTDIR"])
    shutil.copytree(FIXTURE, out, dirs_exist_ok=True)
    if marker == "edit":
        _add_field(out)
    print(f"Successfully synthesized to {out}")
    return 0


def _add_field(out: Path) -> None:
    schema = out / f"asset.{SCHEMA_HASH}.graphql"
    text = schema.read_text(encoding="utf-8").replace(QUERY, QUERY + EDIT)
    digest = hashlib.sha256(text.encode()).hexdigest()
    schema.unlink()
    (out / f"asset.{digest}.graphql").write_text(text, encoding="utf-8")
    for template in out.glob("*.json"):
        content = template.read_text(encoding="utf-8")
        if SCHEMA_HASH in content:
            template.write_text(content.replace(SCHEMA_HASH, digest), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
