"""Secure Remote Password sign-in (`USER_SRP_AUTH`) verified as Amazon Cognito verifies it.

moto 5's Cognito answers InitiateAuth's USER_SRP_AUTH with random stand-ins for `SALT` and
`SRP_B`, names the user's `sub` as `USER_ID_FOR_SRP`, and takes any PASSWORD_VERIFIER answer
without checking it: any password signed in, and aws-amplify v6, whose `signIn` uses SRP by
default and answers with `USER_ID_FOR_SRP` as the username, was refused "User does not exist.".
This route, around moto's, makes the challenge Cognito makes and checks the answer:

- InitiateAuth / AdminInitiateAuth with USER_SRP_AUTH go to moto first (which refuses an
  unknown, unconfirmed or disabled user, a wrong secret hash). Its PASSWORD_VERIFIER challenge
  is then given a real salt and `SRP_B` = k·v + g^b (v = g^x, x from the salt and the user's
  password), a `SECRET_BLOCK` of random bytes, and `USER_ID_FOR_SRP` = the user's username
  (Cognito's: the username, never an alias).
- RespondToAuthChallenge / AdminRespondToAuthChallenge with PASSWORD_VERIFIER: the
  `PASSWORD_CLAIM_SIGNATURE` must be the HMAC-SHA256, under the key derived from the shared
  secret S = (A·v^u)^b, of the pool's name, `USER_ID_FOR_SRP`, the secret block and the
  `TIMESTAMP` (as Cognito writes the instant it names: `canonical_timestamp`; one it cannot
  read is InvalidParameterException "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in
  english."). A wrong one is NotAuthorizedException "Incorrect username or password.", as
  Cognito answers; a session this route did not make is NotAuthorizedException "Invalid session
  for the user." (the challenge is found by its secret block, as clients need not send the
  `Session` with the answer). An answer after the app client's `AuthSessionValidity` (3
  minutes unless the client says otherwise), on the API's clock, is NotAuthorizedException
  "Invalid session for the user, session is expired.". The right one goes on to moto (tokens,
  NEW_PASSWORD_REQUIRED, MFA) with moto's own secret block.

The group (RFC 5054's 3072-bit N, g = 2), k = H(00‖N‖0‖g), u = H(pad(A)‖pad(B)),
x = H(pad(salt)‖H(<pool name><user id>:<password>)) and the key (HKDF-SHA256 of S with salt u and
info "Caldera Derived Key", 16 bytes) are those of Cognito's clients: amazon-cognito-identity-js's
AuthenticationHelper, aws-amplify's `srp` module and pycognito's `aws_srp`, which the tests sign in
with. The pool's name is its id after the `_`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import datetime
import hashlib
import hmac
import json
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from appsync.aws.cognito_pools import (
    error_response,
    password_of,
    pool_of,
    rewritten,
    session_minutes,
)
from appsync.aws.endpoint import ServiceRoute
from appsync.aws.requests import AwsRequest, AwsResponse, ServiceCall
from auth.clock import Clock, SystemClock

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E"
    "3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BF"
    "F5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55"
    "D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746"
    "C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581"
    "7183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB85"
    "0458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6"
    "BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA0"
    "74E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2
_INFO = b"Caldera Derived Key\x01"
_INITIATE = frozenset({"InitiateAuth", "AdminInitiateAuth"})
_RESPOND = frozenset({"RespondToAuthChallenge", "AdminRespondToAuthChallenge"})
# Challenges waiting for their answer, oldest dropped first: Cognito's sessions last 3 minutes,
# and a client that never answers must not grow the server's memory.
_MAX_WAITING = 10_000
_WRONG_PASSWORD = "Incorrect username or password."
# Cognito's answer to a challenge answered after the session's AuthSessionValidity.
SESSION_EXPIRED = "Invalid session for the user, session is expired."
_SECRET_BITS = 256
BAD_SRP_A = "SRP_A is not a valid SRP A value."
# A TIMESTAMP Cognito cannot read (amazon-cognito-identity-js#683 records the answer).
BAD_TIMESTAMP = "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."
_TIMESTAMP = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2}) (UTC|GMT) (\d{4})"
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hex_hash(hex_text: str) -> int:
    """SHA-256 of the bytes a hex string spells, as a number (the clients' `hexHash`)."""
    return int(hashlib.sha256(bytes.fromhex(hex_text)).hexdigest(), 16)


def pad_hex(value: int | str) -> str:
    """The clients' `padHex`: an even number of digits, and a leading 00 where the first
    digit would make the number look negative."""
    text = value if isinstance(value, str) else f"{value:x}"
    if len(text) % 2 == 1:
        return f"0{text}"
    if text[0] in "89abcdefABCDEF":
        return f"00{text}"
    return text


K = hex_hash(f"00{N:x}0{G:x}")


def password_exponent(pool_name: str, user_id: str, password: str, salt_hex: str) -> int:
    """x = H(pad(salt)‖H(<pool name><user id>:<password>))."""
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    return hex_hash(pad_hex(salt_hex) + inner)


def derived_key(shared: int, u: int) -> bytes:
    """The 16-byte key the clients derive from S with HKDF-SHA256 (salt u)."""
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(shared)), "sha256").digest()
    return hmac.new(prk, _INFO, "sha256").digest()[:16]


