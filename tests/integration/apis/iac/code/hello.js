// The `hello` pipeline function (APPSYNC_JS) on the NONE data source.
export function request(ctx) {
  return { payload: `Hello, ${ctx.args.name}!` };
}

export function response(ctx) {
  return ctx.result;
}
