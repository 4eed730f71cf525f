"""The control API's client: AWS JSON 1.0 calls to `AppSyncLocal.<Operation>` on the server's
AWS endpoint, signed with SigV4 (botocore's signer, service `appsync-local`) with the endpoint's
declared key, as `appsync.control` requires."""

from __future__ import annotations

import json
from typing import Any

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from appsync.testing.errors import ControlApiError

SIGNING_NAME = "appsync-local"
_JSON_TYPE = "application/x-amz-json-1.0"


class ControlClient:
    """Calls of one server's control API; `close()` ends its connection pool."""

    def __init__(
        self, endpoint_url: str, access_key_id: str, secret_access_key: str, region: str
    ) -> None:
        self._url = endpoint_url.rstrip("/") + "/"
        self._credentials = Credentials(access_key_id, secret_access_key)
        self._region = region
        # A Wait that ends on AdvanceClock may run a while before the answer (settle: 5 s at
        # most, twice), and a reset awaits every cancelled execution.
        self._http = httpx.Client(timeout=30.0)

    def call(self, operation: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        raw = json.dumps(body or {}).encode()
        request = AWSRequest(
            method="POST",
            url=self._url,
            data=raw,
            headers={"content-type": _JSON_TYPE, "x-amz-target": f"AppSyncLocal.{operation}"},
        )
        SigV4Auth(self._credentials, SIGNING_NAME, self._region).add_auth(request)
        headers = {name: str(value) for name, value in request.headers.items()}
        response = self._http.post(self._url, content=raw, headers=headers)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ControlApiError(operation, response.status_code, "", response.text[:200])
        if response.status_code != 200:
            error_type = str(answer.get("__type", "")).rsplit("#", 1)[-1]
            message = str(answer.get("message", ""))
            raise ControlApiError(operation, response.status_code, error_type, message)
        return answer

    def close(self) -> None:
        self._http.close()
