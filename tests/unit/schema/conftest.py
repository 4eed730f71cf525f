"""Fixtures for the schema package's tests: SDL written to temporary files."""

from collections.abc import Callable
from pathlib import Path

import pytest

from schema.loader import AppSyncSchema, load_schema

BLOG_SDL = """
type Post @aws_api_key @aws_cognito_user_pools(cognito_groups: ["Admin", "Editors"]) {
  id: ID!
  title: String!
  body: String
  createdAt: AWSDateTime
  rating: Int
  tags: [String]
  meta: AWSJSON
  author: Author
  secret: String @aws_iam
}

type Author {
  name: String!
  email: AWSEmail
  posts: [Post]
}

input PostInput {
  title: String!
  body: String
  createdAt: AWSDateTime
  phone: AWSPhone
  nested: NestedInput
}

input NestedInput {
  name: String!
}

enum Status {
  DRAFT
  PUBLISHED
}

type Query {
  getPost(id: ID!): Post
  listPosts(limit: Int, status: Status): [Post]
  echoDate(value: AWSDate): AWSDate
  echoJson(value: AWSJSON): AWSJSON
}

type Mutation {
  createPost(input: PostInput!): Post
  deletePost(id: ID!): Post
}

type Subscription {
  onCreatePost: Post @aws_subscribe(mutations: ["createPost"])
  onChangePost: Post @aws_subscribe(mutations: ["createPost", "deletePost"])
}
"""

# The types behind the AppSync responses that the wording tests cite (each names its thread).
RECORDED_SDL = """
type Query {
  sendEmail(data: AWSJSON): String
  listItems(orderId: ID, statusCreatedAt: StatusCreatedAtInput): String
  onCreateForm: Form
  syncOrders: OrderConnection
  getPerson(dateOfBirth: AWSDate): String
  onCreateTodo(owner: String!): String
}
type Mutation {
  createItem(outside_input: OutsideInput!): String
  createPerson(input: CreatePersonInput!): String
  getPost(id: ID!): String
}
input OutsideInput { nested: NestedInput }
input NestedInput { name: String! }
input CreatePersonInput { name: String, id: ID, phone: AWSPhone }
input StatusCreatedAtInput { beginsWith: StatusCreatedAtKey }
input StatusCreatedAtKey { status: String, createdAt: AWSDateTime }
type Form { name: String! }
type OrderConnection { items: [Order] }
type Order { orderDate: AWSDateTime }
"""

WriteSdl = Callable[..., list[Path]]


@pytest.fixture
def write_sdl(tmp_path: Path) -> WriteSdl:
    """Write each SDL text to its own file, in order, and return the paths."""

    def write(*texts: str) -> list[Path]:
        paths = []
        for index, text in enumerate(texts):
            path = tmp_path / f"part{index}.graphql"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        return paths

    return write


@pytest.fixture
def blog_schema(write_sdl: WriteSdl) -> AppSyncSchema:
    return load_schema(write_sdl(BLOG_SDL))


@pytest.fixture
def recorded(write_sdl: WriteSdl) -> AppSyncSchema:
    return load_schema(write_sdl(RECORDED_SDL))
