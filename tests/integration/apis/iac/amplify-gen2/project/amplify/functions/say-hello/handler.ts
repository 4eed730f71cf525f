import type { Schema } from "../../data/resource";

export const handler: Schema["sayHello"]["functionHandler"] = async (event) => {
  const who = event.arguments.name ?? "stranger";
  return `Hello, ${who}! (${process.env.AWS_LAMBDA_FUNCTION_NAME ? "in Lambda" : "elsewhere"})`;
};
