// The posts API (../schema.graphql) as a CDK app, synthesized once into ../cdk.out by synth.sh
// and committed: the tests read cdk.out as `cdk synth` writes it, without Node.js or the CDK.
const path = require("path");
const cdk = require("aws-cdk-lib");
const appsync = require("aws-cdk-lib/aws-appsync");
const cognito = require("aws-cdk-lib/aws-cognito");
const dynamodb = require("aws-cdk-lib/aws-dynamodb");
const lambda = require("aws-cdk-lib/aws-lambda");
const sfn = require("aws-cdk-lib/aws-stepfunctions");

const here = (...parts) => path.join(__dirname, "..", ...parts);
const app = new cdk.App({ outdir: here("cdk.out") });
const stack = new cdk.Stack(app, "PostsStack");

const users = new cognito.UserPool(stack, "Users", { userPoolName: "posts-users" });
const webClient = users.addClient("WebClient", { authFlows: { userPassword: true } });

const api = new appsync.GraphqlApi(stack, "PostsApi", {
  name: "posts",
  definition: appsync.Definition.fromFile(here("schema.graphql")),
  authorizationConfig: {
    defaultAuthorization: {
      authorizationType: appsync.AuthorizationType.API_KEY,
      apiKeyConfig: { description: "the fixture's key" },
    },
    additionalAuthorizationModes: [
      { authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool: users } },
    ],
  },
});

const table = new dynamodb.Table(stack, "PostsTable", {
  partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  removalPolicy: cdk.RemovalPolicy.DESTROY,
});
const posts = api.addDynamoDbDataSource("Posts", table);
posts.createResolver("GetPost", {
  typeName: "Query",
  fieldName: "getPost",
  requestMappingTemplate: appsync.MappingTemplate.dynamoDbGetItem("id", "id"),
  responseMappingTemplate: appsync.MappingTemplate.dynamoDbResultItem(),
});
posts.createResolver("ListPosts", {
  typeName: "Query",
  fieldName: "listPosts",
  requestMappingTemplate: appsync.MappingTemplate.dynamoDbScanTable(),
  responseMappingTemplate: appsync.MappingTemplate.dynamoDbResultList(),
});
posts.createResolver("CreatePost", {
  typeName: "Mutation",
  fieldName: "createPost",
  requestMappingTemplate: appsync.MappingTemplate.fromString(`{"version": "2018-05-29", "operation": "PutItem",
 "key": {"id": $util.dynamodb.toDynamoDBJson($ctx.args.id)},
 "attributeValues": {
   "title": $util.dynamodb.toDynamoDBJson($ctx.args.title),
   "status": {"S": "draft-dev"}}}`),
  responseMappingTemplate: appsync.MappingTemplate.dynamoDbResultItem(),
});

const quote = new sfn.StateMachine(stack, "QuoteMachine", {
  stateMachineType: sfn.StateMachineType.EXPRESS,
  definitionBody: sfn.DefinitionBody.fromFile(here("quote.asl.json")),
});
const states = api.addHttpDataSource(
  "StepFunctionsSync",
  `https://sync-states.${stack.region}.amazonaws.com/`,
  { authorizationConfig: { signingRegion: stack.region, signingServiceName: "states" } },
);
quote.grantStartSyncExecution(states.grantPrincipal);
states.createResolver("Quote", {
  typeName: "Query",
  fieldName: "quote",
  requestMappingTemplate: appsync.MappingTemplate.fromString(`{"version": "2018-05-29", "method": "POST", "resourcePath": "/",
 "params": {
   "headers": {"content-type": "application/x-amz-json-1.0",
               "x-amz-target": "AWSStepFunctions.StartSyncExecution"},
   "body": {"stateMachineArn": "${quote.stateMachineArn}",
            "input": $util.toJson($util.toJson($ctx.args))}}}`),
  responseMappingTemplate: appsync.MappingTemplate.fromString(`#set($body = $util.parseJson($ctx.result.body))
#if($body.status != "SUCCEEDED")
  $util.error($body.cause, $body.error)
#end
$body.output`),
});

const local = api.addNoneDataSource("Local");
const hello = new appsync.AppsyncFunction(stack, "HelloFunction", {
  api,
  name: "hello",
  dataSource: local,
  runtime: appsync.FunctionRuntime.JS_1_0_0,
  code: appsync.Code.fromAsset(here("code", "hello.js")),
});
new appsync.Resolver(stack, "HelloResolver", {
  api,
  typeName: "Query",
  fieldName: "hello",
  pipelineConfig: [hello],
  runtime: appsync.FunctionRuntime.JS_1_0_0,
  code: appsync.Code.fromInline(
    "export function request(ctx) { return {}; }\nexport function response(ctx) { return ctx.prev.result; }\n",
  ),
});

// Read into the definition (its spec, its local ARN on the data source); not run yet.
const echo = new lambda.Function(stack, "Echo", {
  runtime: lambda.Runtime.PYTHON_3_12,
  handler: "app.handler",
  code: lambda.Code.fromAsset(here("functions", "echo")),
  environment: { TABLE_NAME: table.tableName },
  timeout: cdk.Duration.seconds(10),
});
api.addLambdaDataSource("Echo", echo);

new cdk.CfnOutput(stack, "WebClientId", { value: webClient.userPoolClientId });
app.synth();
