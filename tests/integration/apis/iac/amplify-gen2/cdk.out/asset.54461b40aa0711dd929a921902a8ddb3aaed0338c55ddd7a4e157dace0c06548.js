import { util } from "@aws-appsync/utils";

export function request(ctx) {
  return { operation: "Scan", filter: util.transform.toDynamoDBFilterExpression({ done: { eq: ctx.args.done } }) };
}

export function response(ctx) {
  return ctx.result.items.length;
}
