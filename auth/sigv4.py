"""AWS_IAM: Signature Version 4 verification for service `appsync`.

The canonical request is rebuilt from what arrived (method, path, query string, the headers the
client named, and the SHA-256 of the real body, never a client-supplied `UNSIGNED-PAYLOAD`), then
signed with the secret of the access key named in the credential scope and compared in constant
time. Follows "Create a signed AWS API request" (AWS IAM User Guide, Signature Version 4) and the
error types and texts AWS services return for bad signatures (InvalidSignatureException,
IncompleteSignatureException, UnrecognizedClientException, ExpiredTokenException; HTTP 403).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import posixpath
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import quote, unquote

from auth.clock import Clock
from auth.errors import SignatureError
from auth.identity import AUTH_TYPES, Principal
from auth.modes import AuthMode
from auth.request import AuthRequest

logger = logging.getLogger(__name__)

ALGORITHM = "AWS4-HMAC-SHA256"
SERVICE = "appsync"
# AWS accepts a request whose date is within 5 minutes of its own clock.
SKEW_SECONDS = 300
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_SPACES = re.compile(r"\s+")

INVALID_SIGNATURE = "InvalidSignatureException"
INCOMPLETE_SIGNATURE = "IncompleteSignatureException"
UNRECOGNIZED_CLIENT = "UnrecognizedClientException"
EXPIRED_TOKEN = "ExpiredTokenException"
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"


@dataclass(frozen=True, slots=True)
class IamCredential:
    """One access key the local API accepts, and the principal it stands for.

    `username` is `$ctx.identity.username` (AWS puts the principal's unique id there, for an
    assumed role `<role id>:<session name>`); it defaults to the last segment of `user_arn`.
    Temporary credentials carry `session_token` and `expiration` (epoch seconds). The Cognito
    identity fields are those of credentials vended by a Cognito identity pool.
    """

    access_key_id: str
    secret_access_key: str
    account_id: str
    user_arn: str
    username: str | None = None
    session_token: str | None = None
    expiration: int | None = None
    cognito_identity_pool_id: str | None = None
    cognito_identity_id: str | None = None
    cognito_identity_auth_type: str | None = None
    cognito_identity_auth_provider: str | None = None


class CredentialSource(Protocol):
    """Where access keys beyond the configured set come from (for example moto's IAM and STS)."""

    async def lookup(self, access_key_id: str) -> IamCredential | None: ...


@dataclass(frozen=True, slots=True)
class IamConfig:
    """AWS_IAM. `region`, when set, is the only region the credential scope may name."""

    credentials: tuple[IamCredential, ...] = ()
    region: str | None = None
    sources: tuple[CredentialSource, ...] = ()

    @property
    def mode(self) -> AuthMode:
        return AuthMode.AWS_IAM


@dataclass(frozen=True, slots=True)
class _Authorization:
    access_key_id: str
    date: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{self.terminator}"


def is_sigv4(authorization: str) -> bool:
    return authorization.startswith(ALGORITHM + " ")


class IamProvider:
    def __init__(self, config: IamConfig, clock: Clock) -> None:
        self._credentials = {c.access_key_id: c for c in config.credentials}
        self._sources = config.sources
        self._region = config.region
        self._clock = clock

    async def authenticate(self, request: AuthRequest) -> Principal:
        header = request.header("authorization") or ""
        parsed = _parse_authorization(header)
        amz_date = _request_date(request, header)
        _check_scope(parsed, amz_date, self._region)
        _check_signed_headers(request, parsed)
        self._check_skew(amz_date)
        credential = await self._lookup(parsed.access_key_id)
        self._check_token(request, credential)
        canonical = canonical_request(request, parsed.signed_headers)
        string_to_sign = "\n".join(
            (ALGORITHM, amz_date.strftime(_AMZ_DATE), parsed.scope, _sha256(canonical.encode()))
        )
        key = signing_key(credential.secret_access_key, parsed.date, parsed.region, parsed.service)
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parsed.signature):
            raise SignatureError(
                INVALID_SIGNATURE,
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method. Consult the service "
                "documentation for details.\n\nThe Canonical String for this request should have "
                f"been\n'{canonical}'\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n",
            )
        return Principal(
            mode=AuthMode.AWS_IAM,
            identity=iam_identity(credential, request.source_ip),
            auth_type=AUTH_TYPES[AuthMode.AWS_IAM],
        )

    def _check_skew(self, amz_date: datetime) -> None:
        now = self._clock.time()
        signed_at = amz_date.timestamp()
        now_text = datetime.fromtimestamp(now, UTC).strftime(_AMZ_DATE)
        date_text = amz_date.strftime(_AMZ_DATE)
        if signed_at < now - SKEW_SECONDS:
            earliest = datetime.fromtimestamp(now - SKEW_SECONDS, UTC).strftime(_AMZ_DATE)
            raise SignatureError(
                INVALID_SIGNATURE,
                f"Signature expired: {date_text} is now earlier than {earliest} "
                f"({now_text} - 5 min.)",
            )
        if signed_at > now + SKEW_SECONDS:
            latest = datetime.fromtimestamp(now + SKEW_SECONDS, UTC).strftime(_AMZ_DATE)
            raise SignatureError(
                INVALID_SIGNATURE,
                f"Signature not yet current: {date_text} is still later than {latest} "
                f"({now_text} + 5 min.)",
            )

    async def _lookup(self, access_key_id: str) -> IamCredential:
        credential = self._credentials.get(access_key_id)
        for source in self._sources:
            if credential is not None:
                break
            credential = await source.lookup(access_key_id)
        if credential is None:
            raise SignatureError(UNRECOGNIZED_CLIENT, INVALID_TOKEN_MESSAGE)
        return credential

    def _check_token(self, request: AuthRequest, credential: IamCredential) -> None:
        sent = request.header("x-amz-security-token")
        if credential.session_token is None:
            if sent is not None:
                raise SignatureError(UNRECOGNIZED_CLIENT, INVALID_TOKEN_MESSAGE)
            return
        if sent is None or not hmac.compare_digest(sent, credential.session_token):
            raise SignatureError(UNRECOGNIZED_CLIENT, INVALID_TOKEN_MESSAGE)
        if credential.expiration is not None and self._clock.time() >= credential.expiration:
            raise SignatureError(EXPIRED_TOKEN, EXPIRED_TOKEN_MESSAGE)


