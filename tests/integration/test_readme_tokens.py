"""README's "Tokens your server trusts" runs as written: its key pair and JWKS, its provider
settings and its tokens call an API whose default mode is OPENID_CONNECT with a user pool
beside it; the ID and access tokens are read by the claims the README's table names."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.integration.conftest import serve, write_whoami_api

pytestmark = pytest.mark.integration

SECTION = "## Tokens your server trusts"


def _blocks(language: str) -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index(f"\n{SECTION}\n") :]
    section = section[: section.index("\n## ", len(SECTION))]
    return re.findall(rf"^```{language}\n(.*?)^```$", section, re.M | re.S)


def _run(code: str, folder: Path) -> str:
    ran = subprocess.run(
        [sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    return ran.stdout


def _who(url: str, field: str, token: str) -> dict[str, Any]:
    response = httpx.post(
        url,
        json={"query": f"{{ {field} {{ authType identity }} }}"},
        headers={"authorization": token},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    who: dict[str, Any] = response.json()["data"][field]
    return {"authType": who["authType"], "identity": json.loads(who["identity"])}


def test_the_readmes_keys_settings_and_tokens_call_the_api(tmp_path: Path) -> None:
    make_keys, tokens = _blocks("python")
    [settings] = _blocks("yaml")
    _run(make_keys, tmp_path)
    assert {"private-key.pem", "jwks.json"} <= {path.name for path in tmp_path.iterdir()}
    config = write_whoami_api(tmp_path, "tokens", yaml.safe_load(settings), ("whoami", "anyone"))
    oidc, id_token, access_token = _run(tokens, tmp_path).split()
    with serve(config) as server:
        # The default mode reaches a field without directives.
        by_oidc = _who(server.url, "whoami", oidc)
        assert by_oidc["authType"] == "Open ID Connect Authorization"
        assert by_oidc["identity"]["sub"] == "ada"
        by_id = _who(server.url, "anyone", id_token)
        assert by_id["authType"] == "User Pool Authorization"
        assert (by_id["identity"]["username"], by_id["identity"]["groups"]) == ("ada", ["editors"])
        by_access = _who(server.url, "anyone", access_token)
        assert (by_access["authType"], by_access["identity"]["username"]) == (
            "User Pool Authorization",
            "ada",
        )
