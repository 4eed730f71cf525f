"""JavaScript resolvers are bundled with the service's own esbuild as serverless-appsync-plugin
bundles them (src/resources/JsResolver.ts: buildSync with bundle, format esm, platform node,
`@aws-appsync/utils` external, the API's `esbuild` options; doc/general-config.md "Esbuild":
"TypeScript files are also transpiled into compatible JavaScript"). The esbuild is the one
scripts/node-deps installs from tests/fixtures/esbuild, linked into the service's node_modules as
`npm install` puts it there."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from definition.model import InlineSource
from definition.serverless.bundling import BundlingError, bundled, needs_bundling
from tests.unit.definition.serverless.serverless_support import HEAD, problems, read

ESBUILD = Path(sys.prefix) / "esbuild" / "node_modules" / "esbuild"
_HELLO = """import { util, Context } from '@aws-appsync/utils';
import { greeting } from './greeting';

type Args = { name: string };

export function request(ctx: Context<Args>) {
  return { payload: greeting(ctx.args.name), id: util.autoId() };
}

export function response(ctx: Context<Args>): string {
  return ctx.result as string;
}
"""
_GREETING = "export function greeting(name: string): string {\n  return `Hello, ${name}!`;\n}\n"


def _service(folder: Path) -> Path:
    (folder / "node_modules").mkdir()
    (folder / "node_modules" / "esbuild").symlink_to(ESBUILD, target_is_directory=True)
    (folder / "resolvers").mkdir()
    (folder / "resolvers" / "hello.ts").write_text(_HELLO)
    (folder / "resolvers" / "greeting.ts").write_text(_GREETING)
    return folder / "resolvers" / "hello.ts"


def test_what_needs_bundling() -> None:
    only_utils = "import { util } from '@aws-appsync/utils';\nexport function request() {}\n"
    assert not needs_bundling(Path("a.js"), only_utils)
    assert not needs_bundling(Path("a.js"), "import '@aws-appsync/utils/ai';")
    # esbuild's `external` covers a package's subpaths: AppSync's own modules.
    assert not needs_bundling(Path("a.js"), "import * as ddb from '@aws-appsync/utils/dynamodb';")
    assert needs_bundling(Path("a.ts"), only_utils)
    for text in (
        "import { greeting } from './greeting';",
        "import lodash from 'lodash';",
        "export * from './shared.js';",
        "const x = require('uuid');",
        "import { v4 } from '@aws-appsync/utils-extra';",
    ):
        assert needs_bundling(Path("a.js"), text), text


def test_typescript_and_local_imports_are_bundled_as_the_plugin_bundles(tmp_path: Path) -> None:
    entry = _service(tmp_path)
    code = bundled(entry, {}, tmp_path)
    # One ES module: the imported function inlined, types gone, AppSync's module kept external.
    assert "function greeting(name) {" in code
    assert "./greeting" not in code
    assert 'from "@aws-appsync/utils"' in code
    assert "export {" in code
    assert "//# sourceMappingURL=data:application/json;base64," in code
    # The API's options go over the plugin's defaults (its doc's example: no source map).
    assert "sourceMappingURL" not in bundled(entry, {"sourcemap": False}, tmp_path)


def test_what_cannot_be_bundled_says_why(tmp_path: Path) -> None:
    entry = _service(tmp_path)
    entry.write_text(_HELLO.replace("greeting(ctx.args.name)", "greeting(ctx.args.name))"))
    with pytest.raises(BundlingError, match=r"^esbuild: .*hello\.ts:7:"):
        bundled(entry, {}, tmp_path)
    (tmp_path / "node_modules" / "esbuild").unlink()
    with pytest.raises(BundlingError, match="which is not installed in"):
        bundled(entry, {}, tmp_path)


def test_a_service_s_typescript_resolver_is_read_bundled(tmp_path: Path) -> None:
    _service(tmp_path)
    text = (
        HEAD
        + """
appSync:
  name: posts
  authentication: {type: API_KEY}
  dataSources:
    none: {type: NONE}
  resolvers:
    Query.getPost:
      kind: UNIT
      dataSource: none
      code: resolvers/hello.ts
"""
    )
    [resolver] = read(tmp_path, text).resolvers
    assert resolver.code is not None
    source = resolver.code.code
    assert isinstance(source, InlineSource)
    assert "function greeting(name)" in source.text
    # Errors in it name the file it came from.
    assert source.name == str(tmp_path / "resolvers" / "hello.ts")
    (tmp_path / "resolvers" / "hello.ts").write_text("export function request( {")
    [problem] = problems(tmp_path, text)
    assert problem.startswith("appSync.resolvers.Query.getPost.code: esbuild: ")
