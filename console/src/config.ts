// `GET /console/config.json`: what the server tells the page about the API it serves. The
// Python side building it is appsync/console/routes.py; the two shapes are kept equal by the
// browser tests, which load the real endpoint.

export type AuthenticationType =
  | "API_KEY"
  | "AWS_IAM"
  | "AMAZON_COGNITO_USER_POOLS"
  | "OPENID_CONNECT"
  | "AWS_LAMBDA";

export interface ApiKeyProvider {
  authenticationType: "API_KEY";
  /** CreateApiKey's members; `expires` in epoch seconds, null for no expiry locally. */
  apiKeys: { id: string; description: string | null; expires: number | null }[];
}

export interface IamProvider {
  authenticationType: "AWS_IAM";
  /** The region signatures name (`iamConfig.region`, else the server's region). */
  region: string;
  /** The configured access keys, without their secrets (the user types the secret). */
  credentials: { accessKeyId: string; userArn: string | null }[];
}

export interface CognitoProvider {
  authenticationType: "AMAZON_COGNITO_USER_POOLS";
  userPoolId: string;
  awsRegion: string;
  appIdClientRegex: string | null;
  /** App client ids the server knows for the pool (for InitiateAuth); may be empty. */
  clientIds: string[];
}

export interface OidcProvider {
  authenticationType: "OPENID_CONNECT";
  issuer: string;
  clientId: string | null;
}

export interface LambdaProvider {
  authenticationType: "AWS_LAMBDA";
  identityValidationExpression: string | null;
}

export type AuthProvider = ApiKeyProvider | IamProvider | CognitoProvider | OidcProvider | LambdaProvider;

/** The console's sections; `appsync-local stepfunctions` serves only "stepfunctions". */
export type Section = "explorer" | "stepfunctions" | "dynamodb" | "logs";

export interface ConsoleConfig {
  apiName: string;
  /** appsync-local's version. */
  version: string;
  region: string;
  endpoints: {
    /** Absolute URLs as this page reaches them (the request's own scheme, host and port);
     * null when the server serves no AppSync API (`appsync-local stepfunctions`). */
    graphql: string | null;
    realtime: string | null;
    /** The local AWS endpoint (AWS JSON APIs by X-Amz-Target: states, cognito-idp, dynamodb);
     * null when the server has none. */
    aws: string | null;
    /** The console's own GraphQL API (queries over HTTP, graphql-transport-ws subscriptions). */
    console: string;
  };
  /** The default mode first, then additionalAuthenticationProviders in definition order. */
  authProviders: AuthProvider[];
  /** What this server serves, in the order the header lists them. */
  sections: Section[];
  /** The console API's token (`Authorization: Bearer ...`), given only to a page loaded on the
   * server's own machine; elsewhere the user types the one the server printed. */
  consoleToken: string | null;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch("./config.json", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return (await response.json()) as ConsoleConfig;
}
