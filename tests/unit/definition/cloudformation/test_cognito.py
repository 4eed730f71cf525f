"""AWS::Cognito::UserPool, UserPoolClient and UserPoolGroup are kept for the embedded Cognito,
with the deterministic ids their `Ref`s give everywhere else."""

from __future__ import annotations

from pathlib import Path

from definition.cognito_resources import UserPoolGroupSpec
from tests.unit.definition.cloudformation.cloudformation_support import (
    notices,
    problems,
    read,
    stack_of,
)


def test_pools_keep_their_clients_and_properties(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: posts-users
      Policies: {PasswordPolicy: {MinimumLength: 8}}
  Unnamed:
    Type: AWS::Cognito::UserPool
  Web:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Users
      ClientName: web
      ExplicitAuthFlows: [ALLOW_USER_PASSWORD_AUTH]
  Elsewhere:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: eu-west-1_abcdefghi}
""",
    )
    users, unnamed = definition.server.user_pools
    assert users.pool_name == "posts-users"
    assert users.properties["Policies"] == {"PasswordPolicy": {"MinimumLength": 8}}
    assert users.user_pool_id.startswith("eu-west-1_")
    [web] = users.clients
    assert (web.client_name, web.properties["ExplicitAuthFlows"]) == (
        "web",
        ["ALLOW_USER_PASSWORD_AUTH"],
    )
    assert len(web.client_id) == 26
    assert unnamed.pool_name.startswith("posts-Unnamed-")
    assert unnamed.clients == ()
    assert notices(definition) == [
        "Elsewhere: accepted; its user pool eu-west-1_abcdefghi is not in the template: not "
        "created locally"
    ]
    # The same ids on every read.
    assert (
        read(tmp_path, "\n  Users:\n    Type: AWS::Cognito::UserPool\n")
        .server.user_pools[0]
        .user_pool_id
        == users.user_pool_id
    )


def test_groups_are_kept_with_their_pool(tmp_path: Path) -> None:
    # AWS::Cognito::UserPoolGroup: GroupName, UserPoolId, Description, Precedence, RoleArn;
    # "Ref returns the name of the user pool group" (the CloudFormation User Guide's page).
    definition = read(
        tmp_path,
        """
  Users:
    Type: AWS::Cognito::UserPool
  Admins:
    Type: AWS::Cognito::UserPoolGroup
    Properties:
      UserPoolId: !Ref Users
      GroupName: ADMINS
      Description: can do anything
      Precedence: "0"
      RoleArn: arn:aws:iam::123456789012:role/admins
  Editors:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: !Ref Users}
  Stray:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: eu-west-1_abcdefghi, GroupName: stray}
""",
    )
    [users] = definition.server.user_pools
    admins, editors = users.groups
    assert admins == UserPoolGroupSpec(
        "ADMINS", "can do anything", 0, "arn:aws:iam::123456789012:role/admins"
    )
    assert editors.group_name.startswith("posts-Editors-")
    assert (editors.description, editors.precedence, editors.role_arn) == (None, None, None)
    assert notices(definition) == [
        "stray: accepted; its user pool eu-west-1_abcdefghi is not in the template: not "
        "created locally"
    ]
    stack = stack_of(
        tmp_path,
        """Resources:
  Admins:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: eu-west-1_abcdefghi, GroupName: ADMINS}
  Named:
    Type: AWS::SSM::Parameter
    Properties: {Type: String, Value: !Ref Admins}
