export function request(ctx) {
  ctx.stash.trail = [`before:${ctx.env.STAGE}`];
  return {};
}

export function response(ctx) {
  return { trail: [...ctx.stash.trail, `after:${ctx.env.TABLE_NAME}`] };
}
