// The AWS SDK for JavaScript v3's Cognito client as a web app bundles it for the browser
// (tests/browser/test_cross_origin.py builds this with esbuild): `window.cognito(endpoint,
// operation, input)` sends one unsigned user pool operation and says how it went.
import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";

const commands = { InitiateAuth: InitiateAuthCommand, SignUp: SignUpCommand };

window.cognito = async (endpoint, operation, input) => {
  const client = new CognitoIdentityProviderClient({ region: "us-east-1", endpoint, maxAttempts: 1 });
  try {
    const output = await client.send(new commands[operation](input));
    return { ok: true, output };
  } catch (error) {
    return { ok: false, name: error.name, status: error.$metadata?.httpStatusCode ?? null };
  }
};
