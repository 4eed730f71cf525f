#!/bin/sh
# Writes the build/ folders of the Amplify Gen 1 fixtures (../amplify, ../../amplify-todos and
# ../../amplify-notes) from their schema.graphql, parameters.json, transform.conf.json, stacks/
# and resolvers/, with AWS's GraphQL transformer (pinned in package.json, from the npm
# registry) under the Amplify CLI's Gen 1 TransformManager, as `amplify api gql-compile` does.
# Run once when a fixture's sources change; the tests read the committed build/ and need
# neither Node.js nor the Amplify CLI.
#
# The TransformManager is taken from the CLI's API category package (npm pack, no install):
# its cdk-compat modules need only aws-cdk-lib and constructs, which the transformer brings.
set -eu
cd "$(dirname "$0")"
npm install --no-audit --no-fund --no-save --no-package-lock >/dev/null
npm pack @aws-amplify/amplify-category-api@5.15.7 --silent >/dev/null
mkdir -p category-api
tar -xzf aws-amplify-amplify-category-api-5.15.7.tgz -C category-api
for api in ../amplify/amplify/backend/api/posts ../../amplify-todos/amplify/backend/api/todos \
  ../../amplify-notes/amplify/backend/api/notes; do
  node build.js "$api" "$PWD/category-api/package"
done
rm -rf node_modules category-api aws-amplify-amplify-category-api-5.15.7.tgz
