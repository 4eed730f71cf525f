// A web app's sign-in with aws-amplify v6 (tests/browser/test_cross_origin.py bundles this with
// esbuild): `window.amplifySignIn(endpoint, userPoolId, userPoolClientId, username, password)`
// configures Amplify with the server as the user pool's endpoint, signs in with `signIn`'s
// default flow (USER_SRP_AUTH), and says how it went.
import { Amplify } from "aws-amplify";
import { fetchAuthSession, signIn, signOut } from "aws-amplify/auth";

window.amplifySignIn = async (endpoint, userPoolId, userPoolClientId, username, password) => {
  Amplify.configure({ Auth: { Cognito: { userPoolId, userPoolClientId, userPoolEndpoint: endpoint } } });
  try {
    await signOut();
    const result = await signIn({ username, password });
    const session = await fetchAuthSession();
    return {
      ok: true,
      step: result.nextStep.signInStep,
      idToken: session.tokens?.idToken?.toString() ?? null,
    };
  } catch (error) {
    return { ok: false, name: error.name, message: error.message };
  }
};
