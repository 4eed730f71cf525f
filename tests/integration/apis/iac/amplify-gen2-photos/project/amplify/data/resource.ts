import { a, defineData, type ClientSchema } from "@aws-amplify/backend";
import { onUpload } from "../functions/on-upload/resource";

const schema = a
  .schema({
    Photo: a
      .model({ key: a.string().required(), size: a.integer(), label: a.string() })
      .authorization((allow) => [allow.authenticated(), allow.guest().to(["read"])]),
  })
  .authorization((allow) => [allow.resource(onUpload)]);

export type Schema = ClientSchema<typeof schema>;

export const data = defineData({
  schema,
  authorizationModes: { defaultAuthorizationMode: "userPool" },
});
