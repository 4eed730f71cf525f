export function request(ctx) {
  return { payload: `${ctx.args.message} (${ctx.info.fieldName})` };
}

export function response(ctx) {
  return ctx.result;
}
