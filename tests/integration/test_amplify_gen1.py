"""An Amplify Gen 1 project served from its build folder, as the GraphQL transformer wrote it
for one `@model` type (apis/amplify-todos, built by apis/iac/amplify-cli/build.sh): the
transformer's own pipeline resolvers and VTL answer create, get, list with a filter, a
conditional update and delete, with AppSync's errors, and its subscription delivers, through
gql over HTTP and the realtime websocket (the client Amplify's own libraries speak). And an API
authorized by the project's auth category (apis/amplify-notes): users sign up to that
category's user pool in the embedded Cognito, the transformer's owner rules hold for them, and
an @function field runs the project's function category's function, and the auth category's
PreSignup trigger (a function-category function) is called at sign-up. The category's identity
pool gives guests and signed-in users credentials of the root stack's roles, which the
transformer's `provider: iam` rules check."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import httpx
import jwt
from gql import Client, GraphQLRequest, gql
from gql.transport.appsync_auth import AppSyncApiKeyAuthentication, AppSyncJWTAuthentication
from gql.transport.appsync_websockets import AppSyncWebsocketsTransport
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from starlette.applications import Starlette

from appsync.app import build_app
from definition.formats import read_definition
from definition.model import ApiDefinition
from tests.fixtures.aws_signing import aws_client, signed_headers
from tests.integration.conftest import APIS, announcement, running, stopped_cleanly

TODOS = APIS / "amplify-todos"


async def _first_event(realtime: Any, subscription: GraphQLRequest) -> dict[str, Any]:
    async for event in realtime.subscribe(subscription):
        return dict(event)
    raise AssertionError("the subscription ended without an event")


async def _subscribed(app: Starlette, topic: str) -> None:
    """gql does not wait for `start_ack`: wait until the broker has the subscriber."""
    broker = app.state.api.realtime.broker
    for _ in range(1000):
        if broker.subscriber_count(topic) >= 1:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no subscriber on {topic}")


async def _exercise() -> dict[str, Any]:
    definition = read_definition(TODOS)
    app = build_app(definition)
    answers: dict[str, Any] = {}
    with running(app, "appsync-local-amplify-todos") as (host, port):
        auth = AppSyncApiKeyAuthentication(host=f"{host}:{port}", api_key=definition.api_keys[0].id)
        url = f"http://{host}:{port}/graphql"
        transport = AppSyncWebsocketsTransport(url=url.replace("http", "ws"), auth=auth)
        async with Client(transport=transport) as realtime:
            subscription = GraphQLRequest(gql("subscription { onCreateTodo { id name } }"))
            async with asyncio.TaskGroup() as group:
                listener = group.create_task(_first_event(realtime, subscription))
                await _subscribed(app, "mutation:createTodo")
                http = HTTPXAsyncTransport(url=url, headers=auth.get_headers())
                async with Client(transport=http) as session:

                    async def run(query: str) -> Any:
                        try:
                            return await session.execute(GraphQLRequest(gql(query)))
                        except TransportQueryError as error:
                            return {"data": error.data, "errors": error.errors}

                    answers["create"] = await run(
                        'mutation { createTodo(input: {id: "t1", name: "Write tests"}) '
                        "{ id name done __typename } }"
                    )
                    answers["event"] = await asyncio.wait_for(listener, timeout=10)
                    await run('mutation { createTodo(input: {id: "t2", name: "Ship"}) { id } }')
                    answers["duplicate"] = await run(
                        'mutation { createTodo(input: {id: "t1", name: "Again"}) { id } }'
                    )
                    answers["update"] = await run(
                        'mutation { updateTodo(input: {id: "t1", done: true}) { id name done } }'
                    )
                    answers["refused"] = await run(
                        'mutation { updateTodo(input: {id: "t2", done: true}, '
                        'condition: {name: {eq: "Other"}}) { id } }'
                    )
                    answers["get"] = await run('{ getTodo(id: "t1") { id name done } }')
                    answers["done"] = await run(
                        "{ listTodos(filter: {done: {eq: true}}) { items { id } nextToken } }"
                    )
                    answers["delete"] = await run(
                        'mutation { deleteTodo(input: {id: "t2"}) { id } }'
                    )
                    answers["all"] = await run("{ listTodos { items { id name } } }")
    return answers


def test_the_transformer_s_resolvers_answer_as_appsync_does() -> None:
    answers = asyncio.run(_exercise())
    assert answers["create"] == {
        "createTodo": {"id": "t1", "name": "Write tests", "done": None, "__typename": "Todo"}
    }
    assert answers["event"] == {"onCreateTodo": {"id": "t1", "name": "Write tests"}}
    # The transformer's create resolver puts with attribute_not_exists(id): a second create of
    # the same id fails as DynamoDB's conditional check.
    [duplicate] = answers["duplicate"]["errors"]
    assert duplicate["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert duplicate["path"] == ["createTodo"]
    assert answers["update"] == {"updateTodo": {"id": "t1", "name": "Write tests", "done": True}}
    [refused] = answers["refused"]["errors"]
    assert refused["errorType"] == "DynamoDB:ConditionalCheckFailedException"
    assert answers["get"] == {"getTodo": {"id": "t1", "name": "Write tests", "done": True}}
    assert answers["done"] == {"listTodos": {"items": [{"id": "t1"}], "nextToken": None}}
    assert answers["delete"] == {"deleteTodo": {"id": "t2"}}
    assert answers["all"] == {"listTodos": {"items": [{"id": "t1", "name": "Write tests"}]}}


NOTES = APIS / "amplify-notes"


def _signed_in(endpoint: str, pool_id: str, client_id: str, user: str) -> str:
    """A user of the auth category's pool, signed up through the AWS endpoint as Amplify's
    Auth.signUp does, confirmed, signed in; their ID token."""
    idp = aws_client("cognito-idp", endpoint, region="eu-west-1")
    idp.sign_up(
        ClientId=client_id,
        Username=user,
        Password="Correct-Horse-9",
        UserAttributes=[{"Name": "email", "Value": f"{user}@example.com"}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=user)
    answer = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": "Correct-Horse-9"},
    )
    return str(answer["AuthenticationResult"]["IdToken"])


async def _owners(definition: ApiDefinition) -> dict[str, Any]:
    [pool] = definition.server.user_pools
    web = next(c for c in pool.clients if c.client_name.endswith("Web"))
    app = build_app(definition)
    answers: dict[str, Any] = {}
    with running(app, "appsync-local-amplify-notes") as (host, port):
        url = f"http://{host}:{port}/graphql"
        ada, grace = (
            _signed_in(f"http://{host}:{port}", pool.user_pool_id, web.client_id, user)
            for user in ("ada", "grace")
        )
        idp = aws_client("cognito-idp", f"http://{host}:{port}", region="eu-west-1")
        try:
            idp.sign_up(
                ClientId=web.client_id,
                Username="mallory",
                Password="Correct-Horse-9",
                UserAttributes=[{"Name": "email", "Value": "mallory@spam.example"}],
            )
        except idp.exceptions.UserLambdaValidationException as error:
            answers["denied"] = error.response["Error"]["Message"]
        auth = AppSyncJWTAuthentication(host=f"{host}:{port}", jwt=ada)
        transport = AppSyncWebsocketsTransport(url=url.replace("http", "ws"), auth=auth)
        async with Client(transport=transport) as realtime:
            subscription = GraphQLRequest(
                gql('subscription { onCreateNote(owner: "ada") { content owner } }')
            )
            async with asyncio.TaskGroup() as group:
                listener = group.create_task(_first_event(realtime, subscription))
                await _subscribed(app, "mutation:createNote")

                async def run(token: str, query: str) -> Any:
                    headers = AppSyncJWTAuthentication(host=f"{host}:{port}", jwt=token)
                    http = HTTPXAsyncTransport(url=url, headers=headers.get_headers())
                    async with Client(transport=http) as session:
                        try:
                            return await session.execute(GraphQLRequest(gql(query)))
                        except TransportQueryError as error:
                            return {"data": error.data, "errors": error.errors}

                answers["create"] = await run(
                    ada,
                    'mutation { createNote(input: {id: "n1", content: "Mine"}) { content owner } }',
                )
                answers["event"] = await asyncio.wait_for(listener, timeout=10)
                answers["own"] = await run(ada, '{ getNote(id: "n1") { content owner } }')
                answers["other"] = await run(grace, '{ getNote(id: "n1") { content } }')
                answers["others_list"] = await run(grace, "{ listNotes { items { id } } }")
                answers["function"] = await run(
                    grace, '{ wordCount(text: "one two  three") { words env owner } }'
                )
    return answers


def test_a_cognito_api_serves_with_the_auth_category_s_user_pool() -> None:
    # The API's parameters.json gives AuthCognitoUserPoolId as the auth category's output: the
    # pool of amplify/backend/auth/notesauth/build is created in the embedded Cognito, users
    # sign up to it, and the transformer's owner rules (@auth(rules: [{allow: owner}]), owner
    # "<sub>::<username>", the owner field's resolver answering the username) hold for them.
    definition = read_definition(NOTES)
    [pool] = definition.server.user_pools
    assert definition.authentication.user_pool_config is not None
    assert definition.authentication.user_pool_config.user_pool_id == pool.user_pool_id
    answers = asyncio.run(_owners(definition))
    assert answers["create"] == {"createNote": {"content": "Mine", "owner": "ada"}}
    assert answers["event"] == {"onCreateNote": {"content": "Mine", "owner": "ada"}}
    assert answers["own"] == {"getNote": {"content": "Mine", "owner": "ada"}}
    [refused] = answers["other"]["errors"]
    assert (refused["errorType"], refused["message"]) == (
        "Unauthorized",
        "Not Authorized to access getNote on type Query",
    )
    assert answers["others_list"] == {"listNotes": {"items": []}}
    # @function(name: "wordcount-${env}"): the function category's wordcount, run by the local
    # Lambda runtime as wordcount-dev with AppSync's event (arguments, identity).
    assert answers["function"] == {"wordCount": {"words": 3, "env": "dev", "owner": "grace"}}
    # The auth category's PreSignup trigger, a function-category function attached by the CLI's
    # auth-trigger stack (`Custom::CustomAuthTriggerResourceOutputs`), refuses a denied domain
    # with its error, as Cognito answers a trigger's failure; ada and grace passed it.
    assert answers["denied"] == "PreSignUp failed with error Invalid email domain: spam.example."


def _iam_query(url: str, credentials: dict[str, Any], query: str) -> dict[str, Any]:
    """`query` signed as Amplify's `authMode: 'iam'` signs it: SigV4 for `appsync` with the
    identity pool's credentials."""
    body = json.dumps({"query": query})
    key = (credentials["AccessKeyId"], credentials["SecretKey"], credentials["SessionToken"])
    headers = {"content-type": "application/json"}
    signed = signed_headers("POST", url, "appsync", body.encode(), headers, key, "eu-west-1")
    answer: dict[str, Any] = httpx.post(url, content=body, headers=signed, timeout=10).json()
    return answer


