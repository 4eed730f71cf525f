// AppSync's ctx.env is the API's configuration: what a handler writes into it stays with that
// handler's run, never reaching the next request's.
export function request(ctx) {
  const before = ctx.env.STAGE;
  ctx.env.STAGE = 'changed';
  return { payload: { before } };
}

export function response(ctx) {
  return ctx.result;
}