def claim_signature(
    key: bytes, pool_name: str, user_id: str, secret_block: str, timestamp: str
) -> str:
    """PASSWORD_CLAIM_SIGNATURE: base64 of HMAC-SHA256(key, pool‖user‖block bytes‖timestamp)."""
    message = (
        pool_name.encode() + user_id.encode() + base64.b64decode(secret_block) + timestamp.encode()
    )
    return base64.b64encode(hmac.new(key, message, "sha256").digest()).decode()


@dataclass(frozen=True, slots=True)
class Challenge:
    """One PASSWORD_VERIFIER challenge: the server's half of the exchange."""

    pool_name: str
    user_id: str
    salt_hex: str
    secret_block: str
    large_a: int
    large_b: int
    small_b: int
    verifier: int
    # moto's own secret block, which names its session: what the answer goes on to moto with.
    moto_block: str
    # When the session ends (epoch seconds on the API's clock); never when 0.
    expires: float = 0.0

    @classmethod
    def make(
        cls,
        pool_id: str,
        user_id: str,
        password: str,
        large_a: int,
        moto_block: str = "",
        expires: float = 0.0,
    ) -> Challenge:
        pool_name = pool_id.split("_", 1)[-1]
        salt_hex = secrets.token_hex(16)
        verifier = pow(G, password_exponent(pool_name, user_id, password, salt_hex), N)
        # 256 random bits, twice the 128-bit strength asked of the secret exponent: a full-size
        # one costs 13 times the CPU (each modular power holds the interpreter's lock).
        small_b = secrets.randbits(_SECRET_BITS) | 1 << (_SECRET_BITS - 1)
        large_b = (K * verifier + pow(G, small_b, N)) % N
        block = base64.b64encode(secrets.token_bytes(64)).decode()
        return cls(
            pool_name,
            user_id,
            salt_hex,
            block,
            large_a,
            large_b,
            small_b,
            verifier,
            moto_block,
            expires,
        )

    def proven_by(self, responses: dict[str, Any]) -> bool:
        """Whether a PASSWORD_VERIFIER answer's `PASSWORD_CLAIM_SIGNATURE` proves the password.
        The signature covers the `TIMESTAMP` as Cognito writes the instant it names
        (`canonical_timestamp`): a day of the month with a leading zero, or a weekday that is
        not the date's, signs other text and is refused as a wrong password, as Cognito
        refuses them (qwigo/warrant#12: "Apr 05" refused where "Apr 5" signs in)."""
        signature = responses.get("PASSWORD_CLAIM_SIGNATURE")
        timestamp = canonical_timestamp(responses.get("TIMESTAMP"))
        if not isinstance(signature, str) or timestamp is None:
            return False
        try:
            expected = self.expected(timestamp)
        except (ValueError, binascii.Error):
            return False
        return hmac.compare_digest(expected.encode(), signature.encode())

    def expected(self, timestamp: str) -> str:
        """The signature a client that knows the password sends with `timestamp`."""
        u = hex_hash(pad_hex(self.large_a) + pad_hex(self.large_b))
        shared = pow(self.large_a * pow(self.verifier, u, N), self.small_b, N)
        key = derived_key(shared, u)
        return claim_signature(key, self.pool_name, self.user_id, self.secret_block, timestamp)


def canonical_timestamp(given: Any) -> str | None:
    """A PASSWORD_VERIFIER answer's `TIMESTAMP` (Java's `EEE MMM d HH:mm:ss z yyyy`, English,
    as Cognito's clients write it: "Wed Apr 5 22:42:34 UTC 2017") written as that format writes
    the instant it names: the date's own weekday, no leading zeros in the day, two digits in
    the time. None when it is not one (`BAD_TIMESTAMP`)."""
    found = _TIMESTAMP.fullmatch(given) if isinstance(given, str) else None
    if found is None:
        return None
    month, day, hour, minute, second, zone, year = found.groups()
    try:
        instant = datetime.datetime(
            int(year), _MONTHS.index(month) + 1, int(day), int(hour), int(minute), int(second)
        )
    except ValueError:
        return None
    weekday = _DAYS[instant.weekday()]
    return f"{weekday} {month} {instant.day} {instant:%H:%M:%S} {zone} {instant.year}"


