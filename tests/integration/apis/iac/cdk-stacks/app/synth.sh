#!/bin/sh
# Writes ../cdk.out (both stacks) from app.js with the real CDK (pinned in package.json, from the npm
# registry), as `cdk synth` writes it. Run once when the app changes; the tests read the
# committed cdk.out and need neither Node.js nor the CDK.
set -eu
cd "$(dirname "$0")"
npm install --no-audit --no-fund --no-save --no-package-lock >/dev/null
rm -rf ../cdk.out
CDK_DISABLE_VERSION_CHECK=1 npx cdk synth --app "node app.js" --output ../cdk.out --quiet --no-notices
rm -rf node_modules ../cdk.out/tree.json ../cdk.out/cdk.out