def test_the_auth_category_s_identity_pool_gives_guests_and_users_their_roles() -> None:
    # `{allow: public, provider: iam}` and `{allow: private, provider: iam}`: the transformer's
    # resolvers compare $ctx.identity.userArn with the sessions of the root stack's roles
    # (`arn:aws:sts::<account>:assumed-role/<authRoleName>/CognitoIdentityCredentials`); the
    # auth category's identity pool gives guests the UnauthRole and users the AuthRole, named
    # as team-provider-info.json names them.
    definition = read_definition(NOTES)
    [identity_pool] = definition.server.identity_pools
    [pool] = definition.server.user_pools
    assert identity_pool.allow_unauthenticated
    assert identity_pool.roles == {
        "authenticated": "arn:aws:iam::123456789012:role/amplify-notes-dev-2c33f-authRole",
        "unauthenticated": "arn:aws:iam::123456789012:role/amplify-notes-dev-2c33f-unauthRole",
    }
    web = next(c for c in pool.clients if c.client_name.endswith("Web"))
    with running(build_app(definition), "appsync-local-amplify-notes-iam") as (host, port):
        endpoint, url = f"http://{host}:{port}", f"http://{host}:{port}/graphql"
        identity = aws_client("cognito-identity", endpoint, region="eu-west-1")
        guest_id = identity.get_id(IdentityPoolId=identity_pool.identity_pool_id)
        guest = identity.get_credentials_for_identity(IdentityId=guest_id["IdentityId"])
        token = _signed_in(endpoint, pool.user_pool_id, web.client_id, "iris")
        logins = {f"cognito-idp.eu-west-1.amazonaws.com/{pool.user_pool_id}": token}
        user_id = identity.get_id(IdentityPoolId=identity_pool.identity_pool_id, Logins=logins)
        user = identity.get_credentials_for_identity(
            IdentityId=user_id["IdentityId"], Logins=logins
        )
        create = 'mutation { createNotice(input: {id: "b1", text: "Open day"}) { id text } }'
        posted = _iam_query(url, user["Credentials"], create)
        read = _iam_query(url, guest["Credentials"], '{ getNotice(id: "b1") { text } }')
        guest_posts = _iam_query(url, guest["Credentials"], create.replace("b1", "b2"))
        notes = _iam_query(url, user["Credentials"], "{ listNotes { items { id } } }")
    assert posted == {"data": {"createNotice": {"id": "b1", "text": "Open day"}}}
    assert read == {"data": {"getNotice": {"text": "Open day"}}}
    [refused] = guest_posts["errors"]
    assert (refused["errorType"], refused["message"]) == (
        "Unauthorized",
        "Not Authorized to access createNotice on type Mutation",
    )
    # Notes are owners' only (Cognito user pools): no IAM caller reads them.
    [refused] = notes["errors"]
    assert refused["errorType"] == "Unauthorized"


