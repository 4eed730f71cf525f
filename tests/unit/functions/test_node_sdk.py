"""The SDK directory for Node.js functions, and the hint that names the install command when a
function misses an `@aws-sdk/*` package (Node's own messages: CommonJS "Cannot find module
'@aws-sdk/client-s3'", ES modules "Cannot find package '@aws-sdk/client-s3' imported from ...")."""

from __future__ import annotations

from pathlib import Path

from functions.node_sdk import NodeSdk, missing_package, missing_package_hint


def test_missing_sdk_packages_are_recognised_in_both_module_systems() -> None:
    assert missing_package("Error: Cannot find module '@aws-sdk/client-s3'\nRequire stack:") == (
        "@aws-sdk/client-s3"
    )
    assert (
        missing_package("Cannot find package '@aws-sdk/lib-dynamodb' imported from /x/index.mjs")
        == "@aws-sdk/lib-dynamodb"
    )
    assert missing_package("Cannot find module 'lodash'") is None


def test_the_hint_names_the_install_command(tmp_path: Path) -> None:
    sdk = NodeSdk(tmp_path / "aws sdk")
    hint = missing_package_hint("orders", "@aws-sdk/client-s3", sdk)
    assert hint.endswith(f"npm install --prefix '{tmp_path}/aws sdk' @aws-sdk/client-s3")
    assert "orders" in hint
    assert "(npm install @aws-sdk/x)" in missing_package_hint("orders", "@aws-sdk/x", None)


def test_an_installed_package_is_found(tmp_path: Path) -> None:
    sdk = NodeSdk(tmp_path)
    assert not sdk.has("@aws-sdk/client-dynamodb")
    package = tmp_path / "node_modules" / "@aws-sdk" / "client-dynamodb"
    package.mkdir(parents=True)
    (package / "package.json").write_text("{}")
    assert sdk.has("@aws-sdk/client-dynamodb")
    assert sdk.node_modules == tmp_path / "node_modules"
