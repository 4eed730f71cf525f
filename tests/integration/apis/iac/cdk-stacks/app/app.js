// A CDK app of two stacks, as teams split them: NotesData holds the table, the user pool and a
// function; NotesApi the AppSync API, which uses them. Passing a construct from one stack to the
// other makes the CDK export it from NotesData and import it in NotesApi (Fn::ImportValue), and
// NotesApi depend on NotesData. Synthesized once into ../cdk.out by synth.sh and committed.
const path = require("path");
const cdk = require("aws-cdk-lib");
const appsync = require("aws-cdk-lib/aws-appsync");
const cognito = require("aws-cdk-lib/aws-cognito");
const dynamodb = require("aws-cdk-lib/aws-dynamodb");
const lambda = require("aws-cdk-lib/aws-lambda");

const app = new cdk.App({ outdir: path.join(__dirname, "..", "cdk.out") });

const data = new cdk.Stack(app, "NotesData");
const table = new dynamodb.Table(data, "Notes", {
  partitionKey: { name: "id", type: dynamodb.AttributeType.STRING },
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  removalPolicy: cdk.RemovalPolicy.DESTROY,
});
const users = new cognito.UserPool(data, "Users", { userPoolName: "notes-users" });
const web = users.addClient("Web", { authFlows: { userPassword: true } });
const count = new lambda.Function(data, "WordCount", {
  runtime: lambda.Runtime.NODEJS_20_X,
  handler: "index.handler",
  code: lambda.Code.fromAsset(path.join(__dirname, "count")),
});
new cdk.CfnOutput(data, "WebClientId", { value: web.userPoolClientId });

const stack = new cdk.Stack(app, "NotesApi");
const api = new appsync.GraphqlApi(stack, "Api", {
  name: "notes",
  definition: appsync.Definition.fromFile(path.join(__dirname, "schema.graphql")),
  authorizationConfig: {
    defaultAuthorization: { authorizationType: appsync.AuthorizationType.API_KEY },
    additionalAuthorizationModes: [
      { authorizationType: appsync.AuthorizationType.USER_POOL, userPoolConfig: { userPool: users } },
    ],
  },
});
const notes = api.addDynamoDbDataSource("NotesTable", table);
notes.createResolver("Note", {
  typeName: "Query",
  fieldName: "note",
  requestMappingTemplate: appsync.MappingTemplate.dynamoDbGetItem("id", "id"),
  responseMappingTemplate: appsync.MappingTemplate.dynamoDbResultItem(),
});
notes.createResolver("AddNote", {
  typeName: "Mutation",
  fieldName: "addNote",
  requestMappingTemplate: appsync.MappingTemplate.dynamoDbPutItem(
    appsync.PrimaryKey.partition("id").is("id"),
    appsync.Values.projecting(),
  ),
  responseMappingTemplate: appsync.MappingTemplate.dynamoDbResultItem(),
});
api.addLambdaDataSource("Words", count).createResolver("WordsResolver", {
  typeName: "Query",
  fieldName: "words",
});
app.synth();
