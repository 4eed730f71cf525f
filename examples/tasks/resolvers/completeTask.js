/**
 * Marks a task done, in two steps: fetchTask reads it (and stops the pipeline early when it is
 * done already), markDone updates it. The id travels in the stash.
 */
export function request(ctx) {
  ctx.stash.taskId = ctx.args.id;
  return {};
}

export function response(ctx) {
  return ctx.prev.result;
}