""",
    )
    assert (stack.properties("Named") or {})["Value"] == "ADMINS"


def test_triggers_are_kept_and_those_not_called_are_named(tmp_path: Path) -> None:
    # AWS::Cognito::UserPool LambdaConfig: "the Lambda trigger attributes of the user pool"
    # (PostConfirmation, PreSignUp, ...), which Cognito calls; the embedded one calls
    # the sign-up, confirmation, authentication, custom challenge, migration, message and token
    # triggers (appsync.aws.cognito_triggers), not the custom senders.
    definition = read(
        tmp_path,
        """
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      LambdaConfig:
        PostConfirmation: arn:aws:lambda:eu-west-1:123456789012:function:confirm
        PreSignUp: arn:aws:lambda:eu-west-1:123456789012:function:check
        CustomMessage: arn:aws:lambda:eu-west-1:123456789012:function:message
        UserMigration: arn:aws:lambda:eu-west-1:123456789012:function:migrate
        CustomEmailSender:
          LambdaArn: arn:aws:lambda:eu-west-1:123456789012:function:send
          LambdaVersion: V1_0
""",
    )
    [users] = definition.server.user_pools
    assert "PostConfirmation" in users.properties["LambdaConfig"]
    assert notices(definition) == [
        "Users.Properties.LambdaConfig: accepted; no local effect yet (the embedded Cognito "
        "does not call these triggers: CustomEmailSender)"
    ]


def test_numbers_and_booleans_from_parameters_take_their_property_s_type(tmp_path: Path) -> None:
    # AWS::Cognito::UserPool PasswordPolicy.MinimumLength is an Integer, RequireLowercase a
    # Boolean; a String parameter's value (Amplify's auth stack: !Ref passwordPolicyMinLength)
    # is converted to them, as CloudFormation does before calling CreateUserPool.
    definition = read(
        tmp_path,
        """
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      Policies:
        PasswordPolicy: {MinimumLength: !Ref Length, RequireLowercase: 'false'}
      Schema: [{Name: email, Required: 'true', Mutable: true}]
  Web:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Users, RefreshTokenValidity: !Ref Length}
""",
        "Parameters:\n  Length: {Type: String, Default: '8'}",
    )
    [users] = definition.server.user_pools
    assert users.properties["Policies"] == {
        "PasswordPolicy": {"MinimumLength": 8, "RequireLowercase": False}
    }
    assert users.properties["Schema"] == [{"Name": "email", "Required": True, "Mutable": True}]
    assert users.clients[0].properties["RefreshTokenValidity"] == 8


def test_identity_pools_keep_their_providers_and_attached_roles(tmp_path: Path) -> None:
    # AWS::Cognito::IdentityPool: Ref is the pool's id (`<region>:<uuid>`), GetAtt Name its
    # name; AWS::Cognito::IdentityPoolRoleAttachment's Roles: "authenticated" and
    # "unauthenticated" role ARNs (their CloudFormation resource pages).
    definition = read(
        tmp_path,
        """
  Users:
    Type: AWS::Cognito::UserPool
  Web:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Users}
  Guests:
    Type: AWS::Cognito::IdentityPool
    Properties:
      AllowUnauthenticatedIdentities: "true"
      CognitoIdentityProviders:
        - ClientId: !Ref Web
          ProviderName: !GetAtt Users.ProviderName
      SupportedLoginProviders: {graph.facebook.com: "1234"}
  Unnamed:
    Type: AWS::Cognito::IdentityPool
    Properties: {AllowUnauthenticatedIdentities: false}
  AuthRole:
    Type: AWS::IAM::Role
    Properties: {RoleName: posts-auth, AssumeRolePolicyDocument: {}}
  Attachment:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties:
      IdentityPoolId: !Ref Guests
      Roles: {authenticated: !GetAtt AuthRole.Arn, unauthenticated: arn:aws:iam::1:role/guest}
      RoleMappings: {users: {Type: Token, AmbiguousRoleResolution: AuthenticatedRole}}
