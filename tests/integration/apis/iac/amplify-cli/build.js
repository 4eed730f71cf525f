// Writes an Amplify Gen 1 API's build/ folder as the Amplify CLI's `amplify api gql-compile`
// writes it (the CLI's Gen 1 plugin, @aws-amplify/amplify-category-api, src/graphql-transformer:
// transformer-options-v2.ts, transform-graphql-schema-v2.ts, utils.ts): the GraphQL transformer
// v2 runs under the CLI's TransformManager, the user's stacks/ and resolvers/ are merged in
// (mergeUserConfigWithTransformOutput), and writeDeploymentToDisk's layout is written with the
// build parameters of a `--dry-run` (bucket `fake-bucket`, root key
// amplify-appsync-files/<hash of the schema and parameters>). The API's auth settings are
// backend-config.json's (api.<name>.output.authConfig), as `amplify add api` writes them.
//   node build.js <api folder> <category-api package folder>
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { executeTransform } = require('@aws-amplify/graphql-transformer');
const core = require('@aws-amplify/graphql-transformer-core');

const [apiFolder, categoryApi] = process.argv.slice(2);
const { TransformManager } = require(
  path.join(categoryApi, 'lib/graphql-transformer/cdk-compat/transform-manager'),
);
const read = (file) => fs.readFileSync(path.join(apiFolder, file), 'utf8');
const schema = read('schema.graphql');
const parameters = JSON.parse(read('parameters.json'));
const transformConf = JSON.parse(read('transform.conf.json'));
const backendConfig = JSON.parse(
  fs.readFileSync(path.join(apiFolder, '..', '..', 'backend-config.json'), 'utf8'),
);
const authConfig = backendConfig.api[path.basename(apiFolder)].output.authConfig;
const authTypes = [authConfig.defaultAuthentication, ...authConfig.additionalAuthenticationProviders]
  .map((provider) => provider.authenticationType);
// transform-graphql-schema-v2.ts's hasIamAuth / hasUserPoolAuth: with AWS_IAM the API stack takes
// the root's authRoleName and unauthRoleName, which its resolvers compare $ctx.identity.userArn
// with. No identity pool id: a project not yet pushed has none (getIdentityPoolId).
const manager = new TransformManager(
  undefined, authTypes.includes('AWS_IAM'), authTypes.includes('AMAZON_COGNITO_USER_POOLS'), [], undefined);
executeTransform({
  scope: manager.rootStack,
  nestedStackProvider: manager.getNestedStackProvider(),
  assetProvider: manager.getAssetProvider(),
  parameterProvider: manager.getParameterProvider(),
  synthParameters: manager.getSynthParameters(),
  schema,
  authConfig,
  resolverConfig: transformConf.ResolverConfig || {},
  dataSourceStrategies: core.constructDataSourceStrategies(schema, core.DDB_DEFAULT_DATASOURCE_STRATEGY),
  // generateTransformParameters with the CLI's feature flags for new projects (cli.json).
  transformParameters: {
    shouldDeepMergeDirectiveConfigDefaults: false,
    useSubUsernameForDefaultIdentityClaim: true,
    populateOwnerFieldForStaticGroupAuth: true,
    secondaryKeyAsGSI: true,
    enableAutoIndexQueryNames: true,
    respectPrimaryKeyAttributesOnConnectionField: true,
    subscriptionsInheritPrimaryAuth: false,
    suppressApiKeyGeneration: false,
    disableResolverDeduping: false,
    enableSearchNodeToNodeEncryption: false,
    // schemaHasSandboxModeEnabled: a global `allow: public` rule in `input AMPLIFY`.
    sandboxModeEnabled: /input\s+AMPLIFY\s*\{[^}]*globalAuthRule[^}]*allow:\s*public/.test(schema),
    enableTransformerCfnOutputs: true,
    allowDestructiveGraphqlSchemaUpdates: false,
    replaceTableUponGsiUpdate: false,
    allowGen1Patterns: true,
  },
  printTransformerLog: (log) => console.error(`${log.level}: ${log.message}`),
});
const deployment = manager.generateDeploymentResources();

// mergeUserConfigWithTransformOutput: the user's resolvers win; each user stack is nested in
// the root stack with the root's parameters and AppSyncApiId.
const userResolvers = path.join(apiFolder, 'resolvers');
for (const file of fs.existsSync(userResolvers) ? fs.readdirSync(userResolvers) : []) {
  if (file !== 'README.md') deployment.resolvers[file] = fs.readFileSync(path.join(userResolvers, file), 'utf8');
}
const root = deployment.rootStack;
const stackParameters = Object.fromEntries(Object.keys(root.Parameters).map((key) => [key, { Ref: key }]));
stackParameters.AppSyncApiId = { 'Fn::GetAtt': ['GraphQLAPI', 'ApiId'] };
const dependsOn = Object.keys(root.Resources).filter((id) =>
  ['AWS::CloudFormation::Stack', 'AWS::AppSync::GraphQLApi', 'AWS::AppSync::GraphQLSchema'].includes(root.Resources[id].Type));
const userStacks = path.join(apiFolder, 'stacks');
for (const file of fs.existsSync(userStacks) ? fs.readdirSync(userStacks) : []) {
  const stack = JSON.parse(fs.readFileSync(path.join(userStacks, file), 'utf8'));
  deployment.stacks[file] = stack;
  root.Resources[file.split(/[^A-Za-z]/).join('')] = {
    Type: 'AWS::CloudFormation::Stack',
    Properties: {
      Parameters: Object.fromEntries(Object.keys(stack.Parameters).map((key) => [key, stackParameters[key]])),
      TemplateURL: { 'Fn::Join': ['/', ['https://s3.amazonaws.com', { Ref: 'S3DeploymentBucket' }, { Ref: 'S3DeploymentRootKey' }, 'stacks', file]] },
    },
    DependsOn: dependsOn,
  };
}

// writeDeploymentToDisk.
const build = path.join(apiFolder, 'build');
fs.rmSync(build, { recursive: true, force: true });
const write = (file, text) => {
  fs.mkdirSync(path.dirname(path.join(build, file)), { recursive: true });
  fs.writeFileSync(path.join(build, file), text);
};
write('schema.graphql', deployment.schema);
for (const [file, text] of Object.entries(deployment.resolvers)) write(`resolvers/${file}`, text);
for (const [file, text] of Object.entries(deployment.pipelineFunctions)) write(`pipelineFunctions/${file}`, text);
for (const [name, stack] of Object.entries(deployment.stacks)) {
  write(`stacks/${name.endsWith('.json') ? name : `${name}.json`}`, JSON.stringify(stack, null, 4));
}
// The transformer's own functions (@searchable's streaming function): archives it ships.
for (const [file, archive] of Object.entries(deployment.functions)) {
  fs.mkdirSync(path.join(build, 'functions'), { recursive: true });
  fs.copyFileSync(archive, path.join(build, 'functions', file));
}
write('cloudformation-template.json', JSON.stringify(root, null, 4));
const hash = crypto.createHash('sha1').update(schema).update(JSON.stringify(parameters)).digest('hex');
write('parameters.json', JSON.stringify({
  ...parameters,
  S3DeploymentBucket: 'fake-bucket',
  S3DeploymentRootKey: `amplify-appsync-files/${hash}`,
}, null, 4));
