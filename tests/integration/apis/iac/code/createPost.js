import * as ddb from "@aws-appsync/utils/dynamodb";

export function request(ctx) {
  const { id, title } = ctx.args;
  return ddb.put({ key: { id }, item: { title, status: "draft-dev" } });
}

export function response(ctx) {
  return ctx.result;
}
