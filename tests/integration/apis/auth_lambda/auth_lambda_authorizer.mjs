// The Lambda authorizer of test_auth_lambda.py in Node.js, as auth_lambda_authorizer.py is in
// Python: tokens are `<kind>-<user>`; the resolver context reports what the event carried and
// how many times this (warm) function ran.
let calls = 0;

export const handler = async (event, context) => {
  calls += 1;
  const [kind, ...rest] = String(event.authorizationToken).split("-");
  const request = event.requestContext;
  const answer = {
    isAuthorized: ["allow", "limited", "fresh"].includes(kind),
    resolverContext: {
      user: rest.join("-"),
      call: String(calls),
      operationName: String(request.operationName),
      queryString: request.queryString,
      variables: JSON.stringify(request.variables),
      userAgent: event.requestHeaders["user-agent"] ?? "",
      functionName: context.functionName,
    },
  };
  if (kind === "limited") {
    answer.deniedFields = [
      "Query.secret",
      "arn:aws:appsync:us-east-1:000000000000:apis/local/types/Profile/fields/email",
    ];
  }
  if (kind === "fresh") answer.ttlOverride = 0;
  return answer;
};