""",
    )
    guests, unnamed = definition.server.identity_pools
    [users] = definition.server.user_pools
    [web] = users.clients
    region, identifier = guests.identity_pool_id.split(":")
    assert region == "eu-west-1"
    assert len(identifier) == 36
    assert guests.allow_unauthenticated
    assert guests.providers == (
        (f"cognito-idp.eu-west-1.amazonaws.com/{users.user_pool_id}", web.client_id),
    )
    assert guests.roles == {
        "authenticated": "arn:aws:iam::123456789012:role/posts-auth",
        "unauthenticated": "arn:aws:iam::1:role/guest",
    }
    assert guests.pool_name.startswith("posts_Guests_")
    assert (unnamed.allow_unauthenticated, unnamed.roles) == (False, {})
    # RoleMappings are kept as SetIdentityPoolRoles takes them, keyed by the mapping's key when
    # it names no IdentityProvider (the CloudFormation User Guide's RoleMapping page).
    assert guests.role_mappings == {
        "users": {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}
    }
    assert notices(definition) == [
        "Guests.Properties.SupportedLoginProviders: accepted; no local effect (only the "
        "embedded user pools sign identities in)",
    ]


def test_groups_in_a_nested_stack_join_the_pool_that_stack_is_given(tmp_path: Path) -> None:
    """A group may be declared in another stack of the deployment than its pool, given the
    pool's id as a parameter: CloudFormation creates it in that pool all the same (the Amplify
    CLI's userPoolGroups stack is one). A group of a pool no stack declares is still a notice."""
    (tmp_path / "Groups.yaml").write_text(
        """Parameters:
  PoolId: {Type: String}
Resources:
  Editors:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: !Ref PoolId, GroupName: Editors, Precedence: 2}
  Stray:
    Type: AWS::Cognito::UserPoolGroup
    Properties: {UserPoolId: eu-west-1_abcdefghi, GroupName: stray}
"""
    )
    definition = read(
        tmp_path,
        """
  Users:
    Type: AWS::Cognito::UserPool
  Groups:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: Groups.yaml
      Parameters: {PoolId: !Ref Users}
""",
    )
    [users] = definition.server.user_pools
    assert users.groups == (UserPoolGroupSpec("Editors", None, 2, None),)
    assert notices(definition) == [
        "stray: accepted; its user pool eu-west-1_abcdefghi is not in the template: not "
        "created locally"
    ]


def test_role_mappings_are_keyed_by_their_identity_provider(tmp_path: Path) -> None:
    definition = read(
        tmp_path,
        """
  Users:
    Type: AWS::Cognito::UserPool
  Web:
    Type: AWS::Cognito::UserPoolClient
    Properties: {UserPoolId: !Ref Users}
  Pool:
    Type: AWS::Cognito::IdentityPool
    Properties: {AllowUnauthenticatedIdentities: false}
  Attachment:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties:
      IdentityPoolId: !Ref Pool
      RoleMappings:
        web:
          IdentityProvider: !Sub "cognito-idp.${AWS::Region}.amazonaws.com/${Users}:${Web}"
          Type: Rules
          AmbiguousRoleResolution: Deny
          RulesConfiguration:
            Rules:
              - Claim: "custom:tier"
                MatchType: Equals
                Value: gold
                RoleARN: arn:aws:iam::1:role/gold
""",
    )
    [pool] = definition.server.identity_pools
    [users] = definition.server.user_pools
    [web] = users.clients
    key = f"cognito-idp.eu-west-1.amazonaws.com/{users.user_pool_id}:{web.client_id}"
    assert pool.role_mappings == {
        key: {
            "Type": "Rules",
            "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {
                "Rules": [
                    {
                        "Claim": "custom:tier",
                        "MatchType": "Equals",
                        "Value": "gold",
                        "RoleARN": "arn:aws:iam::1:role/gold",
                    }
                ]
            },
        }
    }


def test_a_role_mapping_of_no_known_type_is_a_problem(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        """
  Pool:
    Type: AWS::Cognito::IdentityPool
    Properties: {AllowUnauthenticatedIdentities: false}
  Attachment:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties:
      IdentityPoolId: !Ref Pool
      RoleMappings: {web: {Type: Groups}, rules: {Type: Rules}}
""",
    )
    assert found == [
        "Attachment.Properties.RoleMappings.web.Type: expected Token or Rules",
        "Attachment.Properties.RoleMappings.rules.RulesConfiguration: a Rules mapping needs its "
        "Rules",
    ]
