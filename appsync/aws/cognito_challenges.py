"""The custom authentication flow: InitiateAuth / AdminInitiateAuth with `AuthFlow: CUSTOM_AUTH`
and RespondToAuthChallenge / AdminRespondToAuthChallenge with `ChallengeName: CUSTOM_CHALLENGE`,
driven by the pool's DefineAuthChallenge, CreateAuthChallenge and VerifyAuthChallengeResponse
triggers (moto 5.2.5 accepts CUSTOM_AUTH and answers nothing: its `initiate_auth` falls through
to `return None`, and its `admin_initiate_auth` refuses the flow).

As the Amazon Cognito Developer Guide describes it ("Custom authentication challenge Lambda
triggers", "Define Auth challenge Lambda trigger", "Create Auth challenge Lambda trigger",
"Verify Auth challenge response Lambda trigger"):

- DefineAuthChallenge (`DefineAuthChallenge_Authentication`) gets `userAttributes`, the
  `session` so far (a list of `{challengeName, challengeResult, challengeMetadata}`),
  `clientMetadata` and `userNotFound`; it answers `challengeName`, `issueTokens`,
  `failAuthentication`. `issueTokens` signs the user in (the installation's tokens, through
  PostAuthentication and PreTokenGeneration as every sign-in); `failAuthentication` is
  `NotAuthorizedException` "Incorrect username or password." (aws-amplify/amplify-js#8145).
- CreateAuthChallenge (`CreateAuthChallenge_Authentication`) gets the `challengeName` and
  `session`; its `publicChallengeParameters` go to the client as `ChallengeParameters` (with
  `USERNAME`, as Cognito adds it: aws-amplify/amplify-js#566), its `privateChallengeParameters`
  to VerifyAuthChallengeResponse, its `challengeMetadata` into the session's next entry.
- VerifyAuthChallengeResponse (`VerifyAuthChallengeResponse_Authentication`) gets
  `privateChallengeParameters` and the client's `challengeAnswer` (`ChallengeResponses.ANSWER`);
  its `answerCorrect` becomes the entry's `challengeResult`, and DefineAuthChallenge decides
  again.

A client that sends `SRP_A` with CUSTOM_AUTH (Amplify's CUSTOM_WITH_SRP) starts the session with
`{challengeName: SRP_A, challengeResult: true}`; a DefineAuthChallenge that then asks for
PASSWORD_VERIFIER gets USER_SRP_AUTH's challenge (SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP:
`cognito_srp`), whose answer adds its entry, its `challengeResult` whether the SRP proof of the
password holds (the guide's "Define Auth challenge" example).

Each answer hands the client a new `Session`; one already answered, or never handed out, is
`NotAuthorizedException` "Invalid session for the user." (aws-samples/
amazon-cognito-passwordless-email-auth#17); one answered after the app client's
`AuthSessionValidity` (3 minutes unless it says otherwise), on the API's clock, "Invalid session
for the user, session is expired.", as USER_SRP_AUTH's. For a user that does not exist the flow is
`UserNotFoundException` "User does not exist.", unless the app client has
`PreventUserExistenceErrors: ENABLED`: then the triggers run with `userNotFound: true` and no
attributes, and tokens are never issued.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from appsync.aws import cognito_srp as srp
from appsync.aws.cognito import install_signer
from appsync.aws.cognito_pools import (
    INCORRECT_PASSWORD,
    Pool,
    PoolUser,
    TriggerFailedError,
    answer,
    moto_pool,
    password_of,
    prevents_existence_errors,
    session_minutes,
    trigger_event,
    user_of,
)
from appsync.aws.requests import AwsResponse
from auth.clock import Clock, SystemClock
from resolvers.datasources.dynamodb_wire import BACKEND_LOCK

# (pool, trigger, event) -> the function's answer
CallTrigger = Callable[[Pool, str, dict[str, Any]], Awaitable[dict[str, Any]]]
# (pool, the call's body, the answer with the issued tokens) -> the answer to send
IssuedTokens = Callable[[Pool, dict[str, Any], AwsResponse], Awaitable[AwsResponse]]

CUSTOM_CHALLENGE = "CUSTOM_CHALLENGE"
PASSWORD_VERIFIER = "PASSWORD_VERIFIER"
_SRP_A = {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None}
# What a PASSWORD_VERIFIER answer carries (RespondToAuthChallenge's ChallengeResponses).
_PROOF = ("PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP")
_INVALID_SESSION = "Invalid session for the user."
# Sessions handed out and not answered yet, oldest dropped first past this many.
# AWS differs: they do not expire (Cognito's do after the app client's AuthSessionValidity,
# 3 minutes by default).
_MAX_SESSIONS = 10_000


@dataclass(frozen=True, slots=True)
class _Challenge:
    """A custom sign-in waiting for its answer: what the next trigger needs."""

    pool: Pool
    client_id: str
    username: str
    user_not_found: bool
    session: tuple[dict[str, Any], ...]
    challenge_name: str = CUSTOM_CHALLENGE
    private: dict[str, Any] | None = None
    metadata: str | None = None
    # A sign-in that began with `SRP_A`: the client's A, and the PASSWORD_VERIFIER challenge
    # handed out (what its answer must prove).
    srp_a: int | None = None
    proof: srp.Challenge | None = None
    # When the session handed out for it ends (epoch seconds on the API's clock).
    expires: float = 0.0


class CustomAuth:
    """The custom authentication flow of the pools that declare DefineAuthChallenge."""

    def __init__(self, call: CallTrigger, issued: IssuedTokens, clock: Clock | None = None) -> None:
        self._call = call
        self._issued = issued
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._sessions: OrderedDict[str, _Challenge] = OrderedDict()

    async def initiate(self, pool: Pool, body: dict[str, Any], client_id: str) -> AwsResponse:
        """InitiateAuth / AdminInitiateAuth with `AuthFlow: CUSTOM_AUTH`."""
        parameters = body.get("AuthParameters") or {}
        username = str(parameters.get("USERNAME") or "")
        if not username:
            raise TriggerFailedError(
                "InvalidParameterException", "Missing required parameter USERNAME"
            )
        if "DefineAuthChallenge" not in pool.triggers:
            raise TriggerFailedError(
                "InvalidParameterException",
                "Custom auth lambda trigger is not configured for the user pool.",
            )
        user = await asyncio.to_thread(user_of, pool, username)
        if user is None:
            if not await asyncio.to_thread(prevents_existence_errors, pool, client_id):
                raise TriggerFailedError("UserNotFoundException", "User does not exist.")
        elif not user.enabled:
            raise TriggerFailedError("NotAuthorizedException", "User is disabled.")
        elif user.status == "UNCONFIRMED":
            raise TriggerFailedError("UserNotConfirmedException", "User is not confirmed.")
        name = username if user is None else user.name
        # A client that sends SRP_A (Amplify's CUSTOM_WITH_SRP) starts the session with it.
        large_a = None
        if "SRP_A" in parameters:
            large_a = srp.client_value(parameters)
            if large_a is None:
                raise TriggerFailedError("InvalidParameterException", srp.BAD_SRP_A)
        started = ({**_SRP_A},) if large_a is not None else ()
        state = _Challenge(pool, client_id, name, user is None, started, srp_a=large_a)
        return await self._define(state, body, user)

    def owns(self, body: dict[str, Any]) -> bool:
        """Whether a RespondToAuthChallenge answers one of this flow's challenges: a custom
        challenge, or the password verifier of a custom sign-in that began with `SRP_A`."""
        name = body.get("ChallengeName")
        session = str(body.get("Session") or "")
        return name == CUSTOM_CHALLENGE or (name == PASSWORD_VERIFIER and session in self._sessions)

    async def respond(self, pool: Pool, body: dict[str, Any], client_id: str) -> AwsResponse:
        """RespondToAuthChallenge / AdminRespondToAuthChallenge with `CUSTOM_CHALLENGE` (or the
        `PASSWORD_VERIFIER` of a custom sign-in with SRP)."""
        state = self._sessions.pop(str(body.get("Session") or ""), None)
        if state is None or state.client_id != client_id or state.pool != pool:
            raise TriggerFailedError("NotAuthorizedException", _INVALID_SESSION)
        if body.get("ChallengeName") != state.challenge_name:
            raise TriggerFailedError("NotAuthorizedException", _INVALID_SESSION)
        if self._clock.time() >= state.expires:
            raise TriggerFailedError("NotAuthorizedException", srp.SESSION_EXPIRED)
        responses = body.get("ChallengeResponses") or {}
        needed = _PROOF if state.challenge_name == PASSWORD_VERIFIER else ("ANSWER",)
        for name in needed:
            if name not in responses:
                raise TriggerFailedError(
                    "InvalidParameterException", f"Missing required parameter {name}"
                )
        if state.challenge_name == PASSWORD_VERIFIER and (
            srp.canonical_timestamp(responses.get("TIMESTAMP")) is None
        ):
            raise TriggerFailedError("InvalidParameterException", srp.BAD_TIMESTAMP)
        user = None
        if not state.user_not_found:
            user = await asyncio.to_thread(user_of, pool, state.username)
        if state.challenge_name == PASSWORD_VERIFIER:
            # The SRP proof of the password, as USER_SRP_AUTH's (`cognito_srp`).
            proof = state.proof
            correct = (
                user is not None
                and proof is not None
                and await asyncio.to_thread(proof.proven_by, responses)
            )
        else:
            correct = await self._verified(state, body, user, str(responses["ANSWER"]))
        entry = {
            "challengeName": state.challenge_name,
            "challengeResult": correct,
            "challengeMetadata": state.metadata,
        }
        return await self._define(replace(state, session=(*state.session, entry)), body, user)

    async def _verified(
        self, state: _Challenge, body: dict[str, Any], user: PoolUser | None, given: str
    ) -> bool:
        """VerifyAuthChallengeResponse's `answerCorrect` for the client's answer."""
        event = trigger_event(
            state.pool, "VerifyAuthChallengeResponse_Authentication", state.username, ""
        )
        event["callerContext"]["clientId"] = state.client_id
        event["request"] = {
            "userAttributes": _attributes(user),
            "privateChallengeParameters": state.private or {},
            "challengeAnswer": given,
            "clientMetadata": body.get("ClientMetadata") or {},
            "userNotFound": state.user_not_found,
        }
        event["response"] = {"answerCorrect": None}
        verified = await self._call(state.pool, "VerifyAuthChallengeResponse", event)
        return (verified.get("response") or {}).get("answerCorrect") is True

    async def _define(
        self, state: _Challenge, body: dict[str, Any], user: PoolUser | None
    ) -> AwsResponse:
        pool, metadata = state.pool, body.get("ClientMetadata") or {}
        event = trigger_event(pool, "DefineAuthChallenge_Authentication", state.username, "")
        event["callerContext"]["clientId"] = state.client_id
        event["request"] = {
            "userAttributes": _attributes(user),
            "session": list(state.session),
            "clientMetadata": metadata,
            "userNotFound": state.user_not_found,
        }
        event["response"] = {"challengeName": None, "issueTokens": None, "failAuthentication": None}
        defined = (await self._call(pool, "DefineAuthChallenge", event)).get("response") or {}
        if defined.get("failAuthentication") is True:
            raise TriggerFailedError("NotAuthorizedException", INCORRECT_PASSWORD)
        if defined.get("issueTokens") is True:
            if state.user_not_found:
                raise TriggerFailedError("NotAuthorizedException", INCORRECT_PASSWORD)
            tokens = await asyncio.to_thread(_log_in, pool, state.client_id, state.username)
            issued = answer({"ChallengeParameters": {}, "AuthenticationResult": tokens})
            return await self._issued(pool, body, issued)
        srp = any(entry["challengeName"] == "SRP_A" for entry in state.session)
        if defined.get("challengeName") == PASSWORD_VERIFIER and srp:
            return await self._password_verifier(state)
        if defined.get("challengeName") != CUSTOM_CHALLENGE:
            raise TriggerFailedError(
                "InvalidLambdaResponseException", "Unrecognizable lambda output"
            )
        if "CreateAuthChallenge" not in pool.triggers:
            raise TriggerFailedError(
                "InvalidLambdaResponseException", "CreateAuthChallenge trigger is not configured"
            )
        event = trigger_event(pool, "CreateAuthChallenge_Authentication", state.username, "")
        event["callerContext"]["clientId"] = state.client_id
        event["request"] = {
            "userAttributes": _attributes(user),
            "challengeName": CUSTOM_CHALLENGE,
            "session": list(state.session),
            "clientMetadata": metadata,
            "userNotFound": state.user_not_found,
        }
        event["response"] = {
            "publicChallengeParameters": None,
            "privateChallengeParameters": None,
            "challengeMetadata": None,
        }
        created = (await self._call(pool, "CreateAuthChallenge", event)).get("response") or {}
        public = _strings(created.get("publicChallengeParameters"))
        challenge_metadata = created.get("challengeMetadata")
        waiting = replace(
            state,
            challenge_name=CUSTOM_CHALLENGE,
            private=_strings(created.get("privateChallengeParameters")),
            metadata=None if challenge_metadata is None else str(challenge_metadata),
        )
        session = await self._hand_out(waiting)
        return answer(
            {
                "ChallengeName": CUSTOM_CHALLENGE,
                "ChallengeParameters": {**public, "USERNAME": state.username},
                "Session": session,
            }
        )

    async def _password_verifier(self, state: _Challenge) -> AwsResponse:
        """The PASSWORD_VERIFIER challenge of a custom sign-in that began with `SRP_A`, as
        USER_SRP_AUTH's (`cognito_srp`): its answer is checked against the user's password
        (one nobody knows for a user that does not exist)."""
        password = await asyncio.to_thread(password_of, state.pool, state.username)
        proof = await asyncio.to_thread(
            srp.Challenge.make,
            state.pool.pool_id,
            state.username,
            password if password is not None else secrets.token_urlsafe(32),
            state.srp_a or 0,
        )
        waiting = replace(state, challenge_name=PASSWORD_VERIFIER, private=None, proof=proof)
        session = await self._hand_out(waiting)
        return answer(
            {
                "ChallengeName": PASSWORD_VERIFIER,
                "ChallengeParameters": {
                    "SALT": proof.salt_hex,
                    "SRP_B": f"{proof.large_b:x}",
                    "SECRET_BLOCK": proof.secret_block,
                    "USER_ID_FOR_SRP": state.username,
                    "USERNAME": state.username,
                },
                "Session": session,
            }
        )

    async def _hand_out(self, state: _Challenge) -> str:
        minutes = await asyncio.to_thread(session_minutes, state.pool, state.client_id)
        session = secrets.token_urlsafe(96)
        self._sessions[session] = replace(state, expires=self._clock.time() + minutes * 60)
        while len(self._sessions) > _MAX_SESSIONS:
            self._sessions.popitem(last=False)
        return session


def _attributes(user: PoolUser | None) -> dict[str, str]:
    """The user's attributes as the challenge triggers get them (with `cognito:user_status`, as
    the events Cognito sends show: aws-amplify/amplify-js#5834); none for a user not found."""
    if user is None:
        return {}
    return {**user.attributes, "cognito:user_status": user.status}


def _strings(raw: Any) -> dict[str, str]:
    """A challenge's parameters: Cognito keeps a map of strings."""
    if not isinstance(raw, dict):
        return {}
    return {str(key): value if isinstance(value, str) else str(value) for key, value in raw.items()}


def _log_in(pool: Pool, client_id: str, username: str) -> dict[str, Any]:
    """The tokens moto issues for a sign-in (as its own flows do: a refresh token, then the ID
    and access tokens it yields), signed with the installation's key."""
    install_signer()
    with BACKEND_LOCK:
        found = moto_pool(pool)
        refresh_token, _ = found.create_refresh_token(client_id, username)
        access_token, id_token, expires_in = found.create_tokens_from_refresh_token(refresh_token)
    return {
        "IdToken": id_token,
        "AccessToken": access_token,
        "RefreshToken": refresh_token,
        "ExpiresIn": expires_in,
        "TokenType": "Bearer",
    }