def test_the_user_pool_groups_resource_gives_the_pool_its_groups_and_their_roles() -> None:
    # `amplify update auth` with groups writes auth/userPoolGroups (Cognito-UserPool-Groups):
    # its stack's groups are created in the auth stack's pool with their precedence and role
    # (`<pool id>-<group>GroupRole`), and a member's ID token names the roles
    # (cognito:roles) and the lowest-precedence group's (cognito:preferred_role), as Cognito's
    # ID tokens do ("Understanding the identity (ID) token", Amazon Cognito Developer Guide).
    definition = read_definition(NOTES)
    [pool] = definition.server.user_pools
    web = next(c for c in pool.clients if c.client_name.endswith("Web"))
    role = f"arn:aws:iam::123456789012:role/{pool.user_pool_id}-{{}}GroupRole"
    with running(build_app(definition), "appsync-local-amplify-notes-groups") as (host, port):
        endpoint = f"http://{host}:{port}"
        idp = aws_client("cognito-idp", endpoint, region="eu-west-1")
        listed = idp.list_groups(UserPoolId=pool.user_pool_id)["Groups"]
        token = _signed_in(endpoint, pool.user_pool_id, web.client_id, "gus")
        for group in ("Readers", "Editors"):
            idp.admin_add_user_to_group(
                UserPoolId=pool.user_pool_id, Username="gus", GroupName=group
            )
        member = idp.initiate_auth(
            ClientId=web.client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "gus", "PASSWORD": "Correct-Horse-9"},
        )["AuthenticationResult"]["IdToken"]
    assert sorted((g["GroupName"], g["Precedence"], g["RoleArn"]) for g in listed) == [
        ("Editors", 1, role.format("Editors")),
        ("Readers", 2, role.format("Readers")),
    ]
    before = jwt.decode(token, options={"verify_signature": False})
    claims = jwt.decode(member, options={"verify_signature": False})
    assert "cognito:groups" not in before
    assert sorted(claims["cognito:groups"]) == ["Editors", "Readers"]
    assert sorted(claims["cognito:roles"]) == [role.format("Editors"), role.format("Readers")]
    assert claims["cognito:preferred_role"] == role.format("Editors")