def iam_identity(credential: IamCredential, source_ip: str | None) -> dict[str, Any]:
    """`$ctx.identity` under AWS_IAM (AppSync resolver context reference, identity for IAM)."""
    username = credential.username or credential.user_arn.rsplit("/", 1)[-1]
    return {
        "accountId": credential.account_id,
        "cognitoIdentityPoolId": credential.cognito_identity_pool_id,
        "cognitoIdentityId": credential.cognito_identity_id,
        "sourceIp": [source_ip] if source_ip else [],
        "username": username,
        "userArn": credential.user_arn,
        "cognitoIdentityAuthType": credential.cognito_identity_auth_type,
        "cognitoIdentityAuthProvider": credential.cognito_identity_auth_provider,
    }


def _parse_authorization(header: str) -> _Authorization:
    fields: dict[str, str] = {}
    for part in header[len(ALGORITHM) :].split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            fields[name] = value
    missing = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not fields.get(name)
    ]
    if missing:
        raise SignatureError(INCOMPLETE_SIGNATURE, f"{' '.join(missing)} Authorization={header}")
    scope = fields["Credential"].split("/")
    if len(scope) != 5:
        raise SignatureError(
            INCOMPLETE_SIGNATURE,
            f"Credential should have exactly 5 slash-delimited elements, e.g. "
            f"keyId/date/region/service/term, got '{fields['Credential']}'",
        )
    return _Authorization(
        access_key_id=scope[0],
        date=scope[1],
        region=scope[2],
        service=scope[3],
        terminator=scope[4],
        signed_headers=tuple(fields["SignedHeaders"].split(";")),
        signature=fields["Signature"],
    )


def _request_date(request: AuthRequest, header: str) -> datetime:
    amz_date = request.header("x-amz-date")
    if amz_date is not None:
        try:
            return datetime.strptime(amz_date, _AMZ_DATE).replace(tzinfo=UTC)
        except ValueError:
            pass
    http_date = request.header("date")
    if amz_date is None and http_date is not None:
        try:
            return parsedate_to_datetime(http_date).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    raise SignatureError(
        INCOMPLETE_SIGNATURE,
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        f"Authorization={header}",
    )


