export function request(ctx) {
  return { payload: { stage: ctx.env.STAGE, table: ctx.env.TABLE_NAME, keys: Object.keys(ctx.env).sort() } };
}

export function response(ctx) {
  return ctx.result;
}
