"""ES module imports through NODE_PATH: Lambda's Node.js runtimes (18 and later) resolve a bare
`import` from NODE_PATH's folders (layers' `/opt/nodejs/node_modules`, the runtime's SDK), which
Node's own ES module loader ignores; CommonJS `require` reads NODE_PATH itself. The function's
own `node_modules` still wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from functions.model import FunctionSpec
from tests.unit.functions.conftest import running, write_code


def package(name: str, where: str) -> dict[str, str]:
    return {
        f"nodejs/node_modules/{name}/package.json": json.dumps(
            {"name": name, "exports": {"import": "./index.mjs", "require": "./index.cjs"}}
        ),
        f"nodejs/node_modules/{name}/index.mjs": f"export const where = '{where} (import)';\n",
        f"nodejs/node_modules/{name}/index.cjs": f"exports.where = '{where} (require)';\n",
    }


@pytest.mark.anyio
async def test_layers_resolve_for_import_and_require_and_own_modules_win(
    tmp_path: Path, node: str
) -> None:
    layer = write_code(tmp_path / "layer", package("shared", "layer") | package("mine", "layer"))
    own = {
        "node_modules/mine/package.json": '{"name": "mine", "main": "index.js"}',
        "node_modules/mine/index.js": "exports.where = 'own';\n",
    }
    code = write_code(
        tmp_path / "js",
        own
        | {
            "esm.mjs": (
                "import { where } from 'shared';\nimport mine from 'mine';\n"
                "export const handler = async () => [where, mine.where];\n"
            ),
            "cjs.js": (
                "exports.handler = async () => [require('shared').where, require('mine').where];\n"
            ),
            "relative.mjs": "import './nowhere.mjs';\nexport const handler = async () => 1;\n",
        },
    )
    specs = [
        FunctionSpec(name, "nodejs20.x", f"{name}.handler", code, layers=(layer,))
        for name in ("esm", "cjs", "relative")
    ]
    async with running(*specs) as invoker:
        esm = await invoker.invoke("esm", b"{}")
        cjs = await invoker.invoke("cjs", b"{}")
        relative = await invoker.invoke("relative", b"{}")
    assert json.loads(esm.payload) == ["layer (import)", "own"]
    assert json.loads(cjs.payload) == ["layer (require)", "own"]
    assert relative.error()["errorMessage"].startswith("Cannot find module ")
    assert "nowhere.mjs" in relative.error()["errorMessage"]
