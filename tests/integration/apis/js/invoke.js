export function request(ctx) {
  ctx.stash.trail = [...ctx.stash.trail, 'lambda'];
  return { operation: 'Invoke', payload: { value: ctx.prev.result } };
}

export function response(ctx) {
  return ctx.result.received.value + 1;
}
