// A passwordless sign-in with the Amplify JavaScript library (aws-amplify 6), as a web app
// writes it: signIn with the CUSTOM_WITHOUT_SRP flow, the custom challenge's parameters shown,
// confirmSignIn with the answer, then the session's tokens. Its arguments: the Cognito endpoint,
// the user pool id, the app client id, the user name and the wrong then the right answer; it
// prints one JSON line of what it saw.
const { Amplify } = require("aws-amplify");
const { signIn, confirmSignIn, fetchAuthSession } = require("aws-amplify/auth");

const [endpoint, userPoolId, userPoolClientId, username, wrong, right] = process.argv.slice(2);

async function main() {
  Amplify.configure({
    Auth: { Cognito: { userPoolId, userPoolClientId, userPoolEndpoint: endpoint } },
  });
  const started = await signIn({ username, options: { authFlowType: "CUSTOM_WITHOUT_SRP" } });
  const retried = await confirmSignIn({ challengeResponse: wrong });
  const done = await confirmSignIn({ challengeResponse: right });
  const session = await fetchAuthSession();
  process.stdout.write(
    JSON.stringify({
      started: started.nextStep,
      retried: retried.nextStep,
      done: { isSignedIn: done.isSignedIn, step: done.nextStep.signInStep },
      idToken: session.tokens.idToken.toString(),
    }) + "\n",
  );
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: error.name, message: error.message }) + "\n");
  process.exit(1);
});
