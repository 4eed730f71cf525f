export function request(ctx) {
  ctx.stash.trail.push(`js:${ctx.env.MAX_ITEMS}`);
  return { payload: null };
}

export function response(ctx) {
  return ctx.prev.result;
}
