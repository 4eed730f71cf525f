"""The custom authentication flow, PreAuthentication for a user not found, and UserMigration,
through the real server with boto3 on the AWS endpoint and httpx on the API (Amazon Cognito
Developer Guide: "Custom authentication challenge Lambda triggers" and the Define / Create /
Verify Auth challenge pages; "Pre authentication Lambda trigger" (`userNotFound` when
PreventUserExistenceErrors is ENABLED); "Migrate user Lambda trigger"). Refusals as Cognito
answers them: NotAuthorizedException "Incorrect username or password." for a failed custom
sign-in (aws-amplify/amplify-js#8145) and for a user not found behind a client that hides users
(re:Post, "cognito preventuserexistenceerrors setting with usermigration lambda"),
"Invalid session for the user." for a session already answered
(aws-samples/amazon-cognito-passwordless-email-auth#17)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from pycognito.aws_srp import AWSSRP

from appsync.app import build_app
from definition.cognito_resources import UserPoolSpec
from definition.formats import read_definition
from definition.model import ApiDefinition
from tests.fixtures.aws_signing import aws_client
from tests.integration.conftest import APIS, running

# The users' password (the passwordless sign-in never uses it; CUSTOM_WITH_SRP proves it).
PASSWORD = "Unused-Pass-1"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, ApiDefinition]]:
    definition = read_definition(APIS / "cognito_triggers_custom" / "template.yaml")
    with running(build_app(definition), "appsync-local-cognito-custom-auth") as (host, port):
        yield f"http://{host}:{port}", definition


def _idp(endpoint: str) -> Any:
    return aws_client("cognito-idp", endpoint, region="us-east-1")


def _pool(definition: ApiDefinition, name: str) -> UserPoolSpec:
    [pool] = [pool for pool in definition.server.user_pools if pool.pool_name == name]
    return pool


def _client(pool: UserPoolSpec, name: str) -> str:
    [client] = [client for client in pool.clients if client.client_name == name]
    return client.client_id


def _passwordless(definition: ApiDefinition) -> tuple[str, str, str]:
    pool = _pool(definition, "passwordless-users")
    return pool.user_pool_id, _client(pool, "web"), _client(pool, "hiding")


def _user(idp: Any, pool_id: str, name: str) -> None:
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username=name,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": f"{name}@example.test"}],
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True
    )


def test_a_passwordless_sign_in_issues_the_installations_tokens(
    served: tuple[str, ApiDefinition],
) -> None:
    endpoint, definition = served
    idp = _idp(endpoint)
    pool_id, client_id, _ = _passwordless(definition)
    _user(idp, pool_id, "ada")
    started = idp.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "ada"}
    )
    assert started["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert started["ChallengeParameters"] == {
        "email": "ada@example.test",
        "round": "1",
        "previous": "",
        "status": "CONFIRMED",
        "seen": "CUSTOM_CHALLENGE:CreateAuthChallenge_Authentication:false",
        "USERNAME": "ada",
    }
    # A wrong answer: DefineAuthChallenge sees it in the session and asks again.
    again = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=started["Session"],
        ChallengeResponses={"USERNAME": "ada", "ANSWER": "code-9"},
    )
    assert again["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert again["Session"] != started["Session"]
    assert (again["ChallengeParameters"]["round"], again["ChallengeParameters"]["previous"]) == (
        "2",
        "ROUND-1:false",
    )
    # The answered session is spent.
    with pytest.raises(idp.exceptions.NotAuthorizedException) as spent:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": "ada", "ANSWER": "code-1"},
        )
    assert spent.value.response["Error"]["Message"] == "Invalid session for the user."
    signed_in = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=again["Session"],
        ChallengeResponses={"USERNAME": "ada", "ANSWER": "code-2"},
    )
    tokens = signed_in["AuthenticationResult"]
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert (claims["cognito:username"], claims["aud"]) == ("ada", client_id)
    # Issued as every sign-in's: through PreTokenGeneration, signed again with its claim.
    assert claims["via"] == "TokenGeneration_Authentication"
    # The API verifies them against the installation's key, as every other sign-in's.
    answer = httpx.post(
        f"{endpoint}/graphql",
        json={"query": "{ me }"},
        headers={"Authorization": tokens["IdToken"]},
    )
    assert answer.json() == {"data": {"me": "ada"}}
    # And Cognito knows the access token and the refresh token.
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == "ada"
    refreshed = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
    )
    assert "IdToken" in refreshed["AuthenticationResult"]


def test_three_wrong_answers_fail_the_sign_in(served: tuple[str, ApiDefinition]) -> None:
    endpoint, definition = served
    idp = _idp(endpoint)
    pool_id, client_id, _ = _passwordless(definition)
    _user(idp, pool_id, "bo")
    session = idp.admin_initiate_auth(
        UserPoolId=pool_id,
        ClientId=client_id,
        AuthFlow="CUSTOM_AUTH",
        AuthParameters={"USERNAME": "bo"},
    )["Session"]
    for _ in range(2):
        session = idp.admin_respond_to_auth_challenge(
            UserPoolId=pool_id,
            ClientId=client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=session,
            ChallengeResponses={"USERNAME": "bo", "ANSWER": "wrong"},
        )["Session"]
    with pytest.raises(idp.exceptions.NotAuthorizedException) as failed:
        idp.admin_respond_to_auth_challenge(
            UserPoolId=pool_id,
            ClientId=client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=session,
            ChallengeResponses={"USERNAME": "bo", "ANSWER": "wrong"},
        )
    assert failed.value.response["Error"]["Message"] == "Incorrect username or password."


def test_a_failing_verify_function_and_an_unknown_user(served: tuple[str, ApiDefinition]) -> None:
    endpoint, definition = served
    idp = _idp(endpoint)
    pool_id, client_id, _ = _passwordless(definition)
    _user(idp, pool_id, "cy")
    session = idp.initiate_auth(
        ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "cy"}
    )["Session"]
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as crashed:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=session,
            ChallengeResponses={"USERNAME": "cy", "ANSWER": "crash"},
        )
    assert crashed.value.response["Error"]["Message"] == (
        "VerifyAuthChallengeResponse failed with error cannot check this answer."
    )
    with pytest.raises(idp.exceptions.UserNotFoundException) as unknown:
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "nobody"}
        )
    assert unknown.value.response["Error"]["Message"] == "User does not exist."
    # As Cognito's password flows refuse them (moto's messages): a disabled user, and one who
    # has not confirmed the sign-up.
    idp.admin_disable_user(UserPoolId=pool_id, Username="cy")
    with pytest.raises(idp.exceptions.NotAuthorizedException) as disabled:
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "cy"}
        )
    assert disabled.value.response["Error"]["Message"] == "User is disabled."
    idp.sign_up(ClientId=client_id, Username="cal", Password="Correct-Horse-9")
    with pytest.raises(idp.exceptions.UserNotConfirmedException) as unconfirmed:
        idp.initiate_auth(
            ClientId=client_id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "cal"}
        )
    assert unconfirmed.value.response["Error"]["Message"] == "User is not confirmed."


def test_a_client_that_hides_users_runs_the_triggers_for_one_not_found(
    served: tuple[str, ApiDefinition],
) -> None:
    endpoint, definition = served
    idp = _idp(endpoint)
    _, _, hiding = _passwordless(definition)
    started = idp.initiate_auth(
        ClientId=hiding, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "nobody"}
    )
    assert started["ChallengeParameters"]["seen"] == (
        "CUSTOM_CHALLENGE:CreateAuthChallenge_Authentication:true"
    )
    assert started["ChallengeParameters"]["email"] == ""
    with pytest.raises(idp.exceptions.NotAuthorizedException) as refused:
        idp.respond_to_auth_challenge(
            ClientId=hiding,
            ChallengeName="CUSTOM_CHALLENGE",
            Session=started["Session"],
            ChallengeResponses={"USERNAME": "nobody", "ANSWER": "code-1"},
        )
    assert refused.value.response["Error"]["Message"] == "Incorrect username or password."
    # A password sign-in of a user not found: PreAuthentication runs with `userNotFound`.
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as named:
        idp.initiate_auth(
            ClientId=hiding,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ghost-1", "PASSWORD": "Any-Pass-1"},
        )
    assert named.value.response["Error"]["Message"] == (
        "PreAuthentication failed with error no such user ghost-1."
    )
    with pytest.raises(idp.exceptions.NotAuthorizedException) as hidden:
        idp.initiate_auth(
            ClientId=hiding,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "nobody", "PASSWORD": "Any-Pass-1"},
        )
    assert hidden.value.response["Error"]["Message"] == "Incorrect username or password."


def _legacy(endpoint: str, definition: ApiDefinition) -> tuple[Any, str, str]:
    pool = _pool(definition, "migrated-users")
    return _idp(endpoint), pool.user_pool_id, _client(pool, "web")


def test_a_sign_in_migrates_a_user_from_the_legacy_directory(
    served: tuple[str, ApiDefinition],
) -> None:
    idp, pool_id, client_id = _legacy(*served)
    signed_in = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "lin", "PASSWORD": "Legacy-Pass-1"},
        ClientMetadata={"app": "web"},
    )
    claims = jwt.decode(
        signed_in["AuthenticationResult"]["IdToken"], options={"verify_signature": False}
    )
    assert claims["cognito:username"] == "lin"
    user = idp.admin_get_user(UserPoolId=pool_id, Username="lin")
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert user["UserStatus"] == "CONFIRMED"
    assert (attributes["email"], attributes["nickname"]) == (
        "lin@example.test",
        "UserMigration_Authentication:{'app': 'web'}",
    )
    # Migrated once: a wrong password is now the pool's refusal, not the directory's.
    with pytest.raises(idp.exceptions.NotAuthorizedException) as wrong:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "lin", "PASSWORD": "Legacy-Pass-2"},
        )
    assert wrong.value.response["Error"]["Message"] == "Incorrect username or password."


def test_the_directorys_refusals_and_a_reset_required(served: tuple[str, ApiDefinition]) -> None:
    idp, pool_id, client_id = _legacy(*served)
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as bad:
        idp.admin_initiate_auth(
            UserPoolId=pool_id,
            ClientId=client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "lin-not", "PASSWORD": "Legacy-Pass-1"},
        )
    assert bad.value.response["Error"]["Message"] == (
        "UserMigration failed with error User not found."
    )
    with pytest.raises(idp.exceptions.UserLambdaValidationException) as wrong:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "ray", "PASSWORD": "Guess-1"},
        )
    assert (
        wrong.value.response["Error"]["Message"] == "UserMigration failed with error Bad password."
    )
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=pool_id, Username="ray")
    with pytest.raises(idp.exceptions.PasswordResetRequiredException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "mae", "PASSWORD": "Legacy-Pass-2"},
        )
    assert idp.admin_get_user(UserPoolId=pool_id, Username="mae")["UserStatus"] == (
        "RESET_REQUIRED"
    )


def test_a_forgotten_password_migrates_the_user_to_reset_it(
    served: tuple[str, ApiDefinition],
) -> None:
    idp, pool_id, client_id = _legacy(*served)
    sent = idp.forgot_password(ClientId=client_id, Username="ray")
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    user = idp.admin_get_user(UserPoolId=pool_id, Username="ray")
    attributes = {item["Name"]: item["Value"] for item in user["UserAttributes"]}
    assert (user["UserStatus"], attributes["nickname"]) == (
        "RESET_REQUIRED",
        "UserMigration_ForgotPassword:{}",
    )
    # moto takes any code it did not hand out itself.
    idp.confirm_forgot_password(
        ClientId=client_id, Username="ray", ConfirmationCode="123456", Password="New-Pass-33"
    )
    signed_in = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ray", "PASSWORD": "New-Pass-33"},
    )
    assert "IdToken" in signed_in["AuthenticationResult"]


def test_a_custom_sign_in_with_srp_answers_the_password_verifier_first(
    served: tuple[str, ApiDefinition],
) -> None:
    # Amplify's CUSTOM_WITH_SRP: InitiateAuth CUSTOM_AUTH with SRP_A; DefineAuthChallenge sees
    # `SRP_A` (challengeResult true) and asks for PASSWORD_VERIFIER, then for a custom
    # challenge once the password is verified (the guide's "Define Auth challenge" example).
    # The proof is pycognito's (an SRP client of Cognito's), checked as USER_SRP_AUTH's.
    endpoint, definition = served
    idp = _idp(endpoint)
    pool_id, client_id, _ = _passwordless(definition)
    _user(idp, pool_id, "dee")

    def verifier(password: str) -> tuple[dict[str, Any], dict[str, Any]]:
        client = AWSSRP("dee", password, pool_id, client_id, client=idp)
        started = idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="CUSTOM_AUTH",
            AuthParameters={**client.get_auth_params(), "CHALLENGE_NAME": "SRP_A"},
        )
        assert started["ChallengeName"] == "PASSWORD_VERIFIER"
        proof = client.process_challenge(started["ChallengeParameters"], client.get_auth_params())
        return started, proof

    started, proof = verifier(PASSWORD)
    parameters = started["ChallengeParameters"]
    assert set(parameters) == {"SALT", "SRP_B", "SECRET_BLOCK", "USER_ID_FOR_SRP", "USERNAME"}
    assert (parameters["USERNAME"], parameters["USER_ID_FOR_SRP"]) == ("dee", "dee")
    custom = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=started["Session"],
        ChallengeResponses=proof,
    )
    # A verifier without its TIMESTAMP is refused (and its session spent).
    again, _ = verifier(PASSWORD)
    with pytest.raises(idp.exceptions.InvalidParameterException) as missing:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=again["Session"],
            ChallengeResponses={key: value for key, value in proof.items() if key != "TIMESTAMP"},
        )
    assert missing.value.response["Error"]["Message"] == "Missing required parameter TIMESTAMP"
    # A wrong password's proof is a PASSWORD_VERIFIER entry that failed: this DefineAuthChallenge
    # then fails the sign-in.
    wrong, wrong_proof = verifier("Not-The-Pass-1")
    with pytest.raises(idp.exceptions.NotAuthorizedException) as refused:
        idp.respond_to_auth_challenge(
            ClientId=client_id,
            ChallengeName="PASSWORD_VERIFIER",
            Session=wrong["Session"],
            ChallengeResponses=wrong_proof,
        )
    assert refused.value.response["Error"]["Message"] == "Incorrect username or password."
    assert custom["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert (custom["ChallengeParameters"]["round"], custom["ChallengeParameters"]["previous"]) == (
        "3",
        "null:true,null:true",
    )
    signed_in = idp.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="CUSTOM_CHALLENGE",
        Session=custom["Session"],
        ChallengeResponses={"USERNAME": "dee", "ANSWER": "code-3"},
    )
    assert "IdToken" in signed_in["AuthenticationResult"]


def _sent(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "appsync.aws.cognito_messages"
    ]


def test_custom_message_writes_what_cognito_would_send(
    served: tuple[str, ApiDefinition], caplog: pytest.LogCaptureFixture
) -> None:
    # Amazon Cognito Developer Guide, "Custom message Lambda trigger": CustomMessage_SignUp,
    # _ForgotPassword, _AdminCreateUser (with usernameParameter), _ResendCode,
    # _UpdateUserAttribute; the code stays `{####}` in the log, which carries no credential.
    caplog.set_level(logging.INFO, logger="appsync.aws.cognito_messages")
    endpoint, definition = served
    idp = _idp(endpoint)
    pool = _pool(definition, "messaged-users")
    client_id = _client(pool, "web")
    email = [{"Name": "email", "Value": "eve@example.test"}]
    signed_up = idp.sign_up(
        ClientId=client_id, Username="eve", Password="Correct-Horse-9", UserAttributes=email
    )
    assert signed_up["UserConfirmed"] is False
    idp.admin_confirm_sign_up(UserPoolId=pool.user_pool_id, Username="eve")
    idp.forgot_password(ClientId=client_id, Username="eve")
    idp.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username="fay",
        UserAttributes=[{"Name": "email", "Value": "fay@example.test"}],
        DesiredDeliveryMediums=["EMAIL"],
    )
    idp.admin_create_user(UserPoolId=pool.user_pool_id, Username="gus", MessageAction="SUPPRESS")
    # ResendConfirmationCode (moto has none): the code again, to the verified attribute.
    idp.sign_up(
        ClientId=client_id,
        Username="hal",
        Password="Correct-Horse-9",
        UserAttributes=[{"Name": "email", "Value": "hal@example.test"}],
    )
    resent = idp.resend_confirmation_code(ClientId=client_id, Username="hal")
    assert resent["CodeDeliveryDetails"] == {
        "Destination": "h***@e***",
        "DeliveryMedium": "EMAIL",
        "AttributeName": "email",
    }
    with pytest.raises(idp.exceptions.InvalidParameterException) as confirmed:
        idp.resend_confirmation_code(ClientId=client_id, Username="eve")
    assert confirmed.value.response["Error"]["Message"] == "User is already confirmed."
    with pytest.raises(idp.exceptions.UserNotFoundException) as unknown:
        idp.resend_confirmation_code(ClientId=client_id, Username="nobody")
    assert unknown.value.response["Error"]["Message"] == (
        "Username/client id combination not found."
    )
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "eve", "PASSWORD": "Correct-Horse-9"},
    )["AuthenticationResult"]
    idp.update_user_attributes(
        AccessToken=tokens["AccessToken"],
        UserAttributes=[{"Name": "email", "Value": "eve@new.example.test"}],
    )
    assert _sent(caplog) == [
        "Cognito would send eve@example.test an email (CustomMessage_SignUp): subject "
        "'CustomMessage_SignUp for eve@example.test', message "
        "'Hello eve@example.test, your code is {####}'",
        "Cognito would send eve@example.test an email (CustomMessage_ForgotPassword): subject "
        "'CustomMessage_ForgotPassword for eve@example.test', message "
        "'Hello eve@example.test, your code is {####}'",
        "Cognito would send fay@example.test an email (CustomMessage_AdminCreateUser): subject "
        "'CustomMessage_AdminCreateUser for fay@example.test', message "
        "'Hello fay, your code is {####}'",
        "Cognito would send hal@example.test an email (CustomMessage_SignUp): subject "
        "'CustomMessage_SignUp for hal@example.test', message "
        "'Hello hal@example.test, your code is {####}'",
        "Cognito would send hal@example.test an email (CustomMessage_ResendCode): subject "
        "'CustomMessage_ResendCode for hal@example.test', message "
        "'Hello hal@example.test, your code is {####}'",
        "Cognito would send eve@new.example.test an email (CustomMessage_UpdateUserAttribute): "
        "subject 'CustomMessage_UpdateUserAttribute for eve@new.example.test', message "
        "'Hello eve@new.example.test, your code is {####}'",
    ]


def test_amplify_js_signs_in_without_a_password(served: tuple[str, ApiDefinition]) -> None:
    # aws-amplify 6 (tests/fixtures/aws-amplify, installed by scripts/node-deps): signIn with
    # authFlowType CUSTOM_WITHOUT_SRP, then confirmSignIn, as Amplify's passwordless guide
    # writes it; its ID token is one the API accepts.
    endpoint, definition = served
    idp = _idp(endpoint)
    pool_id, client_id, _ = _passwordless(definition)
    _user(idp, pool_id, "ivy")
    client = APIS / "cognito_triggers_custom" / "client" / "passwordless.cjs"
    modules = Path(sys.prefix) / "aws-amplify" / "node_modules"
    finished = subprocess.run(
        ["node", str(client), endpoint, pool_id, client_id, "ivy", "code-7", "code-2"],
        env={**os.environ, "NODE_PATH": str(modules)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    seen = json.loads(finished.stdout)
    assert seen["started"]["signInStep"] == "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE"
    assert seen["started"]["additionalInfo"]["email"] == "ivy@example.test"
    assert seen["retried"]["additionalInfo"]["previous"] == "ROUND-1:false"
    assert seen["done"] == {"isSignedIn": True, "step": "DONE"}
    answer = httpx.post(
        f"{endpoint}/graphql",
        json={"query": "{ me }"},
        headers={"Authorization": seen["idToken"]},
    )
    assert answer.json() == {"data": {"me": "ivy"}}
