"""The README's "Tokens your server trusts" recipe, run as a user runs it: its script makes a key
pair and a token, and the server given the README's OPENID_CONNECT settings admits the token.

The claims each check reads follow AppSync's OIDC documentation ("OpenID Connect authorization":
https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#openid-connect-authorization:
`clientId` is "a regular expression ... matched against the aud or client_id claim").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import jwt
import yaml
from cryptography.hazmat.primitives import serialization

from tests.conftest import REPO_ROOT
from tests.integration.conftest import serve, write_whoami_api

SECTION = "### Tokens your server trusts"


def _readme_section(heading: str) -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(heading)
    end = text.find("\n### ", start + len(heading))
    return text[start:end]


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def _oidc_settings() -> dict[str, object]:
    """The README's OPENID_CONNECT block, as a user copies it."""
    (block,) = _blocks(_readme_section("### OPENID_CONNECT"), "yaml")
    settings = yaml.safe_load(block)
    assert isinstance(settings, dict)
    return settings


def _mint(folder: Path) -> str:
    (script,) = _blocks(_readme_section(SECTION), "python")
    (folder / "mint_token.py").write_text(script, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "mint_token.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def _whoami(url: str, token: str) -> httpx.Response:
    return httpx.post(
        url, json={"query": "{ whoami { identity } }"}, headers={"authorization": token}
    )


def test_the_readme_recipe_mints_a_token_the_readme_settings_admit(tmp_path: Path) -> None:
    token = _mint(tmp_path)
    config = write_whoami_api(tmp_path, "readme-tokens", _oidc_settings())
    with serve(config) as server:
        answer = _whoami(server.url, token)
    assert answer.status_code == 200, answer.text
    identity = json.loads(answer.json()["data"]["whoami"]["identity"])
    assert identity["sub"] == "ada"
    assert identity["issuer"] == "https://issuer.example.com"


def test_the_recipe_keeps_its_key_and_a_token_for_another_client_is_refused(
    tmp_path: Path,
) -> None:
    """A second run signs with the same key (the server keeps the JWKS it read); the README's
    `clientId` matches the whole `aud`, so `my-web-client-2` is refused with AppSync's 401."""
    first = _mint(tmp_path)
    second = _mint(tmp_path)
    key = serialization.load_pem_private_key(
        (tmp_path / "issuer-key.pem").read_bytes(), password=None
    )
    claims = jwt.decode(second, options={"verify_signature": False})
    other = jwt.encode(
        {**claims, "aud": "my-web-client-2"},
        key,  # type: ignore[arg-type]
        algorithm="RS256",
        headers={"kid": "key-1"},
    )
    config = write_whoami_api(tmp_path, "readme-tokens", _oidc_settings())
    with serve(config) as server:
        assert _whoami(server.url, first).status_code == 200
        assert _whoami(server.url, second).status_code == 200
        refused = _whoami(server.url, other)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["errorType"] == "UnauthorizedException"
