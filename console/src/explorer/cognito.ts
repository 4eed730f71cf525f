// Sign-in to a Cognito user pool with USER_PASSWORD_AUTH: one InitiateAuth call to the AWS
// endpoint's JSON API (AWS JSON 1.1, `X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth`),
// unauthenticated as in AWS (the app client id is the credential). The tokens are the pool's real
// ones; the API verifies them against the pool's keys.

export interface CognitoTokens {
  IdToken: string;
  AccessToken: string;
  RefreshToken: string | null;
  ExpiresIn: number;
}

export class CognitoError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = "CognitoError";
  }
}

export async function initiateAuth(
  endpoint: string,
  clientId: string,
  username: string,
  password: string,
): Promise<CognitoTokens> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth",
    },
    body: JSON.stringify({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: clientId,
      AuthParameters: { USERNAME: username, PASSWORD: password },
    }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    __type?: string;
    message?: string;
    Message?: string;
    ChallengeName?: string;
    AuthenticationResult?: CognitoTokens;
  };
  if (!response.ok) {
    // AWS JSON errors: `__type` may carry a namespace prefix (`...#NotAuthorizedException`).
    const errorType = (body.__type ?? `HTTP ${response.status}`).split("#").pop()!;
    throw new CognitoError(errorType, body.message ?? body.Message ?? "sign-in failed");
  }
  if (body.ChallengeName) {
    throw new CognitoError(
      body.ChallengeName,
      `the pool asks for the ${body.ChallengeName} challenge, which the console does not answer; ` +
        "set a permanent password (admin-set-user-password --permanent) and sign in again",
    );
  }
  if (!body.AuthenticationResult) throw new CognitoError("InvalidResponse", "no AuthenticationResult in the answer");
  return body.AuthenticationResult;
}
