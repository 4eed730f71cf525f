"""`@aws_*` usages read once into typed values."""

from auth.modes import AuthDirective, AuthMode
from schema.directives import SubscriptionTrigger
from schema.loader import AppSyncSchema, load_schema
from tests.unit.schema.conftest import WriteSdl


def test_type_auth_directives_are_read_in_schema_order(blog_schema: AppSyncSchema) -> None:
    assert blog_schema.directives.type_auth("Post") == (
        AuthDirective(AuthMode.API_KEY),
        AuthDirective(AuthMode.AMAZON_COGNITO_USER_POOLS, frozenset({"Admin", "Editors"})),
    )


def test_field_auth_directives_are_per_field(blog_schema: AppSyncSchema) -> None:
    directives = blog_schema.directives
    assert directives.field_auth("Post", "secret") == (AuthDirective(AuthMode.AWS_IAM),)
    assert directives.field_auth("Post", "title") == ()
    assert directives.type_auth("Author") == ()


def test_subscription_triggers_list_their_mutations(blog_schema: AppSyncSchema) -> None:
    directives = blog_schema.directives
    assert directives.subscription_trigger("onCreatePost") == SubscriptionTrigger(("createPost",))
    assert directives.subscription_trigger("onChangePost") == SubscriptionTrigger(
        ("createPost", "deletePost")
    )
    assert directives.subscription_trigger("getPost") is None


def test_every_auth_directive_maps_to_its_mode(write_sdl: WriteSdl) -> None:
    sdl = """
    type Query {
      a: String @aws_api_key
      b: String @aws_iam
      c: String @aws_oidc
      d: String @aws_lambda
      e: String @aws_cognito_user_pools
      f: String @aws_auth(cognito_groups: ["Admins"])
    }
    """
    directives = load_schema(write_sdl(sdl)).directives
    assert directives.field_auth("Query", "a") == (AuthDirective(AuthMode.API_KEY),)
    assert directives.field_auth("Query", "b") == (AuthDirective(AuthMode.AWS_IAM),)
    assert directives.field_auth("Query", "c") == (AuthDirective(AuthMode.OPENID_CONNECT),)
    assert directives.field_auth("Query", "d") == (AuthDirective(AuthMode.AWS_LAMBDA),)
    assert directives.field_auth("Query", "e") == (
        AuthDirective(AuthMode.AMAZON_COGNITO_USER_POOLS, None),
    )
    assert directives.field_auth("Query", "f") == (
        AuthDirective(AuthMode.AMAZON_COGNITO_USER_POOLS, frozenset({"Admins"}), True),
    )


def test_type_directives_on_extensions_are_merged(write_sdl: WriteSdl) -> None:
    paths = write_sdl("type Query @aws_iam { a: String }", "extend type Query @aws_api_key")
    directives = load_schema(paths).directives
    assert directives.type_auth("Query") == (
        AuthDirective(AuthMode.AWS_IAM),
        AuthDirective(AuthMode.API_KEY),
    )


def test_legacy_aws_publish_adds_the_mutation_to_the_subscription(write_sdl: WriteSdl) -> None:
    sdl = """
    type Query { a: String }
    type Mutation { addPost(id: ID!): String @aws_publish(subscriptions: ["onAddPost"]) }
    type Subscription { onAddPost: String }
    """
    directives = load_schema(write_sdl(sdl)).directives
    assert directives.subscription_trigger("onAddPost") == SubscriptionTrigger(("addPost",))
