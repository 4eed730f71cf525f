"""Signature Version 4 verification of one request, for any AWS service.

`SigV4Verifier.verify(request, service)` checks a request as AWS checks it before the service
sees it, and returns the access key that signed it. The canonical request is rebuilt from what
arrived (method, path, query string, the headers the client named, and the SHA-256 of the real
body), signed with the secret of the access key named in the credential scope, and compared in
constant time. Sources: "Create a signed AWS API request" and "Elements of an AWS API request
signature" (IAM User Guide, Signature Version 4); for S3, "Authenticating Requests (AWS Signature
Version 4)" (Amazon S3 API Reference: the path is not normalised or encoded again, the payload
hash is the `x-amz-content-sha256` header, which may be `UNSIGNED-PAYLOAD` or a `STREAMING-*`
value, and a pre-signed URL carries the signature in its query string).

Errors are `SignatureError`s named as the JSON services name them; each edge renders them in its
own service's wire shape (AppSync's errors JSON, `appsync/aws/errors.py` for the AWS APIs).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import quote, unquote

from auth.clock import Clock
from auth.errors import SignatureError
from auth.request import AuthRequest

ALGORITHM = "AWS4-HMAC-SHA256"
# AWS accepts a request whose date is within 5 minutes of its own clock.
SKEW_SECONDS = 300
# A pre-signed URL is valid for at most 7 days (S3 API Reference, "X-Amz-Expires").
MAX_EXPIRES_SECONDS = 604_800
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_AMZ_DATE = "%Y%m%dT%H%M%SZ"
_SPACES = re.compile(r"\s+")
_HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")

INVALID_SIGNATURE = "InvalidSignatureException"
INCOMPLETE_SIGNATURE = "IncompleteSignatureException"
UNRECOGNIZED_CLIENT = "UnrecognizedClientException"
EXPIRED_TOKEN = "ExpiredTokenException"
MISSING_AUTHENTICATION_TOKEN = "MissingAuthenticationTokenException"
# A pre-signed URL past its X-Amz-Expires (S3: AccessDenied "Request has expired").
REQUEST_EXPIRED = "RequestExpired"
# S3: the body's SHA-256 is not the x-amz-content-sha256 the client signed.
PAYLOAD_HASH_MISMATCH = "XAmzContentSHA256Mismatch"
# Signature Version 2 (`Authorization: AWS <key>:<signature>`, or `AWSAccessKeyId` and
# `Signature` in a pre-signed URL): S3 has refused it for buckets made since June 2020.
UNSUPPORTED_SIGNATURE = "UnsupportedSignatureVersion"
INVALID_TOKEN_MESSAGE = "The security token included in the request is invalid."
EXPIRED_TOKEN_MESSAGE = "The security token included in the request is expired"
MISSING_TOKEN_MESSAGE = "Request is missing Authentication Token"
SIGNATURE_MISMATCH_MESSAGE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service "
    "documentation for details."
)


@dataclass(frozen=True, slots=True)
class IamCredential:
    """One access key that may sign requests, and the principal it stands for.

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
    """Where access keys beyond the declared set come from (for example moto's IAM and STS)."""

    async def lookup(self, access_key_id: str) -> IamCredential | None: ...


@dataclass(frozen=True, slots=True)
class _Signature:
    access_key_id: str
    date: str
    region: str
    service: str
    terminator: str
    signed_headers: tuple[str, ...]
    signature: str
    signed_at: datetime
    # Pre-signed (query string) signatures: their lifetime and security token.
    presigned: bool = False
    expires: int = 0
    token: str | None = None

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/{self.terminator}"


def is_sigv4(authorization: str) -> bool:
    return authorization.startswith(ALGORITHM + " ")


def is_presigned(query_string: str) -> bool:
    """Whether the query string carries a SigV4 signature (a pre-signed URL)."""
    return "X-Amz-Algorithm=" in query_string and "X-Amz-Signature=" in query_string


def is_sigv2(authorization: str | None, query_string: str) -> bool:
    """Whether a request is signed with Signature Version 2 (header or pre-signed URL)."""
    if authorization is not None:
        return authorization.startswith("AWS ") and ":" in authorization
    return "AWSAccessKeyId=" in query_string and "Signature=" in query_string