def test_a_token_role_mapping_gives_a_group_member_the_group_s_role() -> None:
    # With user pool groups the Amplify CLI's auth stack maps each app client's logins to the
    # role their token names ("Choose role from token": IdentityPoolRoleMap's RoleMappings,
    # Type Token, AmbiguousRoleResolution AuthenticatedRole; "Using role-based access control",
    # Amazon Cognito Developer Guide): a member of a group with a role gets credentials of that
    # role (the ID token's cognito:preferred_role), others the authenticated role. The
    # transformer's `{allow: private, provider: iam}` rule admits only the authenticated role's
    # sessions, so the group member is refused and the other user is not.
    definition = read_definition(NOTES)
    [identity_pool] = definition.server.identity_pools
    [pool] = definition.server.user_pools
    web = next(c for c in pool.clients if c.client_name.endswith("Web"))
    provider = f"cognito-idp.eu-west-1.amazonaws.com/{pool.user_pool_id}"
    assert identity_pool.role_mappings[f"{provider}:{web.client_id}"] == {
        "AmbiguousRoleResolution": "AuthenticatedRole",
        "Type": "Token",
    }
    create = 'mutation { createNotice(input: {id: "%s", text: "Hi"}) { id } }'
    with running(build_app(definition), "appsync-local-amplify-notes-mapping") as (host, port):
        endpoint, url = f"http://{host}:{port}", f"http://{host}:{port}/graphql"
        identity = aws_client("cognito-identity", endpoint, region="eu-west-1")
        idp = aws_client("cognito-idp", endpoint, region="eu-west-1")
        answers = {}
        for user, groups in (("hal", ("Editors",)), ("ivy", ())):
            _signed_in(endpoint, pool.user_pool_id, web.client_id, user)
            for group in groups:
                idp.admin_add_user_to_group(
                    UserPoolId=pool.user_pool_id, Username=user, GroupName=group
                )
            token = idp.initiate_auth(
                ClientId=web.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": user, "PASSWORD": "Correct-Horse-9"},
            )["AuthenticationResult"]["IdToken"]
            logins = {provider: token}
            found = identity.get_id(IdentityPoolId=identity_pool.identity_pool_id, Logins=logins)
            issued = identity.get_credentials_for_identity(
                IdentityId=found["IdentityId"], Logins=logins
            )
            answers[user] = _iam_query(url, issued["Credentials"], create % user)
    [refused] = answers["hal"]["errors"]
    assert (refused["errorType"], refused["message"]) == (
        "Unauthorized",
        "Not Authorized to access createNotice on type Mutation",
    )
    assert answers["ivy"] == {"data": {"createNotice": {"id": "ivy"}}}


