// A web app of the Gen 2 backend (aws-amplify 6), configured from the amplify_outputs.json
// `appsync-local amplify-outputs` writes, as an app is configured from the one
// `npx ampx generate outputs` writes; only the Cognito endpoints are pointed at the server,
// which amplify_outputs.json has no key for. A guest lists the todos through the identity pool
// (`generateClient({ authMode: "identityPool" })`), then a user signs in (SRP, Amplify's
// default) and uses `client.models.Todo` and `client.queries.sayHello`, both built from the
// file's model_introspection. Its arguments: the outputs file, the server's URL, the user's
// email and password; it prints one JSON line of what it saw.
const { Amplify } = require("aws-amplify");
const { signIn } = require("aws-amplify/auth");
const { generateClient } = require("aws-amplify/data");

const [outputsFile, server, email, password] = process.argv.slice(2);

async function main() {
  Amplify.configure(require(outputsFile));
  const config = Amplify.getConfig();
  Amplify.configure({
    ...config,
    Auth: {
      Cognito: { ...config.Auth.Cognito, userPoolEndpoint: server, identityPoolEndpoint: server },
    },
  });
  const guest = generateClient({ authMode: "identityPool" });
  const before = await guest.models.Todo.list();
  await signIn({ username: email, password });
  const client = generateClient();
  const created = await client.models.Todo.create({ content: "milk", done: false });
  const listed = await client.models.Todo.list();
  const hello = await client.queries.sayHello({ name: "Ada" });
  const refused = await guest.models.Todo.create({ content: "not mine" });
  console.log(
    JSON.stringify({
      guestSaw: before.data.map((todo) => todo.content),
      created: created.data && { content: created.data.content, done: created.data.done },
      createErrors: created.errors ?? null,
      listed: listed.data.map((todo) => todo.content),
      hello: hello.data,
      guestCreate: (refused.errors ?? []).map((error) => error.errorType),
    }),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