def signature_scope(request: AuthRequest) -> tuple[str, str] | None:
    """The (service, region) a request's signature is scoped to, read without verifying it;
    None for a request that carries no SigV4 credential scope."""
    scope = _credential(request)
    if scope is None:
        return None
    return scope[3], scope[2]


def signature_access_key(request: AuthRequest) -> str | None:
    """The access key id a request's SigV4 credential names, read without verifying it (once
    `SigV4Verifier.verify` has passed, the key whose secret signed the request)."""
    scope = _credential(request)
    return scope[0] if scope is not None else None


def _credential(request: AuthRequest) -> list[str] | None:
    """`Credential=<key>/<date>/<region>/<service>/aws4_request`, split; None without one."""
    header = request.header("authorization") or ""
    credential = None
    if is_sigv4(header):
        for part in header[len(ALGORITHM) :].split(","):
            name, _, value = part.strip().partition("=")
            if name == "Credential":
                credential = value
    elif is_presigned(request.query_string):
        credential = _query(request.query_string).get("X-Amz-Credential")
    scope = (credential or "").split("/")
    return scope if len(scope) == 5 else None


class SigV4Verifier:
    """Checks signatures against the declared keys (then `sources`, in order).

    `region`, when set, is the only region a credential scope may name. `clock` decides a
    session credential's expiry; `signing_clock` (default: `clock`) the request's own date,
    which clients take from the wall clock whatever the server's clock says.
    """

    __slots__ = ("_clock", "_credentials", "_region", "_signing_clock", "_sources")

    def __init__(
        self,
        credentials: Iterable[IamCredential],
        clock: Clock,
        *,
        region: str | None = None,
        sources: tuple[CredentialSource, ...] = (),
        signing_clock: Clock | None = None,
    ) -> None:
        self._credentials = {c.access_key_id: c for c in credentials}
        self._sources = sources
        self._region = region
        self._clock = clock
        self._signing_clock = signing_clock if signing_clock is not None else clock

    async def verify(self, request: AuthRequest, service: str) -> IamCredential:
        """The key that signed `request` for `service`; SignatureError when AWS would refuse."""
        signature = _read_signature(request)
        _check_scope(signature, service, self._region)
        _check_signed_headers(request, signature)
        self._check_time(signature)
        credential = await self._lookup(signature.access_key_id)
        self._check_token(request, signature, credential)
        payload = _payload_hash(request, service, signature)
        canonical = canonical_request(
            request, signature.signed_headers, payload, s3=service == "s3"
        )
        string_to_sign = "\n".join(
            (
                ALGORITHM,
                signature.signed_at.strftime(_AMZ_DATE),
                signature.scope,
                _sha256(canonical.encode()),
            )
        )
        key = signing_key(
            credential.secret_access_key, signature.date, signature.region, signature.service
        )
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature.signature):
            raise SignatureError(
                INVALID_SIGNATURE,
                f"{SIGNATURE_MISMATCH_MESSAGE}\n\nThe Canonical String for this request should "
                f"have been\n'{canonical}'\n\nThe String-to-Sign should have been\n"
                f"'{string_to_sign}'\n",
            )
        return credential

    def _check_time(self, signature: _Signature) -> None:
        now = self._signing_clock.time()
        signed_at = signature.signed_at.timestamp()
        if signature.presigned:
            if now > signed_at + signature.expires:
                raise SignatureError(REQUEST_EXPIRED, "Request has expired")
        elif signed_at < now - SKEW_SECONDS:
            raise SignatureError(
                INVALID_SIGNATURE,
                f"Signature expired: {_text(signed_at)} is now earlier than "
                f"{_text(now - SKEW_SECONDS)} ({_text(now)} - 5 min.)",
            )
        if signed_at > now + SKEW_SECONDS:
            raise SignatureError(
                INVALID_SIGNATURE,
                f"Signature not yet current: {_text(signed_at)} is still later than "
                f"{_text(now + SKEW_SECONDS)} ({_text(now)} + 5 min.)",
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

    def _check_token(
        self, request: AuthRequest, signature: _Signature, credential: IamCredential
    ) -> None:
        sent = signature.token if signature.presigned else request.header("x-amz-security-token")
        if credential.session_token is None:
            if sent is not None:
                raise SignatureError(UNRECOGNIZED_CLIENT, INVALID_TOKEN_MESSAGE)
            return
        if sent is None or not hmac.compare_digest(sent, credential.session_token):
            raise SignatureError(UNRECOGNIZED_CLIENT, INVALID_TOKEN_MESSAGE)
        if credential.expiration is not None and self._clock.time() >= credential.expiration:
            raise SignatureError(EXPIRED_TOKEN, EXPIRED_TOKEN_MESSAGE)


def _read_signature(request: AuthRequest) -> _Signature:
    header = request.header("authorization")
    if header is not None and is_sigv4(header):
        return _header_signature(request, header)
    if header is None and is_presigned(request.query_string):
        return _query_signature(request)
    if is_sigv2(header, request.query_string):
        raise SignatureError(
            UNSUPPORTED_SIGNATURE,
            "The authorization mechanism you have provided is not supported. Please use "
            "AWS4-HMAC-SHA256.",
        )
    if header is None:
        raise SignatureError(MISSING_AUTHENTICATION_TOKEN, MISSING_TOKEN_MESSAGE)
    # An Authorization header of another scheme (SigV2, Bearer ...): AWS's JSON services answer
    # with the incomplete-signature text that names what a SigV4 header needs.
    raise SignatureError(
        INCOMPLETE_SIGNATURE,
        "Authorization header requires 'Credential' parameter. Authorization header requires "
        f"'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. "
        f"Authorization={header}",
    )


def _header_signature(request: AuthRequest, header: str) -> _Signature:
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
    return _signature(
        fields["Credential"],
        fields["SignedHeaders"],
        fields["Signature"],
        _request_date(request, header),
    )


def _query_signature(request: AuthRequest) -> _Signature:
    fields = _query(request.query_string)
    missing = [
        name
        for name in ("X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature")
        if not fields.get(name)
    ]
    if fields.get("X-Amz-Algorithm") != ALGORITHM or missing:
        raise SignatureError(
            INCOMPLETE_SIGNATURE,
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
            "X-Amz-Expires parameters.",
        )
    try:
        signed_at = _amz_date(fields["X-Amz-Date"])
        expires = int(fields.get("X-Amz-Expires") or MAX_EXPIRES_SECONDS)
    except ValueError as error:
        raise SignatureError(INCOMPLETE_SIGNATURE, f"Invalid query parameter: {error}") from error
    if not 0 < expires <= MAX_EXPIRES_SECONDS:
        raise SignatureError(
            INCOMPLETE_SIGNATURE,
            "X-Amz-Expires must be less than a week (in seconds) that is 604800",
        )
    return _signature(
        fields["X-Amz-Credential"],
        fields["X-Amz-SignedHeaders"],
        fields["X-Amz-Signature"],
        signed_at,
        expires=expires,
        token=fields.get("X-Amz-Security-Token"),
    )


def _signature(
    credential: str,
    signed_headers: str,
    signature: str,
    signed_at: datetime,
    *,
    expires: int | None = None,
    token: str | None = None,
) -> _Signature:
    """A signature from its parts; `expires` marks a pre-signed one."""
    scope = credential.split("/")
    if len(scope) != 5:
        raise SignatureError(
            INCOMPLETE_SIGNATURE,
            f"Credential should have exactly 5 slash-delimited elements, e.g. "
            f"keyId/date/region/service/term, got '{credential}'",
        )
    key, date, region, service, terminator = scope
    return _Signature(
        access_key_id=key,
        date=date,
        region=region,
        service=service,
        terminator=terminator,
        signed_headers=tuple(signed_headers.split(";")),
        signature=signature,
        signed_at=signed_at,
        presigned=expires is not None,
        expires=expires or 0,
        token=token,
    )


def _query(query_string: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for pair in query_string.split("&"):
        name, _, value = pair.partition("=")
        fields[unquote(name)] = unquote(value)
    return fields


def _text(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime(_AMZ_DATE)


def _amz_date(text: str) -> datetime:
    """`YYYYMMDDTHHMMSSZ`, read without `strptime` (a fifth of a DynamoDB call's cost)."""
    if len(text) != 16 or text[8] != "T" or text[15] != "Z":
        raise ValueError(text)
    return datetime(
        int(text[0:4]),
        int(text[4:6]),
        int(text[6:8]),
        int(text[9:11]),
        int(text[11:13]),
        int(text[13:15]),
        tzinfo=UTC,
    )


def _request_date(request: AuthRequest, header: str) -> datetime:
    amz_date = request.header("x-amz-date")
    if amz_date is not None:
        try:
            return _amz_date(amz_date)
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


def _check_scope(signature: _Signature, service: str, region: str | None) -> None:
    day = signature.signed_at.strftime("%Y%m%d")
    if signature.date != day:
        raise SignatureError(
            INVALID_SIGNATURE,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            f"HTTP: '{signature.date}' != '{day}', from "
            f"'{signature.signed_at.strftime(_AMZ_DATE)}'.",
        )
    if signature.service != service:
        raise SignatureError(
            INVALID_SIGNATURE, f"Credential should be scoped to correct service: '{service}'. "
        )
    if region is not None and signature.region != region:
        raise SignatureError(
            INVALID_SIGNATURE,
            f"Credential should be scoped to a valid region, not '{signature.region}'. ",
        )
    if signature.terminator != "aws4_request":
        raise SignatureError(
            INVALID_SIGNATURE,
            "Credential should be scoped with a valid terminator: 'aws4_request', "
            f"not '{signature.terminator}'. ",
        )


def _check_signed_headers(request: AuthRequest, signature: _Signature) -> None:
    signed = set(signature.signed_headers)
    if "host" not in signed:
        raise SignatureError(
            INVALID_SIGNATURE,
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        )
    if (
        not signature.presigned
        and request.header("x-amz-date") is not None
        and "x-amz-date" not in signed
    ):
        raise SignatureError(
            INVALID_SIGNATURE, "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."
        )
    for name in signature.signed_headers:
        if request.header(name) is None:
            # aws-mobile-appsync-sdk-js#702 records this text from AppSync.
            raise SignatureError(
                INCOMPLETE_SIGNATURE,
                f"'{name}' is named as a SignedHeader, but it does not exist in the HTTP request.",
            )


def _payload_hash(request: AuthRequest, service: str, signature: _Signature) -> str:
    """The payload hash the signature covers: the body's own SHA-256, never a claim the client
    makes, except for S3, which signs whatever `x-amz-content-sha256` says and checks the body
    against it when it is a digest."""
    if service != "s3":
        return _sha256(request.body)
    if signature.presigned:
        return UNSIGNED_PAYLOAD
    claimed = request.header("x-amz-content-sha256")
    if claimed is None:
        raise SignatureError(
            INCOMPLETE_SIGNATURE,
            "Missing required header for this request: x-amz-content-sha256",
        )
    if _HEX_DIGEST.match(claimed) and not hmac.compare_digest(claimed, _sha256(request.body)):
        raise SignatureError(
            PAYLOAD_HASH_MISMATCH,
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
        )
    return claimed


def canonical_request(
    request: AuthRequest,
    signed_headers: tuple[str, ...],
    payload_hash: str | None = None,
    *,
    s3: bool = False,
) -> str:
    """The SigV4 canonical request (the payload hash of the body as received by default)."""
    headers = "".join(
        f"{name}:{_SPACES.sub(' ', (request.header(name) or '').strip())}\n"
        for name in signed_headers
    )
    return "\n".join(
        (
            request.method.upper(),
            request.path or "/" if s3 else _canonical_uri(request.path),
            _canonical_query(request.query_string),
            headers,
            ";".join(signed_headers),
            payload_hash if payload_hash is not None else _sha256(request.body),
        )
    )


@functools.lru_cache(maxsize=256)
def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """The derived key, the same for a day's requests (the SDKs cache it too)."""
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
        if name == "X-Amz-Signature":
            continue  # a pre-signed URL's own signature is not part of what it signs
        pairs.append((_encode(unquote(name)), _encode(unquote(value))))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