def _check_scope(parsed: _Authorization, amz_date: datetime, region: str | None) -> None:
    day = amz_date.strftime("%Y%m%d")
    if parsed.date != day:
        raise SignatureError(
            INVALID_SIGNATURE,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            f"HTTP: '{parsed.date}' != '{day}', from '{amz_date.strftime(_AMZ_DATE)}'.",
        )
    if parsed.service != SERVICE:
        raise SignatureError(
            INVALID_SIGNATURE, f"Credential should be scoped to correct service: '{SERVICE}'. "
        )
    if region is not None and parsed.region != region:
        raise SignatureError(
            INVALID_SIGNATURE,
            f"Credential should be scoped to a valid region, not '{parsed.region}'. ",
        )
    if parsed.terminator != "aws4_request":
        raise SignatureError(
            INVALID_SIGNATURE,
            "Credential should be scoped with a valid terminator: 'aws4_request', "
            f"not '{parsed.terminator}'. ",
        )


def _check_signed_headers(request: AuthRequest, parsed: _Authorization) -> None:
    signed = set(parsed.signed_headers)
    if "host" not in signed:
        raise SignatureError(
            INVALID_SIGNATURE,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        )
    if request.header("x-amz-date") is not None and "x-amz-date" not in signed:
        raise SignatureError(
            INVALID_SIGNATURE, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."
        )
    for name in parsed.signed_headers:
        if request.header(name) is None:
            # aws-mobile-appsync-sdk-js#702 records this text from AppSync.
            raise SignatureError(
                INCOMPLETE_SIGNATURE,
                f"'{name}' is named as a SignedHeader, but it does not exist in the HTTP request.",
            )


def canonical_request(request: AuthRequest, signed_headers: tuple[str, ...]) -> str:
    """The SigV4 canonical request, with the payload hash of the body as received."""
    headers = "".join(
        f"{name}:{_SPACES.sub(' ', (request.header(name) or '').strip())}\n"
        for name in signed_headers
    )
    return "\n".join(
        (
            request.method.upper(),
            _canonical_uri(request.path),
            _canonical_query(request.query_string),
            headers,
            ";".join(signed_headers),
            _sha256(request.body),
        )
    )


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = _hmac(f"AWS4{secret}".encode(), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def _canonical_uri(path: str) -> str:
    # Non-S3 services normalise the path and URI-encode it once more (as botocore signs it).
    normalized = posixpath.normpath(path) if path else "/"
    if path.endswith("/") and normalized != "/":
        normalized += "/"
    if normalized.startswith("//"):
        normalized = "/" + normalized.lstrip("/")
    return quote(normalized, safe="/~")


def _canonical_query(query_string: str) -> str:
    if not query_string:
        return ""
    pairs = []
    for pair in query_string.split("&"):
        name, _, value = pair.partition("=")
        pairs.append((_encode(unquote(name)), _encode(unquote(value))))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class MotoCredentialSource:
    """Access keys of the in-process moto: IAM users' keys and STS temporary credentials.

    Looks keys up in moto's IAM and STS backends (every account moto has seen), so a user or an
    assumed role created with boto3 against the embedded moto can sign requests to the API.
    """

    async def lookup(self, access_key_id: str) -> IamCredential | None:
        return await asyncio.to_thread(_moto_lookup, access_key_id)


def _moto_lookup(access_key_id: str) -> IamCredential | None:
    # Imported here: moto is large, and only APIs running against the embedded moto use it.
    from moto.iam.models import iam_backends
    from moto.sts.models import sts_backends

    for account_id, account in list(iam_backends.items()):
        for partition, backend in list(account.items()):
            key = backend.access_keys.get(access_key_id)
            if key is None:
                continue
            if key.status != "Active":
                return None
            if key.role_arn:
                role = sts_backends[account_id][partition].get_assumed_role_from_access_key(
                    access_key_id
                )
                if role is None:
                    return None
                expiration = role.expiration
                if expiration.tzinfo is None:
                    expiration = expiration.replace(tzinfo=UTC)
                return IamCredential(
                    access_key_id=access_key_id,
                    secret_access_key=role.secret_access_key,
                    account_id=account_id,
                    user_arn=role.arn,
                    username=role.user_id,
                    session_token=role.session_token,
                    expiration=int(expiration.timestamp()),
                )
            user = backend.users.get(key.user_name or "")
            if user is None:
                return None
            return IamCredential(
                access_key_id=access_key_id,
                secret_access_key=key.secret_access_key,
                account_id=account_id,
                user_arn=user.arn,
                username=user.id,
            )
    return None