def test_amplify_js_reads_as_a_guest_and_posts_signed_in_through_the_identity_pool(
    tmp_path: Path,
) -> None:
    # aws-amplify 6 (tests/fixtures/aws-amplify, installed by scripts/node-deps) as a web app
    # uses the project's auth category: a guest's `fetchAuthSession` gets the identity pool's
    # guest credentials, its `authMode: "identityPool"` query and realtime subscription are
    # signed with them; after `signIn` (SRP), a mutation signed with the user's credentials
    # reaches the guest's subscription. Amplify dials `wss://` only: `serve --tls`, its
    # certificate trusted by Node.js (NODE_EXTRA_CA_CERTS).
    definition = read_definition(NOTES)
    [identity_pool] = definition.server.identity_pools
    [pool] = definition.server.user_pools
    web = next(c for c in pool.clients if c.client_name.endswith("Web"))
    command = [sys.executable, "-m", "appsync", "serve", "--config", str(NOTES), "--tls"]
    command += ["--port", "0", "--ephemeral", "--no-reload"]
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    with stopped_cleanly(command, environment) as process:
        text = announcement(process)
        found = re.search(r"GraphQL:  (https://127\.0\.0\.1:\d+)/graphql\n", text)
        certificate = re.search(r"TLS certificate: (.+)\n", text)
        assert found is not None, text
        assert certificate is not None, text
        assert f"    Cognito: identity pool {identity_pool.identity_pool_id}\n" in text
        endpoint = found.group(1)
        idp = boto3.client(
            "cognito-idp",
            endpoint_url=endpoint,
            region_name="eu-west-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            verify=certificate.group(1),
        )
        idp.admin_create_user(UserPoolId=pool.user_pool_id, Username="june")
        idp.admin_set_user_password(
            UserPoolId=pool.user_pool_id,
            Username="june",
            Password="Correct-Horse-9",
            Permanent=True,
        )
        idp.close()
        arguments = [pool.user_pool_id, web.client_id, identity_pool.identity_pool_id]
        finished = subprocess.run(
            # Node.js 20's WebSocket is behind a flag (Amplify's realtime client needs one).
            [
                *("node", "--experimental-websocket", str(NOTES / "client" / "guest_and_user.cjs")),
                *(endpoint, *arguments, "eu-west-1", "june", "Correct-Horse-9"),
            ],
            env={
                **os.environ,
                "NODE_PATH": str(Path(sys.prefix) / "aws-amplify" / "node_modules"),
                "NODE_EXTRA_CA_CERTS": certificate.group(1),
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        print("NODE", time.time(), finished.returncode, finished.stdout, finished.stderr)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    seen = json.loads(finished.stdout)
    assert seen["guestKey"].startswith("ASIA")
    assert seen["guestIdentityId"].startswith("eu-west-1:")
    # The guest who signs in keeps its identity (Amplify sends it with the user's login).
    assert seen["userIdentityId"] == seen["guestIdentityId"]
    assert seen["board"] == []
    assert seen["posted"] == {"id": "n-1", "text": "Open day"}
    assert seen["event"] == {"id": "n-1", "text": "Open day"}
