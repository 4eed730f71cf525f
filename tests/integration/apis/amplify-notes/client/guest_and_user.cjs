// An Amplify web app of the amplify-notes project (aws-amplify 6), as its code would be written
// for `{allow: public, provider: iam}` and `{allow: private, provider: iam}`: a guest reads the
// notice board and subscribes to new notices with the identity pool's guest credentials
// (authMode "identityPool"), then signs in (SRP, Amplify's default) and posts a notice with the
// signed-in user's credentials (authMode "iam", the older name). Its arguments: the server's
// URL, the user pool id, the web app client id, the identity pool id, the region, the user
// name and password; it prints one JSON line of what it saw.
const { Amplify } = require("aws-amplify");
const { Hub } = require("aws-amplify/utils");
const { signIn, fetchAuthSession } = require("aws-amplify/auth");
const { generateClient, CONNECTION_STATE_CHANGE, ConnectionState } = require("aws-amplify/api");

const [server, userPoolId, userPoolClientId, identityPoolId, region, username, password] =
  process.argv.slice(2);

function connected() {
  return new Promise((resolve) => {
    const stop = Hub.listen("api", ({ payload }) => {
      if (
        payload.event === CONNECTION_STATE_CHANGE &&
        payload.data.connectionState === ConnectionState.Connected
      ) {
        stop();
        resolve();
      }
    });
  });
}

async function main() {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId,
        userPoolClientId,
        identityPoolId,
        allowGuestAccess: true,
        userPoolEndpoint: server,
        identityPoolEndpoint: server,
      },
    },
    API: { GraphQL: { endpoint: `${server}/graphql`, region, defaultAuthMode: "identityPool" } },
  });
  const client = generateClient();
  const guestSession = await fetchAuthSession();
  const board = await client.graphql({
    query: "query { listNotices { items { id text } } }",
    authMode: "identityPool",
  });
  const ready = connected();
  const heard = new Promise((resolve, reject) => {
    const subscription = client
      .graphql({ query: "subscription { onCreateNotice { id text } }", authMode: "identityPool" })
      .subscribe({
        next: ({ data }) => {
          subscription.unsubscribe();
          resolve(data.onCreateNotice);
        },
        error: reject,
      });
  });
  await ready;
  await signIn({ username, password });
  const userSession = await fetchAuthSession();
  const posted = await client.graphql({
    query: 'mutation { createNotice(input: {id: "n-1", text: "Open day"}) { id text } }',
    authMode: "iam",
  });
  const event = await heard;
  process.stdout.write(
    JSON.stringify({
      guestIdentityId: guestSession.identityId,
      guestKey: guestSession.credentials.accessKeyId,
      userIdentityId: userSession.identityId,
      board: board.data.listNotices.items,
      posted: posted.data.createNotice,
      event,
    }) + "\n",
  );
}

main().catch((error) => {
  const detail = error.errors ? JSON.stringify(error.errors) : error.message;
  process.stdout.write(JSON.stringify({ error: error.name, message: detail }) + "\n");
  process.exit(1);
});
