#!/bin/sh
# Writes ../cdk.out from amplify/backend.ts with Amplify Gen 2's real backend libraries (pinned in
# package.json, from the npm registry), as `npx ampx sandbox` synthesizes it before it deploys:
# `cdk synth` of the backend with the sandbox's context (namespace, name, type). Run once when
# the backend changes; the tests read the committed cdk.out and need neither Node.js nor the CDK.
# Things are left out of the committed assembly, none read by anything the app uses: CDK's
# tree.json (the construct tree, for tools) and its `cdk.out` version marker, the bundled
# functions' source maps (7 MB; Lambda reads them only with --enable-source-maps), and the
# 21 MB AWS CLI layer archive of CDK's
# BucketDeployment (Amplify's codegen and model-introspection buckets), which is replaced by an
# empty zip archive of the same name; the server does not unpack a layer archive (a notice).
set -eu
cd "$(dirname "$0")"
# defineFunction bundles with esbuild, which needs a lockfile to find the project root.
npm install --no-audit --no-fund >/dev/null
rm -rf ../cdk.out
CDK_DISABLE_VERSION_CHECK=1 npx cdk synth --app "npx tsx amplify/backend.ts" \
  --context amplify-backend-namespace=gen2photos --context amplify-backend-name=local \
  --context amplify-backend-type=sandbox --output ../cdk.out --quiet --no-notices
rm -rf node_modules package-lock.json ../cdk.out/tree.json ../cdk.out/cdk.out ../cdk.out/asset.*/*.map
for archive in ../cdk.out/asset.*.zip; do
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").close()' "$archive"
done
