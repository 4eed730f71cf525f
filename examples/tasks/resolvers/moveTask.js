/**
 * Moves a task to another project, in two steps: transferTask writes the move in one
 * transaction, readTask reads the task as it is now.
 */
export function request(ctx) {
  ctx.stash.taskId = ctx.args.id;
  return {};
}

export function response(ctx) {
  return ctx.prev.result;
}
