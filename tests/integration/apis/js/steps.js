export function request(ctx) {
  ctx.stash.trail = ['before'];
  return ctx.args.start;
}

export function response(ctx) {
  return JSON.stringify({ value: ctx.prev.result, trail: ctx.stash.trail });
}