def client_value(parameters: Any) -> int | None:
    """The client's public value A from AuthParameters' `SRP_A` (hex), None when it is missing
    or not one (A mod N must not be 0)."""
    text = parameters.get("SRP_A") if isinstance(parameters, dict) else None
    try:
        value = int(text, 16) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if value is not None and value % N else None


class SrpCognito:
    """`ServiceRoute` for `cognito-idp` around moto's (`moto`): USER_SRP_AUTH challenged and
    verified as Cognito does it; every other call passes through. `clock`: what sessions
    expire on (the API's)."""

    def __init__(self, moto: ServiceRoute, clock: Clock | None = None) -> None:
        self._moto = moto
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._waiting: OrderedDict[str, Challenge] = OrderedDict()

    async def handle(self, request: AwsRequest, call: ServiceCall) -> AwsResponse:
        operation = call.operation or ""
        if operation not in _INITIATE and operation not in _RESPOND:
            return await self._moto.handle(request, call)
        body = request.json_object()
        if body is None:
            return await self._moto.handle(request, call)
        if operation in _INITIATE and body.get("AuthFlow") == "USER_SRP_AUTH":
            return await self._initiate(request, call, body)
        if operation in _RESPOND and body.get("ChallengeName") == "PASSWORD_VERIFIER":
            return await self._verify(request, call, body)
        return await self._moto.handle(request, call)

    async def _initiate(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any]
    ) -> AwsResponse:
        large_a = client_value(body.get("AuthParameters"))
        if large_a is None:
            return error_response("InvalidParameterException", BAD_SRP_A)
        answer = await self._moto.handle(request, call)
        if answer.status != 200:
            return answer
        result = json.loads(answer.body)
        challenge_parameters = result.get("ChallengeParameters") or {}
        if result.get("ChallengeName") != "PASSWORD_VERIFIER":
            return answer
        username = str(challenge_parameters.get("USERNAME", ""))
        pool = await asyncio.to_thread(pool_of, body)
        password = None if pool is None else await asyncio.to_thread(password_of, pool, username)
        if pool is None or password is None:
            return answer
        moto_block = str(challenge_parameters.get("SECRET_BLOCK", ""))
        minutes = await asyncio.to_thread(session_minutes, pool, str(body.get("ClientId", "")))
        expires = self._clock.time() + minutes * 60
        challenge = await asyncio.to_thread(
            Challenge.make, pool.pool_id, username, password, large_a, moto_block, expires
        )
        # Keyed by the secret block, which the answer carries: clients need not send `Session`
        # with it (pycognito does not), as Cognito's own block holds the session.
        self._waiting[challenge.secret_block] = challenge
        while len(self._waiting) > _MAX_WAITING:
            self._waiting.popitem(last=False)
        result["ChallengeParameters"] = {
            **challenge_parameters,
            "SALT": challenge.salt_hex,
            "SRP_B": f"{challenge.large_b:x}",
            "SECRET_BLOCK": challenge.secret_block,
            "USER_ID_FOR_SRP": username,
            "USERNAME": username,
        }
        return rewritten(answer, result)

    async def _verify(
        self, request: AwsRequest, call: ServiceCall, body: dict[str, Any]
    ) -> AwsResponse:
        responses = body.get("ChallengeResponses")
        responses = responses if isinstance(responses, dict) else {}
        challenge = self._waiting.pop(str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK")), None)
        if challenge is None:
            return error_response("NotAuthorizedException", "Invalid session for the user.")
        if challenge.expires and self._clock.time() >= challenge.expires:
            return error_response("NotAuthorizedException", SESSION_EXPIRED)
        if canonical_timestamp(responses.get("TIMESTAMP")) is None:
            return error_response("InvalidParameterException", BAD_TIMESTAMP)
        if not await asyncio.to_thread(challenge.proven_by, responses):
            return error_response("NotAuthorizedException", _WRONG_PASSWORD)
        body["ChallengeResponses"] = {
            **responses,
            "PASSWORD_CLAIM_SECRET_BLOCK": challenge.moto_block,
        }
        forwarded = dataclasses.replace(request, body=json.dumps(body).encode())
        return await self._moto.handle(forwarded, call)
