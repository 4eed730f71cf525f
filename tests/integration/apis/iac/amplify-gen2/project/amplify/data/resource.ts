import { a, defineData, type ClientSchema } from "@aws-amplify/backend";
import { sayHello } from "../functions/say-hello/resource";

const schema = a.schema({
  Todo: a
    .model({ content: a.string(), done: a.boolean() })
    .authorization((allow) => [
      allow.owner(),
      allow.groups(["ADMINS"]),
      allow.guest().to(["read"]),
    ]),
  sayHello: a
    .query()
    .arguments({ name: a.string() })
    .returns(a.string())
    .authorization((allow) => [allow.authenticated(), allow.guest()])
    .handler(a.handler.function(sayHello)),
  countTodos: a
    .query()
    .arguments({ done: a.boolean().required() })
    .returns(a.integer())
    .authorization((allow) => [allow.authenticated()])
    .handler(a.handler.custom({ dataSource: a.ref("Todo"), entry: "./countTodos.js" })),
});

export type Schema = ClientSchema<typeof schema>;

export const data = defineData({
  schema,
  authorizationModes: { defaultAuthorizationMode: "userPool" },
});
